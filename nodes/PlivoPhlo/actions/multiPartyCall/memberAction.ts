import { updateDisplayOptions } from 'n8n-workflow';

import { memberAddressField, nodeIdField, phloIdField } from '../../descriptions/fields';
import { encodePathSegment, multiPartyCallPath } from '../../helpers/requests';
import { parseAddress } from '../../helpers/validation';
import type { PhloOperation, PlivoPhloMap } from '../node.type';

/** Multi-Party Call actions on a member already in the call. */
type MemberAction = 'abort_transfer' | 'hold' | 'unhold' | 'hangup' | 'resume_call' | 'voicemail_drop';

/**
 * The member actions all address one member of the call and send nothing but the action:
 * `POST /v1/phlo/{phlo_id}/multi_party_call/{node_id}/members/{member_address}` with `{"action"}`.
 */
export function memberActionOperation(
	operation: PlivoPhloMap['multiPartyCall'],
	action: MemberAction,
	memberWording: string,
): PhloOperation {
	const properties = [
		phloIdField,
		nodeIdField,
		{ ...memberAddressField, description: `${memberWording} ${memberAddressField.description}.` },
	];
	return {
		description: updateDisplayOptions({ show: { resource: ['multiPartyCall'], operation: [operation] } }, properties),
		prepare: (parameters) => {
			const path = multiPartyCallPath(parameters('phloId'), parameters('nodeId'));
			const memberAddress = parseAddress('memberAddress', parameters('memberAddress'));
			return {
				method: 'POST',
				path: `${path}/members/${encodePathSegment(memberAddress)}`,
				body: { action },
				target: { member_address: memberAddress },
				// The member is in the call already: these actions dial nobody.
				destinations: [],
			};
		},
	};
}
