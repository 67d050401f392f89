import { updateDisplayOptions } from 'n8n-workflow';

import {
	nodeIdField,
	phloIdField,
	roleField,
	toField,
	triggerSourceField,
} from '../../descriptions/fields';
import { buildDialRequest, type DialAction } from '../../helpers/requests';
import type { PhloOperation, PlivoPhloMap } from '../node.type';

/** Add User, Warm Transfer and Cold Transfer send the same fields; only the action and the wording differ. */
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
	];
	return {
		description: updateDisplayOptions(
			{ show: { resource: ['multiPartyCall'], operation: [operation] } },
			properties,
		),
		prepare: (parameters) =>
			buildDialRequest(action, {
				phloId: parameters('phloId'),
				nodeId: parameters('nodeId'),
				to: parameters('to'),
				role: parameters('role'),
				triggerSource: parameters('triggerSource'),
			}),
	};
}
