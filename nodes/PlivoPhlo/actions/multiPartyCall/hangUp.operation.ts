import { memberActionOperation } from './memberAction';

export const { description, prepare } = memberActionOperation(
	'hangUp',
	'hangup',
	'The member to disconnect from the call.',
);
