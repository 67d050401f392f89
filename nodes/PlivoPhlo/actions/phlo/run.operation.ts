import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { phloIdField, retryOnFailNotice } from '../../descriptions/fields';
import { OPTION_DEFAULTS } from '../../helpers/defaults';
import { parsePayloadPaths, payloadDestinations } from '../../helpers/destinations';
import type { RequestTarget } from '../../helpers/failures';
import { encodePathSegment } from '../../helpers/requests';
import { parsePhloId, parsePlainId } from '../../helpers/ids';
import { parsePayload } from '../../helpers/validation';
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
	retryOnFailNotice,
];

export const description = updateDisplayOptions({ show: { resource: ['phlo'], operation: ['run'] } }, properties);

/**
 * `POST /v1/account/{auth_id}/phlo/{phlo_id}` with the payload as the body. Plivo's SDKs snake_case
 * the payload's keys; this node sends them exactly as the user wrote them.
 */
export const prepare: PhloOperation['prepare'] = (parameters, account) => {
	const authId = parsePlainId('authId', account.authId, 'set the Auth ID in the Plivo PHLO credential');
	const phloId = parsePhloId(parameters('phloId'));
	const payload = parsePayload(parameters('payload'));
	const target: RequestTarget = typeof payload.to === 'string' ? { to: payload.to } : {};
	return {
		method: 'POST',
		path: `/v1/account/${encodePathSegment(authId)}/phlo/${encodePathSegment(phloId)}`,
		body: payload,
		target,
		// Which value the PHLO dials is known only to the PHLO, so every value that could be dialled is checked.
		destinations: payloadDestinations(payload, parsePayloadPaths(parameters('options.payloadKeysNotDialled', OPTION_DEFAULTS.payloadKeysNotDialled))),
	};
};
