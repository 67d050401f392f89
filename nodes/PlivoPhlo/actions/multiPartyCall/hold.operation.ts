import { memberActionOperation } from './memberAction';

export const { description, prepare } = memberActionOperation(
	'hold',
	'hold',
	'The member to put on hold.',
);
