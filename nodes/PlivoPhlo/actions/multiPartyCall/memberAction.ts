import { updateDisplayOptions } from 'n8n-workflow';

import { memberAddressField, nodeIdField, phloIdField } from '../../descriptions/fields';
import { buildMemberActionRequest, type MemberAction } from '../../helpers/requests';
import type { PhloOperation, PlivoPhloMap } from '../node.type';

/** The member actions all address one member of the call and send nothing but the action. */
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
		description: updateDisplayOptions(
			{ show: { resource: ['multiPartyCall'], operation: [operation] } },
			properties,
		),
		prepare: (parameters) =>
			buildMemberActionRequest(action, {
				phloId: parameters('phloId'),
				nodeId: parameters('nodeId'),
				memberAddress: parameters('memberAddress'),
			}),
	};
}
