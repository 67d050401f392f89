import type { INodeProperties } from 'n8n-workflow';

import type { PhloOperations } from '../node.type';
import * as get from './get.operation';
import * as run from './run.operation';

export const operations: PhloOperations<'phlo'> = { run, get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['phlo'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: "Get a PHLO's name and creation date",
				action: 'Get a PHLO',
			},
			{
				name: 'Run',
				value: 'run',
				description: 'Start a PHLO with a payload, as its API trigger does',
				action: 'Run a PHLO',
			},
		],
		default: 'run',
	},
	...Object.values(operations).flatMap((operation) => operation.description),
];
