import { updateDisplayOptions } from 'n8n-workflow';

import { phloIdField } from '../../descriptions/fields';
import { buildGetPhloRequest } from '../../helpers/requests';
import type { PhloOperation } from '../node.type';

export const description = updateDisplayOptions(
	{ show: { resource: ['phlo'], operation: ['get'] } },
	[phloIdField],
);

export const prepare: PhloOperation['prepare'] = (parameters) =>
	buildGetPhloRequest({ phloId: parameters('phloId') });
