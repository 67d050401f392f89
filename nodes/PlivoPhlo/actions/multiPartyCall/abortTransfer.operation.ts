import { memberActionOperation } from './memberAction';

export const { description, prepare } = memberActionOperation(
	'abortTransfer',
	'abort_transfer',
	'The member being transferred to, whose transfer is to be cancelled.',
);
