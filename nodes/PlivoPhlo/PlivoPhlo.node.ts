import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as multiPartyCall from './actions/multiPartyCall/MultiPartyCall.resource';
import * as phlo from './actions/phlo/Phlo.resource';
import { router } from './actions/router';
import { optionsField } from './descriptions/options';
import { CREDENTIAL_TYPE } from './helpers/defaults';

export class PlivoPhlo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Plivo PHLO',
		name: 'plivoPhlo',
		icon: { light: 'file:plivo.svg', dark: 'file:plivo.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ ($parameter["options"] && $parameter["options"]["dryRun"] ? "Dry run, sends nothing · " : "") + $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Add, transfer, hold and hang up Multi-Party Call members and run PHLOs with Plivo',
		defaults: { name: 'Plivo PHLO' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Multi-Party Call', value: 'multiPartyCall' },
					{ name: 'PHLO', value: 'phlo' },
				],
				default: 'multiPartyCall',
			},
			...multiPartyCall.description,
			...phlo.description,
			optionsField,
			{
				displayName: 'Dry Run is on: this node sends nothing to Plivo and claims no Deduplication Key; each item shows the request it would send',
				name: 'dryRunNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { '/options.dryRun': [true] } },
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this, this.continueOnFail());
	}
}
