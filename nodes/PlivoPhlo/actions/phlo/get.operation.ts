import { updateDisplayOptions } from 'n8n-workflow';

import { phloIdField } from '../../descriptions/fields';
import { phloPath } from '../../helpers/requests';
import type { PhloOperation } from '../node.type';

export const description = updateDisplayOptions({ show: { resource: ['phlo'], operation: ['get'] } }, [phloIdField]);

/** `GET /v1/phlo/{phlo_id}` */
export const prepare: PhloOperation['prepare'] = (parameters) => ({
	method: 'GET',
	path: phloPath(parameters('phloId')),
	target: {},
	destinations: [],
});
