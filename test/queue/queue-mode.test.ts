/**
 * The packed package in n8n 2.x queue mode: Redis, PostgreSQL, main and two workers on loopback,
 * a published workflow Webhook → Plivo PHLO (Add User), and the PHLO simulator counting what
 * reached "Plivo". Each test starts its own cluster and stops everything it started.
 */
import type { IDataObject } from 'n8n-workflow';

import { ensureN8n, packPackage, type N8nLine, type WorkflowJson } from '../support/realN8n';
import { recordFacts } from '../support/results';
import { PLIVO_NODE_TYPE, plivoCredential, webhookAddUserWorkflow } from '../support/workflows';
import { startSimulator, type Simulator } from '../support/simulator';
import { Cluster, sendWebhooks } from '../support/queue/cluster';

const WORKFLOW_ID = 'queueAddUser0001';
const WEBHOOK_PATH = 'plivo-add-user';

let tarball: string;
let sim: Simulator;
const clusters: Cluster[] = [];

beforeAll(async () => {
	await ensureN8n('2.x');
	tarball = await packPackage();
	sim = await startSimulator();
}, 1_200_000);

afterEach(async () => {
	await Promise.all(clusters.splice(0).map((cluster) => cluster.stop()));
	sim.reset();
});

afterAll(async () => await sim?.close());

/** Measured facts, kept for the README in `.cache/results/queue-<name>.json`. */
const record = (name: string, facts: Record<string, unknown>): void => recordFacts(`queue-${name}`, `queue mode, ${name}`, facts);

/** Destinations are unique per webhook request: `series` keeps the sets of one test apart. */
const destination = (index: number, series = 0): string => `+1415${String(5_000_000 + series * 10_000 + index).padStart(7, '0')}`;

const credential = () => plivoCredential('plivoQueue000001', sim.credentials);

const addUserWorkflow = (
	id: string,
	path: string,
	options: IDataObject = {},
	responseMode: 'onReceived' | 'lastNode' = 'onReceived',
): WorkflowJson => webhookAddUserWorkflow(id, path, credential(), options, responseMode);

interface StartOptions {
	line?: N8nLine;
	workers?: number;
	env?: NodeJS.ProcessEnv;
	withoutPackage?: { main?: boolean; workers?: number[] };
	workflows?: WorkflowJson[];
}

async function startCluster(options: StartOptions = {}): Promise<Cluster> {
	const install = await ensureN8n(options.line ?? '2.x');
	const cluster = await Cluster.start({ install, tarball, workers: options.workers ?? 2, env: options.env, withoutPackage: options.withoutPackage });
	clusters.push(cluster);
	await cluster.boot([credential()], options.workflows ?? [addUserWorkflow(WORKFLOW_ID, WEBHOOK_PATH)]);
	return cluster;
}

/** How many times each destination of a series reached the simulator. */
function arrivals(count: number, series = 0): number[] {
	const seen = new Map<string, number>();
	for (const request of sim.requests) if (request.to) seen.set(request.to, (seen.get(request.to) ?? 0) + 1);
	return Array.from({ length: count }, (_, index) => seen.get(destination(index, series)) ?? 0);
}

const countBy = (values: string[]): Record<string, number> =>
	values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});

/** Bull's stalled-job check, made fast for the test (n8n's defaults: lock 60 s, stalled check every 30 s). */
const FAST_STALL_CHECK: NodeJS.ProcessEnv = {
	QUEUE_WORKER_LOCK_DURATION: '5000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '1000',
	QUEUE_WORKER_STALLED_INTERVAL: '5000',
};

/**
 * Kills a worker with SIGKILL while it holds executions of two workflows, one deduplicating in the
 * shared store and one not, and reports what became of them. One worker takes the first five
 * requests (its concurrency), alternately of each workflow, so it holds 3 of one and 2 of the other;
 * a second worker starts only after the kill and takes whatever n8n gives it.
 */
async function killWorkerMidRun(line: N8nLine) {
	const perWorkflow = 5;
	const cluster = await startCluster({
		line,
		workers: 1,
		env: FAST_STALL_CHECK,
		workflows: [
			addUserWorkflow('queueKillPlain01', 'kill-plain'),
			addUserWorkflow('queueKillStore01', 'kill-store', { deduplicationStore: 'n8nDatabase' }),
		],
	});
	sim.setLatency(4_000);
	const statuses: number[] = [];
	for (let index = 0; index < perWorkflow; index++) {
		statuses.push(...(await sendWebhooks(`${cluster.url}/webhook/kill-plain`, 1, 1, () => ({ to: destination(index, 1) }))));
		statuses.push(...(await sendWebhooks(`${cluster.url}/webhook/kill-store`, 1, 1, () => ({ to: destination(index, 2) }))));
	}
	const [victim] = cluster.workers;
	await victim.waitFor(/(Worker started execution \d+[\s\S]*){5}/, 60_000);
	// Its five requests have reached "Plivo" and are held there by the latency.
	const deadline = Date.now() + 30_000;
	while (sim.stats.received < 5 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
	const held = victim.startedExecutions().filter((id) => !victim.finishedExecutions().includes(id));
	victim.kill();
	const survivor = await cluster.addWorker();
	await survivor.waitFor(/n8n worker is now ready/);
	sim.setLatency(0);
	const executions = await cluster.waitForExecutions(undefined, 2 * perWorkflow, 180_000);
	const workflowOf = new Map(executions.map((execution) => [execution.id, execution.workflowId]));
	const statusOf = new Map(executions.map((execution) => [execution.id, execution.status]));
	const rerun = held.filter((id) => survivor.startedExecutions().includes(id));
	return {
		line,
		webhookStatuses: countBy(statuses.map(String)),
		held: held.map((id) => ({ id, workflow: workflowOf.get(id), status: statusOf.get(id), rerun: rerun.includes(id) })),
		heldPlain: held.filter((id) => workflowOf.get(id) === 'queueKillPlain01').length,
		heldStore: held.filter((id) => workflowOf.get(id) === 'queueKillStore01').length,
		rerun: rerun.length,
		plainArrivals: arrivals(perWorkflow, 1),
		storeArrivals: arrivals(perWorkflow, 2),
		statuses: countBy(executions.map((execution) => execution.status)),
		mainSays: [...new Set(cluster.main.output.match(/.*(stalled|too many times|crashed).*/gi) ?? [])].slice(0, 3),
	};
}

/** n8n logs an execution's end a moment after it saved it: reads again every 200 ms until `done`, for at most 15 s. */
async function logSettled<T>(read: () => T, done: (value: T) => boolean): Promise<T> {
	const deadline = Date.now() + 15_000;
	let value = read();
	while (!done(value) && Date.now() < deadline) {
		await new Promise((resolveLater) => setTimeout(resolveLater, 200));
		value = read();
	}
	return value;
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

		const byWorker = await logSettled(
			() => cluster.workers.map((worker) => worker.finishedExecutions().length),
			(ran) => ran.reduce((sum, one) => sum + one, 0) >= count,
		);
		expect(byWorker.reduce((sum, ran) => sum + ran, 0)).toBe(count);
		expect(byWorker.every((ran) => ran > 0)).toBe(true);
		expect(cluster.main.output).not.toMatch(/Worker started execution/);
		record('throughput-2-workers', { executions: count, seconds, perSecond: count / seconds, byWorker });
	});

	it('a worker killed with SIGKILL: n8n 2.x fails the executions it held and never runs them again, so nobody is dialled twice', async () => {
		const result = await killWorkerMidRun('2.x');
		record('worker-kill-2x', result);
		expect([result.heldPlain, result.heldStore]).toEqual([3, 2]);
		expect(result.rerun).toBe(0);
		expect(result.held.every((execution) => execution.status !== 'success')).toBe(true);
		expect([...result.plainArrivals, ...result.storeArrivals].every((times) => times === 1)).toBe(true);
	});
});

describe('n8n 2.x queue mode, restarts and missing packages', () => {
	it('a worker stopped gracefully mid-run finishes what it holds; a new worker takes the rest: nothing lost, nothing sent twice', async () => {
		const cluster = await startCluster();
		const count = 100;
		sim.setLatency(1_000);
		const sending = sendWebhooks(`${cluster.url}/webhook/${WEBHOOK_PATH}`, count, 10, (index) => ({ to: destination(index, 3) }));
		const [leaving] = cluster.workers;
		await leaving.waitFor(/(Worker started execution \d+[\s\S]*){5}/, 60_000);
		const stopping = Date.now();
		await leaving.stop();
		const stopSeconds = (Date.now() - stopping) / 1000;
		const replacement = await cluster.addWorker();
		await replacement.waitFor(/n8n worker is now ready/);
		const statuses = await sending;
		const executions = await cluster.waitForExecutions(WORKFLOW_ID, count, 300_000);

		expect(statuses.filter((status) => status !== 200)).toEqual([]);
		expect(leaving.startedExecutions().sort()).toEqual(leaving.finishedExecutions().sort());
		expect(executions.filter((execution) => execution.status !== 'success')).toEqual([]);
		expect(arrivals(count, 3).every((times) => times === 1)).toBe(true);
		record('graceful-restart', { executions: count, finishedByLeavingWorker: leaving.finishedExecutions().length, stopSeconds });
	});

	it('Redis restarted mid-run: nothing is sent twice; executions accepted but never run are left "new"', async () => {
		const immediate = { id: 'queueRedisNow001', path: 'redis-now', series: 4 };
		const whenDone = { id: 'queueRedisDone01', path: 'redis-done', series: 7 };
		const cluster = await startCluster({
			workflows: [addUserWorkflow(immediate.id, immediate.path), addUserWorkflow(whenDone.id, whenDone.path, {}, 'lastNode')],
		});
		const count = 150;
		const sending = Promise.all(
			[immediate, whenDone].map(({ path, series }) =>
				sendWebhooks(`${cluster.url}/webhook/${path}`, count, 4, (index) => ({ to: destination(index, series) })),
			),
		);
		while (sim.stats.received < 60) await new Promise((done) => setTimeout(done, 50));
		await cluster.redis.stop();
		await new Promise((done) => setTimeout(done, 3_000));
		await cluster.redis.start();
		const [immediateStatuses, whenDoneStatuses] = await sending;

		const outcome = async ({ id, series }: { id: string; series: number }, statuses: number[]) => {
			const byStatus = await cluster.waitForQuiet(id, 20_000, 300_000);
			const perDestination = arrivals(count, series);
			return {
				answered: countBy(statuses.map(String)),
				executionsByStatus: byStatus,
				reachedPlivo: perDestination.filter((times) => times > 0).length,
				sentTwice: perDestination.filter((times) => times > 1).length,
				acceptedNotRun: statuses.filter((status, index) => status === 200 && perDestination[index] === 0).length,
				notAcceptedButRun: statuses.filter((status, index) => status !== 200 && perDestination[index] > 0).length,
			};
		};
		const respondAtOnce = await outcome(immediate, immediateStatuses);
		const respondWhenDone = await outcome(whenDone, whenDoneStatuses);
		record('redis-restart', { webhooksPerWorkflow: count, respondAtOnce, respondWhenDone });

		for (const result of [respondAtOnce, respondWhenDone]) {
			expect(result.sentTwice).toBe(0);
			expect(result.reachedPlivo).toBe(result.executionsByStatus.success);
		}
		// Accepted (200) but never run: visible in n8n only as executions left "new". A webhook that responds
		// when done accepts far fewer such requests than one that responds at once, but not always none.
		expect(respondAtOnce.acceptedNotRun).toBe(respondAtOnce.executionsByStatus.new ?? 0);
		expect(respondWhenDone.acceptedNotRun).toBeLessThanOrEqual(respondWhenDone.executionsByStatus.new ?? 0);
		expect(cluster.main.running && cluster.workers.every((worker) => worker.running)).toBe(true);
	});

	it('a worker without the package fails each execution with "Unrecognized node type"; nothing reaches Plivo', async () => {
		const cluster = await startCluster({ workers: 1, withoutPackage: { workers: [0] } });
		const [status] = await sendWebhooks(`${cluster.url}/webhook/${WEBHOOK_PATH}`, 1, 1, () => ({ to: destination(0, 5) }));
		const executions = await cluster.waitForExecutions(WORKFLOW_ID, 1, 120_000);
		const message = await logSettled(
			() => cluster.workers[0].output.match(/.*Unrecognized node type.*/)?.[0],
			(line) => line !== undefined,
		);

		expect(status).toBe(200);
		expect(executions.map((execution) => execution.status)).toEqual(['error']);
		expect(message).toContain(`Unrecognized node type: ${PLIVO_NODE_TYPE}`);
		expect(sim.count()).toBe(0);
		record('worker-without-package', { webhookStatus: status, executionStatus: executions[0].status, workerLog: message });
	});

	it('main without the package: the webhook is not registered, and stays so after the package is added until the workflow is unpublished and published again', async () => {
		const cluster = await startCluster({ workers: 1, withoutPackage: { main: true } });
		const webhook = `${cluster.url}/webhook/${WEBHOOK_PATH}`;
		const [missing] = await sendWebhooks(webhook, 1, 1, () => ({ to: destination(0, 6) }));
		const mainLog = cluster.main.output.match(/Workflow cannot run on this instance.*/)?.[0];

		await cluster.main.stop();
		await cluster.installPackage(cluster.main.instance);
		const restartedFrom = cluster.main.output.length;
		cluster.main.start();
		await cluster.waitForMain();
		// Main has looked at the published workflows (and found none it will run); give it time to register webhooks anyway.
		const indexLine = (await cluster.main.waitFor(/Finished building workflow dependency index.*/, 120_000, restartedFrom))[0];
		await new Promise((done) => setTimeout(done, 10_000));
		const [afterInstall] = await sendWebhooks(webhook, 1, 1, () => ({ to: destination(1, 6) }));

		// Publishing the published version again changes nothing; unpublish, then publish.
		const outputFrom = cluster.main.output.length;
		await cluster.unpublish(WORKFLOW_ID);
		// A running main notices the CLI's change a little later; publishing at once can go unseen.
		await new Promise((done) => setTimeout(done, 15_000));
		await cluster.publish(WORKFLOW_ID);
		await cluster.waitForWebhook(WEBHOOK_PATH, 120_000, outputFrom);
		const [afterPublish] = await sendWebhooks(webhook, 1, 1, () => ({ to: destination(2, 6) }));
		await cluster.waitForExecutions(WORKFLOW_ID, 1, 120_000);

		expect(missing).toBe(404);
		expect(mainLog).toBe(`Workflow cannot run on this instance: "Plivo PHLO": Unrecognized node type: ${PLIVO_NODE_TYPE}`);
		expect(afterInstall).toBe(404);
		expect(afterPublish).toBe(200);
		expect(arrivals(3, 6)).toEqual([0, 0, 1]);
		record('main-without-package', { webhookStatus: missing, mainLog, afterInstall, indexLine, afterPublish });
	});
});

describe('n8n 1.x queue mode', () => {
	it("a worker killed with SIGKILL: n8n 1.x runs the executions it held again; the shared store keeps each person to one call", async () => {
		const result = await killWorkerMidRun('1.x');
		record('worker-kill-1x', result);
		expect([result.heldPlain, result.heldStore]).toEqual([3, 2]);
		expect(result.rerun).toBe(result.held.length);
		// Without the shared store, each execution run again dialled its person a second time.
		expect(result.plainArrivals.filter((times) => times === 2)).toHaveLength(result.heldPlain);
		expect(result.storeArrivals.every((times) => times === 1)).toBe(true);
	});
});
