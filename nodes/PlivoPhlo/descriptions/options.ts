import type { INodeProperties } from 'n8n-workflow';

import {
	MAX_DEDUPLICATION_WINDOW_MINUTES,
	OPTION_DEFAULTS,
	PROCESS_MAX_KEYS,
	SAVED_MAX_KEYS,
	SHARED_STORE_MAX_KEYS,
} from '../helpers/defaults';
import { callingHoursOptions } from './callingHoursOptions';

/** What each Deduplication Store guarantees, measured, in the package's documentation. */
const STORE_GUARANTEES =
	'<a href="https://github.com/plivo-phlo-n8n/n8n-nodes-plivo-phlo/blob/main/docs/errors-and-deduplication.md#deduplication">what each store guarantees</a>';

/** Bursts larger than the pace: what they cost in n8n and how to bound it. */
const BURSTS =
	'<a href="https://github.com/plivo-phlo-n8n/n8n-nodes-plivo-phlo/blob/main/docs/performance.md#bursts-larger-than-the-pace">bursts</a>';

const {
	allowedDestinations,
	concurrency,
	deduplicationKey,
	deduplicationStore,
	deduplicationWindowMinutes,
	maxRequestsPerSecond,
	maxWaitSeconds,
	payloadKeysNotDialled,
	timeout,
} = OPTION_DEFAULTS;

export const optionsField: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Allowed Destinations',
			name: 'allowedDestinations',
			type: 'string',
			default: allowedDestinations,
			placeholder: '+1415*, sip:*@example.com',
			description:
				'Patterns (comma-separated; * matches any digits, or any characters within a SIP user or host) that To and every phone number or SIP/tel URI anywhere in a Run PHLO payload must match, however it is written; Trigger Source is not checked, as it is already in the call. Recommended when an AI agent uses this node as a tool.',
		},
		...callingHoursOptions,
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, numberPrecision: 0 },
			default: concurrency,
			description:
				"How many of this execution's requests may wait for Plivo at the same time. Output order never changes. Raise it with Max Requests per Second when Plivo answers slowly.",
		},
		{
			displayName: 'Deduplication Key',
			name: 'deduplicationKey',
			type: 'string',
			default: deduplicationKey,
			placeholder: '={{ $json.ticketId }}',
			description: `Skip an item whose key was already sent (or left with an unknown outcome), e.g. a CRM ticket ID. Kept in the Deduplication Store: ${STORE_GUARANTEES}.`,
		},
		{
			displayName: 'Deduplication Store',
			name: 'deduplicationStore',
			type: 'options',
			default: deduplicationStore,
			options: [
				{
					name: 'Workflow Static Data',
					value: 'staticData',
					description:
						'Kept with the workflow, saved when a production execution ends; executions running at the same time see each other at once. For n8n in one process (regular mode).',
				},
				{
					name: 'Shared Database (Main and Workers)',
					value: 'n8nDatabase',
					description: `Written to n8n's database before each request, where every worker sees it. For queue mode. Remembers the last ${SHARED_STORE_MAX_KEYS.toLocaleString('en-US')} keys; the window does not apply.`,
				},
			],
			description: `Where sent Deduplication Keys are remembered: ${STORE_GUARANTEES}`,
		},
		{
			displayName: 'Deduplication Window (Minutes)',
			name: 'deduplicationWindowMinutes',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_DEDUPLICATION_WINDOW_MINUTES },
			default: deduplicationWindowMinutes,
			description:
				`How long a sent key keeps an item with the same key from being sent (Workflow Static Data store), up to a day. The store holds the newest ${PROCESS_MAX_KEYS.toLocaleString('en-US')} keys per node in n8n's memory and saves the newest ${SAVED_MAX_KEYS.toLocaleString('en-US')} with the workflow, which is what outlasts a restart.`,
		},
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			// n8n's lint wants the literal here: OPTION_DEFAULTS.dryRun.
			default: false,
			description:
				'Whether to send nothing: each item outputs the request that would be sent and what each guard says (Allowed Destinations, Calling Hours, the Deduplication Key, how long the pace would make it wait). No key is claimed; an item a guard refuses fails as it would for real.',
		},
		{
			displayName: 'Max Requests per Second',
			name: 'maxRequestsPerSecond',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: maxRequestsPerSecond,
			description:
				"A ceiling: no two requests start closer than 1/rate seconds apart, counting every execution in this n8n process that uses the same Plivo account (the slowest rate set wins). 0 turns the limit off; otherwise at least 0.001. The default suits Plivo's default limit of 2 new calls per second. In queue mode each worker paces on its own: set the account's limit divided by the number of workers.",
		},
		{
			displayName: 'Max Wait for Turn (Seconds)',
			name: 'maxWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: maxWaitSeconds,
			description: `How long an item may wait for its turn on the account's pace. An item whose turn is further off fails at once as not sent, saying when to send it again (retryAfterSeconds), so a burst is handed back to its sender instead of held in n8n's memory. 0 waits however long it takes. See ${BURSTS}.`,
		},
		{
			displayName: 'Payload Keys Not Dialled',
			name: 'payloadKeysNotDialled',
			type: 'string',
			default: payloadKeysNotDialled,
			placeholder: 'orderNumber, createdAt, items[*].sku',
			displayOptions: { show: { '/resource': ['phlo'], '/operation': ['run'] } },
			description:
				'Payload paths (comma-separated, written as error messages name them; * matches any one key or index) that Allowed Destinations does not read, for values the PHLO never dials, such as order numbers or dates. Every other value and key is still read.',
		},
		{
			displayName: 'Timeout',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: timeout,
			description:
				"Milliseconds to wait for Plivo's answer. When it runs out the item fails as unknown: Plivo may still have acted on the request.",
		},
	],
};
