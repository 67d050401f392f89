import { memberActionOperation } from './memberAction';

export const { description, prepare } = memberActionOperation(
	'unhold',
	'unhold',
	'The member on hold to bring back into the call.',
);
