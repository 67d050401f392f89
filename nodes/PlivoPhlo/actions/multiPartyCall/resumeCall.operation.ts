import { memberActionOperation } from './memberAction';

export const { description, prepare } = memberActionOperation(
	'resumeCall',
	'resume_call',
	'The agent to reconnect to the call after a warm transfer.',
);
