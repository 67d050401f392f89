/**
 * `npm run bench:dedup` (not part of CI): does deduplication cost more as the keys it holds grow? ONE
 * n8n 2.x in regular mode (SQLite) serves two published workflows, Webhook → Plivo PHLO Add User with
 * Max Requests per Second 0: one with a Deduplication Key from the event id (the default store and
 * window), one without. Each gets `BENCH_DEDUP_N` single-event executions, every event a new id, a few
 * in flight (each webhook answers once its execution has finished); first the one with the key, then
 * the one without, in the same n8n session.
 *
 * For each it prints executions per second over the first and the last `min(1000, N / 2)` executions
 * and their ratio (flat cost: near 1), the workflow's static data size at the end (from n8n's SQLite
 * database), what the simulator accepted event by event ("6000 of 6000 accepted exactly once; 0 more
 * than once; 0 missing", naming the exceptions) and how many executions did not output Plivo's answer;
 * it exits 1 when an event was not accepted exactly once or an execution did not send its event.
 *
 * `BENCH_DEDUP_N` (6000), `BENCH_DEDUP_PARALLEL` (4), `BENCH_DEDUP_WARMUP` (100 executions of the
 * workflow without a key first, left out); `PLIVO_PHLO_TARBALL` measures a package packed elsewhere.
 */
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { recordedRequests } from '../test/support/bursts';
import { describeOncePerKey, eachOnce, oncePerKey, type OncePerKey } from '../test/support/counts';
import { sendWebhookRequests, type WebhookAnswer } from '../test/support/n8nMain';
import { ensureN8n, packPackage, run } from '../test/support/realN8n';
import { RegularN8n } from '../test/support/regularN8n';
import { startSimulatorProcess, type SimulatorProcess } from '../test/support/simulatorProcess';
import { plivoCredential, webhookAddUserWorkflow } from '../test/support/workflows';

const N = Number(process.env.BENCH_DEDUP_N ?? 6000);
const PARALLEL = Number(process.env.BENCH_DEDUP_PARALLEL ?? 4);
const WARMUP = Number(process.env.BENCH_DEDUP_WARMUP ?? 100);
/** The first and the last this many executions are timed: 1,000, or half of a smaller N. */
const SEGMENT = Math.min(1000, Math.floor(N / 2));
/** Last against first: within 10% counts as a flat cost per execution. */
const FLAT_WITHIN = 0.1;
const say = (text: string) => process.stdout.write(`${text}\n`);

interface Case {
	name: string;
	workflowId: string;
	path: string;
	options: IDataObject;
}

const WITH_KEY: Case = {
	name: 'with key',
	workflowId: 'benchDedupKey001',
	path: 'bench-dedup-key',
	options: { maxRequestsPerSecond: 0, deduplicationKey: '={{ $json.body.eventId }}' },
};
const WITHOUT_KEY: Case = { name: 'without key', workflowId: 'benchDedupNone01', path: 'bench-dedup-none', options: { maxRequestsPerSecond: 0 } };

interface Measured {
	firstPerSecond: number;
	lastPerSecond: number;
	staticDataBytes: number | undefined;
	/** Each event's number against the simulator's accepted requests. */
	perEvent: OncePerKey;
	/** Executions whose answer was not Plivo's (a skipped or failed item, a webhook error). */
	notSent: number;
}

/** The webhook body of event `index`: a new event id, and a number of its own to dial. */
const eventBody = (benchCase: Case, index: number) => ({ eventId: `${benchCase.workflowId}-${index}`, to: `+1415${5_000_000 + index}` });

/** Sends events `from` to `from + count - 1`; the answers, and executions per second over the batch. */
async function sendBatch(url: string, benchCase: Case, from: number, count: number): Promise<{ answers: WebhookAnswer[]; perSecond: number }> {
	const started = performance.now();
	const answers = await sendWebhookRequests(url, count, PARALLEL, (index) => eventBody(benchCase, from + index));
	return { answers, perSecond: count / ((performance.now() - started) / 1000) };
}

/** n8n saves a workflow's static data in its SQLite database, as JSON text in `workflow_entity.staticData`. */
async function staticDataBytes(n8n: RegularN8n, workflowId: string): Promise<number | undefined> {
	const database = join(n8n.main.instance.userFolder, '.n8n', 'database.sqlite');
	const query = `SELECT COALESCE(length(CAST(staticData AS BLOB)), 0) FROM workflow_entity WHERE id = '${workflowId}';`;
	const result = await run('sqlite3', ['-readonly', database, query]).catch(() => undefined);
	if (!result || result.code !== 0) return undefined;
	return Number(result.stdout.trim());
}

async function measure(n8n: RegularN8n, sim: SimulatorProcess, benchCase: Case): Promise<Measured> {
	await sim.control('reset', { method: 'POST' });
	const url = `${n8n.url}/webhook/${benchCase.path}`;
	// Three batches, the first and the last timed; between batches only the few in flight drain.
	const first = await sendBatch(url, benchCase, 0, SEGMENT);
	const middle = await sendBatch(url, benchCase, SEGMENT, N - 2 * SEGMENT);
	const last = await sendBatch(url, benchCase, N - SEGMENT, SEGMENT);
	const answers = [...first.answers, ...middle.answers, ...last.answers];
	const notSent = answers.filter((answer) => answer.status !== 200 || !answer.body.includes('"api_id"')).length;
	// n8n saves static data once the execution has finished, around the time the webhook answers.
	await new Promise((done) => setTimeout(done, 2_000));
	const accepted = (await recordedRequests(sim)).filter((request) => request.status === 201).map((request) => request.to);
	return {
		firstPerSecond: first.perSecond,
		lastPerSecond: last.perSecond,
		staticDataBytes: await staticDataBytes(n8n, benchCase.workflowId),
		perEvent: oncePerKey(Array.from({ length: N }, (_, index) => eventBody(benchCase, index).to), accepted),
		notSent,
	};
}

function report(benchCase: Case, measured: Measured): string {
	const ratio = measured.lastPerSecond / measured.firstPerSecond;
	const staticData = measured.staticDataBytes === undefined ? 'static data: n/a (no sqlite3 CLI)' : `static data ${(measured.staticDataBytes / 1024).toFixed(1)} KB`;
	return [
		`  ${benchCase.name.padEnd(11)}: first ${SEGMENT} ${measured.firstPerSecond.toFixed(1)}/s, last ${SEGMENT} ${measured.lastPerSecond.toFixed(1)}/s,`,
		`last/first ${ratio.toFixed(2)} (${Math.abs(ratio - 1) <= FLAT_WITHIN ? 'flat' : ratio < 1 ? 'SLOWER' : 'faster'}); ${staticData};`,
		`at the simulator: ${describeOncePerKey(measured.perEvent, 'accepted')};`,
		`${measured.notSent} of ${N} executions did not output Plivo's answer`,
	].join(' ');
}

async function main(): Promise<void> {
	if (!(N >= 2 && PARALLEL >= 1)) throw new Error('BENCH_DEDUP_N must be 2 or more and BENCH_DEDUP_PARALLEL 1 or more');
	const install = await ensureN8n('2.x');
	const n8n = new RegularN8n({ install, tarball: await packPackage(), env: { N8N_LOG_LEVEL: 'warn' } });
	// Every request of a case is kept until read, to be checked event by event.
	const sim = await startSimulatorProcess(['--max-recorded', String(Math.max(10_000, 2 * N))]);
	const results: Array<[Case, Measured]> = [];
	try {
		const credential = plivoCredential('plivoDedupBench1', { authId: sim.authId, authToken: sim.authToken, baseUrl: sim.url });
		const cases = [WITH_KEY, WITHOUT_KEY];
		await n8n.boot(
			[credential],
			cases.map(({ workflowId, path, options }) => webhookAddUserWorkflow(workflowId, path, credential, options, 'lastNode')),
		);
		say(`bench:dedup: n8n ${install.n8nVersion}, regular mode, SQLite; ${N} single-event executions per workflow, ${PARALLEL} in flight, Max Requests per Second 0`);
		// n8n's first executions are slower (code loading, JIT): warmed on the workflow whose cost does not grow.
		await sendBatch(`${n8n.url}/webhook/${WITHOUT_KEY.path}`, { ...WITHOUT_KEY, workflowId: 'warm-up' }, 0, WARMUP);
		for (const benchCase of cases) {
			const measured = await measure(n8n, sim, benchCase);
			results.push([benchCase, measured]);
			say(report(benchCase, measured));
		}
	} finally {
		await n8n.stop();
		await sim.stop();
	}
	const [[, keyed], [, plain]] = results;
	say(
		`bench:dedup: N=${N} withKey first=${keyed.firstPerSecond.toFixed(1)}/s last=${keyed.lastPerSecond.toFixed(1)}/s ratio=${(keyed.lastPerSecond / keyed.firstPerSecond).toFixed(2)} staticData=${
			keyed.staticDataBytes === undefined ? 'n/a' : `${(keyed.staticDataBytes / 1024).toFixed(1)}KB`
		} withoutKey first=${plain.firstPerSecond.toFixed(1)}/s last=${plain.lastPerSecond.toFixed(1)}/s ratio=${(plain.lastPerSecond / plain.firstPerSecond).toFixed(2)}`,
	);
	const failed = results.filter(([, measured]) => measured.notSent > 0 || !eachOnce(measured.perEvent));
	say(failed.length ? `bench:dedup: FAILED: ${failed.map(([benchCase]) => benchCase.name).join(', ')} (above)` : 'bench:dedup: every event accepted exactly once, every execution sent its event');
	if (failed.length) process.exitCode = 1;
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exitCode = 1;
});
