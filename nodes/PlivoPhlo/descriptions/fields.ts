import type { INodeProperties } from 'n8n-workflow';

/** Fields used by several operations; each operation places them with its own display options. */

export const phloIdField: INodeProperties = {
	displayName: 'PHLO ID',
	name: 'phloId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 4c1a9f23-7f56-4879-bb80-db856e1e7701',
	description:
		"The PHLO's ID from the PHLO list in Plivo's console. Pasting the PHLO's URL works too: the ID is taken out of it.",
};

export const nodeIdField: INodeProperties = {
	displayName: 'Node ID',
	name: 'nodeId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. b4b48fc2-f47a-4a93-97c3-749ed9a40fa8',
	description:
		"The Multi-Party Call node's ID, shown in that node's configuration in the PHLO editor. A URL that contains it works too.",
};

const addressHint =
	'A phone number with country code (e.g. +14155551234; spaces, dots, dashes and parentheses are removed) or a SIP URI (e.g. sip:agent@example.com)';

export const toField: INodeProperties = {
	displayName: 'To',
	name: 'to',
	type: 'string',
	required: true,
	default: '',
	placeholder: '+14155551234',
	description: addressHint,
};

export const roleField: INodeProperties = {
	displayName: 'Role',
	name: 'role',
	type: 'options',
	options: [
		{ name: 'Agent', value: 'agent', description: 'A member of your team' },
		{ name: 'Customer', value: 'customer', description: 'The person your team is calling or helping' },
	],
	default: 'agent',
	description: 'How the Multi-Party Call treats the person being dialled',
};

export const triggerSourceField: INodeProperties = {
	displayName: 'Trigger Source',
	name: 'triggerSource',
	type: 'string',
	required: true,
	default: '',
	placeholder: '+14155550000',
	description:
		'The agent, already in the call, on whose behalf this is done. A phone number with country code (e.g. +14155550000) or a SIP URI (e.g. sip:agent@example.com).',
};

export const memberAddressField: INodeProperties = {
	displayName: 'Member Address',
	name: 'memberAddress',
	type: 'string',
	required: true,
	default: '',
	placeholder: '+14155551234',
	description: `${addressHint}, as the member was added to the call`,
};

/**
 * n8n's Retry On Fail runs the whole node again with every item, so anyone already dialled would be
 * dialled again: a mistake that is easy to make from the Settings tab and costly on a phone line.
 */
export const retryOnFailNotice: INodeProperties = {
	displayName:
		"Leave Retry On Fail (in this node's Settings) off: n8n would send every item again, and people Plivo already dialled would be dialled twice. The node itself retries only requests that cannot have reached Plivo.",
	name: 'retryOnFailNotice',
	type: 'notice',
	default: '',
};
