import { updateDisplayOptions } from 'n8n-workflow';

import {
	nodeIdField,
	phloIdField,
	retryOnFailNotice,
	roleField,
	toField,
	triggerSourceField,
} from '../../descriptions/fields';
import { multiPartyCallPath } from '../../helpers/requests';
import { parseAddress, parseRole } from '../../helpers/validation';
import type { PhloOperation, PlivoPhloMap } from '../node.type';

/** Multi-Party Call actions that dial someone: sent to the node with who to dial and who asked. */
type DialAction = 'call' | 'warm_transfer' | 'cold_transfer';

/**
 * Add User, Warm Transfer and Cold Transfer send the same request; only the action and the wording
 * differ: `POST /v1/phlo/{phlo_id}/multi_party_call/{node_id}` with
 * `{"action", "to", "role", "trigger_source"}`.
 */
export function dialOperation(
	operation: PlivoPhloMap['multiPartyCall'],
	action: DialAction,
	wording: { to: string; role: string },
): PhloOperation {
	const properties = [
		phloIdField,
		nodeIdField,
		{ ...toField, description: `${wording.to} ${toField.description}.` },
		{ ...roleField, description: wording.role },
		triggerSourceField,
		retryOnFailNotice,
	];
	return {
		description: updateDisplayOptions({ show: { resource: ['multiPartyCall'], operation: [operation] } }, properties),
		prepare: (parameters) => {
			const path = multiPartyCallPath(parameters('phloId'), parameters('nodeId'));
			const to = parseAddress('to', parameters('to'));
			const role = parseRole(parameters('role'));
			const triggerSource = parseAddress('triggerSource', parameters('triggerSource'));
			return {
				method: 'POST',
				path,
				body: { action, to, role, trigger_source: triggerSource },
				target: { to, trigger_source: triggerSource },
				// Trigger Source is already in the call: Plivo does not dial it.
				destinations: [{ field: 'to', label: 'To', address: to }],
			};
		},
	};
}
