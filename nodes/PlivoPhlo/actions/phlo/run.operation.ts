import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { phloIdField } from '../../descriptions/fields';
import { buildRunPhloRequest } from '../../helpers/requests';
import type { PhloOperation } from '../node.type';

const properties: INodeProperties[] = [
	phloIdField,
	{
		displayName: 'Payload',
		name: 'payload',
		type: 'json',
		default: '{}',
		placeholder: '{"from": "+14155550000", "to": "+14155551234"}',
		description:
			"The values the PHLO's Start node expects, as a JSON object. It is sent exactly as given; leave {} for a PHLO without a payload.",
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['phlo'], operation: ['run'] } },
	properties,
);

export const prepare: PhloOperation['prepare'] = (parameters, account) =>
	buildRunPhloRequest({
		authId: account.authId,
		phloId: parameters('phloId'),
		payload: parameters('payload'),
	});
