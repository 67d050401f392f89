import type { INodeProperties } from 'n8n-workflow';

export const DEFAULT_TIMEOUT_MS = 60_000;

export const optionsField: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Timeout',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_TIMEOUT_MS,
			description:
				"Milliseconds to wait for Plivo's answer. When it runs out the item fails as unknown: Plivo may still have acted on the request.",
		},
	],
};
