/**
 * The fields each operation shows, in order, below Resource and Operation and above Options: the
 * contract saved workflows depend on (a notice, which saves nothing, is listed where it shows). The unit test checks the description against it and the UI test checks the
 * editor's node panel against it.
 */
export const FIELDS_BY_OPERATION: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
	multiPartyCall: {
		addUser: ['phloId', 'nodeId', 'to', 'role', 'triggerSource', 'retryOnFailNotice'],
		warmTransfer: ['phloId', 'nodeId', 'to', 'role', 'triggerSource', 'retryOnFailNotice'],
		coldTransfer: ['phloId', 'nodeId', 'to', 'role', 'triggerSource', 'retryOnFailNotice'],
		abortTransfer: ['phloId', 'nodeId', 'memberAddress'],
		hold: ['phloId', 'nodeId', 'memberAddress'],
		unhold: ['phloId', 'nodeId', 'memberAddress'],
		hangUp: ['phloId', 'nodeId', 'memberAddress'],
		resumeCall: ['phloId', 'nodeId', 'memberAddress'],
		voicemailDrop: ['phloId', 'nodeId', 'memberAddress'],
		get: ['phloId', 'nodeId'],
	},
	phlo: {
		run: ['phloId', 'payload', 'retryOnFailNotice'],
		get: ['phloId'],
	},
};

/** Fields whose value has a format a person must follow: each needs a placeholder showing it. */
export const FIELDS_WITH_FORMAT: readonly string[] = ['to', 'triggerSource', 'memberAddress', 'phloId', 'nodeId', 'payload'];
