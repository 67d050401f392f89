import { memberActionOperation } from './memberAction';

export const { description, prepare } = memberActionOperation(
	'voicemailDrop',
	'voicemail_drop',
	"The member whose voicemail gets the PHLO's recorded message.",
);
