/**
 * The n8n set-ups a burst larger than the pace is measured in, each started on its own: regular mode
 * (main alone, SQLite) with the node's defaults; with Max Wait for Turn and the hand-back of
 * `examples/crm-event-add-user.json` (503 with Retry-After, Deduplication Key = the event id); with
 * n8n's production concurrency limit; and queue mode (main and two workers, Redis, PostgreSQL), where
 * each worker paces on its own and so gets the account's rate divided by the workers.
 */
import type { IDataObject } from 'n8n-workflow';

import type { WatchedProcess } from './burstMemory';
import { readExamples, setUpAsTheUser } from './examples';
import type { N8nMain } from './n8nMain';
import { Cluster } from './queue/cluster';
import type { CredentialJson, N8nInstall, WorkflowJson } from './realN8n';
import { RegularN8n } from './regularN8n';
import { DEMO_NODE_ID, DEMO_PHLO_ID } from './simulator';
import { addUserParameters, plivoNode, webhookTrigger, workflow } from './workflows';

export interface BurstSetup {
	/** Short name, as `BURST_SETUPS` lists them. */
	key: string;
	/** What a reader of the table is told about it. */
	title: string;
	mode: 'regular' | 'queue';
	/** n8n's environment beyond the mode's. */
	env: NodeJS.ProcessEnv;
	/** Max Wait for Turn and the 503 + Retry-After answer; the senders deliver again when told. Undefined: the Webhook answers at once. */
	maxWaitSeconds?: number;
}

/** Queue mode's workers, as `npm run test:queue` starts them. */
export const QUEUE_WORKERS = 2;

/** The example a user imports for the hand-back, and its webhook's path. */
const HAND_BACK_EXAMPLE = 'crm-event-add-user.json';
const HAND_BACK_PATH = 'plivo-crm-event';
const IMMEDIATE_PATH = 'crm-burst';
const PROBE_PATH = 'crm-other';
const PLIVO_NODE = 'Add customer to call';

/** The event as every set-up reads it, the example's shape: `{event_id, phone, agent_phone}`. */
export const eventBody = (event: { eventId: string; to: string }) => ({ event_id: event.eventId, phone: event.to, agent_phone: '+14155550100' });

/** The Max Wait for Turn the example ships, for the set-ups that take the example as it is. */
export function exampleMaxWaitSeconds(): number {
	const example = readExamples()[HAND_BACK_EXAMPLE];
	const options = example.nodes.find((node) => node.name === PLIVO_NODE)?.parameters.options as IDataObject | undefined;
	if (typeof options?.maxWaitSeconds !== 'number') throw new Error(`${HAND_BACK_EXAMPLE}: "${PLIVO_NODE}" sets no Max Wait for Turn`);
	return options.maxWaitSeconds;
}

/** The set-ups `npm run bench:burst` knows, by key. */
export function burstSetups(maxWaitSeconds: number): BurstSetup[] {
	return [
		{ key: 'default', title: 'regular mode, the node\'s defaults, Webhook answering at once', mode: 'regular', env: {} },
		{ key: 'handBack', title: `regular mode, Max Wait for Turn ${maxWaitSeconds} s, 503 + Retry-After (the example)`, mode: 'regular', env: {}, maxWaitSeconds },
		{
			key: 'handBackLimited',
			title: `regular mode, Max Wait for Turn ${maxWaitSeconds} s, 503 + Retry-After (the example), N8N_CONCURRENCY_PRODUCTION_LIMIT=10`,
			mode: 'regular',
			env: { N8N_CONCURRENCY_PRODUCTION_LIMIT: '10' },
			maxWaitSeconds,
		},
		{ key: 'concurrency', title: 'regular mode, N8N_CONCURRENCY_PRODUCTION_LIMIT=10, Webhook answering at once', mode: 'regular', env: { N8N_CONCURRENCY_PRODUCTION_LIMIT: '10' } },
		{ key: 'queue', title: `queue mode, main + ${QUEUE_WORKERS} workers, each at the rate / ${QUEUE_WORKERS}, Webhook answering at once`, mode: 'queue', env: {} },
		{ key: 'queueHandBack', title: `queue mode, main + ${QUEUE_WORKERS} workers, Max Wait for Turn ${maxWaitSeconds} s, 503 + Retry-After (the example)`, mode: 'queue', env: {}, maxWaitSeconds },
	];
}

/** The rate each n8n process paces at for an account allowing `accountRate`: divided among queue mode's workers. */
export const processRate = (setup: BurstSetup, accountRate: number): number => (setup.mode === 'queue' ? accountRate / QUEUE_WORKERS : accountRate);

/**
 * The set-up's workflow on `credential`: the example as a user sets it up, its rate and Max Wait for
 * Turn set for the run; or Webhook (answering at once) → Add User with the node's defaults but the rate.
 */
export function burstWorkflow(setup: BurstSetup, credential: CredentialJson, id: string, accountRate: number): { workflow: WorkflowJson; path: string } {
	const rate = processRate(setup, accountRate);
	if (setup.maxWaitSeconds === undefined) {
		const plivo = plivoNode(
			PLIVO_NODE,
			credential,
			addUserParameters({ to: '={{ $json.body.phone }}', triggerSource: '={{ $json.body.agent_phone }}', options: { maxRequestsPerSecond: rate } }),
		);
		return { workflow: workflow(id, [webhookTrigger(IMMEDIATE_PATH), plivo], [['Webhook', PLIVO_NODE]]), path: IMMEDIATE_PATH };
	}
	const asTheUser = setUpAsTheUser(readExamples()[HAND_BACK_EXAMPLE], id, { plivo: credential, phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID, triggerSource: '+14155550100' });
	const nodes = (asTheUser.nodes as Array<{ name: string; parameters: IDataObject }>).map((node) =>
		node.name === PLIVO_NODE
			? { ...node, parameters: { ...node.parameters, options: { ...(node.parameters.options as IDataObject), maxRequestsPerSecond: rate, maxWaitSeconds: setup.maxWaitSeconds } } }
			: node,
	);
	return { workflow: { ...asTheUser, nodes }, path: HAND_BACK_PATH };
}

/**
 * Another workflow of the same n8n, on another Plivo account, unpaced, answering at once: its events,
 * sent while a burst drains, show what the burst does to everything else the set-up runs.
 */
export function probeWorkflow(credential: CredentialJson, id: string): { workflow: WorkflowJson; path: string } {
	const plivo = plivoNode(
		PLIVO_NODE,
		credential,
		addUserParameters({ to: '={{ $json.body.phone }}', triggerSource: '={{ $json.body.agent_phone }}', options: { maxRequestsPerSecond: 0 } }),
	);
	return { workflow: workflow(id, [webhookTrigger(PROBE_PATH), plivo], [['Webhook', PLIVO_NODE]]), path: PROBE_PATH };
}

/** A set-up booted: where its webhook is, which processes to watch, what its processes logged. */
export interface RunningSetup {
	n8n: N8nMain;
	url: string;
	/** The other workflow's webhook, when one was given. */
	otherUrl?: string;
	watched: WatchedProcess[];
	/** Everything every n8n process of the set-up has printed. */
	output(): string;
	/** Stops every process at once (SIGKILL), as the kernel's out-of-memory killer or a container's limit would. */
	kill(): void;
	stop(): Promise<void>;
}

export async function startSetup(
	setup: BurstSetup,
	{ install, tarball, credential, workflow: flow, path, other }: {
		install: N8nInstall;
		tarball: string;
		credential: CredentialJson;
		workflow: WorkflowJson;
		path: string;
		/** Another workflow published beside it (`probeWorkflow`). */
		other?: { credential: CredentialJson; workflow: WorkflowJson; path: string };
	},
): Promise<RunningSetup> {
	const options = { install, tarball, env: setup.env };
	const n8n = setup.mode === 'queue' ? await Cluster.start({ ...options, workers: QUEUE_WORKERS }) : new RegularN8n(options);
	const processes = () => (n8n instanceof Cluster ? [n8n.main, ...n8n.workers] : [n8n.main]);
	try {
		await n8n.boot(other ? [credential, other.credential] : [credential], other ? [flow, other.workflow] : [flow]);
	} catch (error) {
		await n8n.stop();
		throw error;
	}
	return {
		n8n,
		url: `${n8n.url}/webhook/${path}`,
		...(other ? { otherUrl: `${n8n.url}/webhook/${other.path}` } : {}),
		watched: processes().map((process) => ({ name: process.name, pid: process.pid })),
		output: () => processes().map((process) => process.output).join('\n'),
		kill: () => processes().forEach((process) => process.kill()),
		stop: async () => await n8n.stop(),
	};
}
