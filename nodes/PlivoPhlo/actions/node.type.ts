import type { INodeProperties } from 'n8n-workflow';

import type { ItemParameters } from '../helpers/parameters';
import type { PhloAccount, PhloRequest } from '../helpers/requests';

export type PlivoPhloMap = {
	multiPartyCall:
		| 'addUser'
		| 'warmTransfer'
		| 'coldTransfer'
		| 'abortTransfer'
		| 'hold'
		| 'unhold'
		| 'hangUp'
		| 'resumeCall'
		| 'voicemailDrop'
		| 'get';
	phlo: 'run' | 'get';
};

export type PlivoPhloResource = keyof PlivoPhloMap;

export interface PhloOperation {
	/** The operation's fields, each already limited to this resource and operation. */
	description: INodeProperties[];
	/** Reads one item's fields and builds its request; throws `InputError` for a value that cannot be sent. */
	prepare(parameters: ItemParameters, account: PhloAccount): PhloRequest;
}

export type PhloOperations<R extends PlivoPhloResource> = Record<PlivoPhloMap[R], PhloOperation>;
