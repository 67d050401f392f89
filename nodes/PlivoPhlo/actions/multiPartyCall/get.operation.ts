import { updateDisplayOptions } from 'n8n-workflow';

import { nodeIdField, phloIdField } from '../../descriptions/fields';
import { buildGetMultiPartyCallRequest } from '../../helpers/requests';
import type { PhloOperation } from '../node.type';

export const description = updateDisplayOptions(
	{ show: { resource: ['multiPartyCall'], operation: ['get'] } },
	[phloIdField, nodeIdField],
);

export const prepare: PhloOperation['prepare'] = (parameters) =>
	buildGetMultiPartyCallRequest({
		phloId: parameters('phloId'),
		nodeId: parameters('nodeId'),
	});
