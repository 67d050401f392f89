import * as multiPartyCall from '../../nodes/PlivoPhlo/actions/multiPartyCall/MultiPartyCall.resource';
import type { PhloOperation, PlivoPhloMap } from '../../nodes/PlivoPhlo/actions/node.type';
import * as phlo from '../../nodes/PlivoPhlo/actions/phlo/Phlo.resource';
import type { ItemParameters } from '../../nodes/PlivoPhlo/helpers/parameters';
import type { PhloRequest } from '../../nodes/PlivoPhlo/helpers/requests';

/** Every operation with the `action` it sends (none for reads and runs). */
export const OPERATIONS = {
	multiPartyCall: {
		addUser: 'call',
		warmTransfer: 'warm_transfer',
		coldTransfer: 'cold_transfer',
		abortTransfer: 'abort_transfer',
		hold: 'hold',
		unhold: 'unhold',
		hangUp: 'hangup',
		resumeCall: 'resume_call',
		voicemailDrop: 'voicemail_drop',
		get: undefined,
	},
	phlo: { run: undefined, get: undefined },
} as const satisfies { [R in keyof PlivoPhloMap]: Record<PlivoPhloMap[R], string | undefined> };

export const DIAL_OPERATIONS = ['addUser', 'warmTransfer', 'coldTransfer'] as const;
export const MEMBER_OPERATIONS = ['abortTransfer', 'hold', 'unhold', 'hangUp', 'resumeCall', 'voicemailDrop'] as const;

/** An item's parameters as the node reads them, from a plain object (a missing name gives the fallback). */
export const itemParameters =
	(values: Record<string, unknown>): ItemParameters =>
	(name, fallback) =>
		name in values ? values[name] : fallback;

const RESOURCES: Record<keyof PlivoPhloMap, Record<string, PhloOperation>> = {
	multiPartyCall: multiPartyCall.operations,
	phlo: phlo.operations,
};

/** The request an operation builds for one item, as the node would send it for the account `authId`. */
export function requestFor(
	resource: keyof PlivoPhloMap,
	operation: string,
	values: Record<string, unknown>,
	authId = 'MAXXXXXXXXXXXXXXXXXX',
): PhloRequest {
	const found = RESOURCES[resource][operation];
	if (!found) throw new Error(`no operation ${resource} > ${operation}`);
	return found.prepare(itemParameters(values), { authId });
}
