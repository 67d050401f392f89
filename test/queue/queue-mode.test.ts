/**
 * The packed package in n8n 2.x queue mode: Redis, PostgreSQL, main and two workers on loopback,
 * a published workflow Webhook → Plivo PHLO (Add User), and the PHLO simulator counting what
 * reached "Plivo". Each test starts its own cluster and stops everything it started.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ensureN8n, packPackage, REPO_ROOT, type N8nInstall } from '../harness/realN8n';
import { plivoCredential, plivoNode, webhookTrigger, workflow } from '../e2e/workflows';
import { DEMO_NODE_ID, DEMO_PHLO_ID, startSimulator, type Simulator } from '../simulator/simulator';
import { Cluster, sendWebhooks } from './cluster';

const WORKFLOW_ID = 'queueAddUser0001';
const WEBHOOK_PATH = 'plivo-add-user';
const RESULTS = join(REPO_ROOT, '.cache', 'results');

let install: N8nInstall;
let tarball: string;
let sim: Simulator;
const clusters: Cluster[] = [];

beforeAll(async () => {
	install = await ensureN8n('2.x');
	tarball = await packPackage();
	sim = await startSimulator();
}, 1_200_000);

afterEach(async () => {
	await Promise.all(clusters.splice(0).map((cluster) => cluster.stop()));
	sim.reset();
});

afterAll(async () => await sim?.close());

/** Measured facts, kept for the README: `.cache/results/queue-facts.json`. */
function record(name: string, facts: Record<string, unknown>): void {
	mkdirSync(RESULTS, { recursive: true });
	const file = join(RESULTS, `queue-${name}.json`);
	writeFileSync(file, JSON.stringify(facts, null, 2));
	process.stderr.write(`queue mode, ${name}: ${JSON.stringify(facts)}\n`);
}

const destination = (index: number): string => `+1415${String(5_000_000 + index).padStart(7, '0')}`;

function addUserWorkflow(options: Record<string, unknown> = {}) {
	const credential = plivoCredential('plivoQueue000001', sim.credentials);
	const flow = workflow(
		WORKFLOW_ID,
		[
			webhookTrigger(WEBHOOK_PATH),
			plivoNode('Plivo PHLO', credential, {
				resource: 'multiPartyCall',
				operation: 'addUser',
				phloId: DEMO_PHLO_ID,
				nodeId: DEMO_NODE_ID,
				to: '={{ $json.body.to }}',
				role: 'customer',
				triggerSource: '+14155550100',
				options: { maxRequestsPerSecond: 0, ...options },
			}),
		],
		[['Webhook', 'Plivo PHLO']],
	);
	return { credential, flow };
}

async function startCluster(
	options: { workers?: number; env?: NodeJS.ProcessEnv; withoutPackage?: { main?: boolean; workers?: number[] }; plivoOptions?: Record<string, unknown> } = {},
): Promise<Cluster> {
	const cluster = await Cluster.start({ install, tarball, workers: options.workers ?? 2, env: options.env, withoutPackage: options.withoutPackage });
	clusters.push(cluster);
	const { credential, flow } = addUserWorkflow(options.plivoOptions);
	await cluster.boot([credential], [flow]);
	return cluster;
}

/** How many times each destination reached the simulator. */
function arrivals(count: number): number[] {
	const seen = new Map<string, number>();
	for (const request of sim.requests) if (request.to) seen.set(request.to, (seen.get(request.to) ?? 0) + 1);
	return Array.from({ length: count }, (_, index) => seen.get(destination(index)) ?? 0);
}

describe('n8n 2.x queue mode', () => {
	it('runs 500 webhook executions on the workers: every request reaches Plivo exactly once', async () => {
		const cluster = await startCluster();
		const webhook = `${cluster.url}/webhook/${WEBHOOK_PATH}`;
		const count = 500;
		const started = Date.now();
		const statuses = await sendWebhooks(webhook, count, 10, (index) => ({ to: destination(index) }));
		const executions = await cluster.waitForExecutions(WORKFLOW_ID, count, 300_000);
		const seconds = (Date.now() - started) / 1000;

		expect(statuses.filter((status) => status !== 200)).toEqual([]);
		expect(executions).toHaveLength(count);
		expect(executions.filter((execution) => execution.status !== 'success')).toEqual([]);
		const perDestination = arrivals(count);
		expect(perDestination.filter((times) => times !== 1)).toEqual([]);
		expect(sim.count()).toBe(count);

		const byWorker = cluster.workers.map((worker) => worker.finishedExecutions().length);
		expect(byWorker.reduce((sum, ran) => sum + ran, 0)).toBe(count);
		expect(byWorker.every((ran) => ran > 0)).toBe(true);
		expect(cluster.main.output).not.toMatch(/Worker started execution/);
		record('throughput-2-workers', { executions: count, seconds, perSecond: count / seconds, byWorker });
	});
});
