import { updateDisplayOptions } from 'n8n-workflow';

import { nodeIdField, phloIdField } from '../../descriptions/fields';
import { multiPartyCallPath } from '../../helpers/requests';
import type { PhloOperation } from '../node.type';

export const description = updateDisplayOptions(
	{ show: { resource: ['multiPartyCall'], operation: ['get'] } },
	[phloIdField, nodeIdField],
);

/** `GET /v1/phlo/{phlo_id}/multi_party_call/{node_id}` */
export const prepare: PhloOperation['prepare'] = (parameters) => ({
	method: 'GET',
	path: multiPartyCallPath(parameters('phloId'), parameters('nodeId')),
	target: {},
	destinations: [],
});
