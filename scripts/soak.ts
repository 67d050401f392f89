/**
 * `npm run soak` (not part of CI): the node's main use held for minutes, with Plivo misbehaving. ONE n8n
 * 2.x in regular mode (SQLite) serves TWO published workflows, Webhook → Plivo PHLO Add User, that share
 * ONE Plivo credential, both with Max Requests per Second at the account's rate and a Deduplication Key
 * from the event id (the default store and window). Webhook requests arrive steadily, a little faster in
 * total than the rate, each a new event, alternating between the workflows; a tenth of the events are
 * delivered again to the same workflow, some at the same instant, the rest up to 30 s later. Webhooks
 * answer at once, so that executions overlap as many as the backlog holds.
 *
 * Meanwhile the PHLO simulator (a process of its own, driven over its control API) answers some
 * requests 429 (Retry-After 1 or 2 s), goes down for 30 s (15 s of refused connections, then 15 s of
 * 503s) and answers some requests 2–5 s late, at fixed fractions of the run.
 *
 * Every minute it prints a row: what the simulator saw (requests, the busiest second, 429s, 5xx), the
 * items by outcome (read from each finished execution through n8n's REST API), the same event accepted
 * twice, deliveries lost, executions still waiting, and the resident memory of n8n's main process. Once
 * the traffic has stopped and the backlog has drained it prints the whole table again (complete now),
 * then judges the run from its record (`test/support/soakJudgement.ts`): every event accounted for at
 * the simulator, the setting a ceiling in every second, the rate back after each fault, nothing reaching
 * Plivo while it refused connections, memory flat, every fault played. It prints each verdict with the
 * figures it read, writes table and verdicts to `.cache/results/soak-<time>.md`, and exits 1 naming
 * each judgement that failed, with its evidence.
 *
 * `SOAK_MINUTES` (10) of traffic; `SOAK_RATE` (2, Plivo's default calls per second) for both workflows;
 * `SOAK_EVENTS_PER_SECOND` (0.95 × the rate) new events across both, so that the backlog a fault leaves
 * drains (1.15 × the rate keeps the pace at its limit, but the backlog and n8n's memory then grow for good); `SOAK_SEED` (1) for the random
 * choices (which events repeat, when, how slow); `PLIVO_PHLO_TARBALL` soaks a package packed elsewhere.
 */
import { positiveSetting } from '../test/support/settings';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { mostInWindow } from '../test/support/counts';
import { countBy, postWebhook, type WebhookAnswer } from '../test/support/n8nMain';
import { ensureN8n, packPackage, REPO_ROOT, type ExecutionData, type WorkflowJson } from '../test/support/realN8n';
import { RegularN8n } from '../test/support/regularN8n';
import type { Fault, FaultSpec, RecordedRequest } from '../test/support/simulator';
import { startSimulatorProcess, type SimulatorProcess } from '../test/support/simulatorProcess';
import { lostDeliveries, repeatedDials } from '../test/support/soakEvents';
import { judgeSoak, outcomeLine, verdictLines } from '../test/support/soakJudgement';
import {
	ACCEPTED,
	clock,
	deliveriesWaiting,
	inWindow,
	ITEM_OUTCOMES,
	meanOf,
	MINUTE,
	SECOND,
	type FinishedExecution,
	type ItemOutcome,
	type MemorySample,
	type PlayedFaults,
	type SeenRequest,
	type SentDelivery,
	type SoakRecord,
} from '../test/support/soakRecord';
import { plivoCredential, webhookAddUserWorkflow } from '../test/support/workflows';

const MINUTES = positiveSetting('SOAK_MINUTES', 10);
const RATE = positiveSetting('SOAK_RATE', 2);
// Just under the rate, with the repeated deliveries on top: the pace is the limit while the backlog a
// 429 or the outage leaves behind drains, so memory can be judged with nothing piling up for good.
const EVENTS_PER_SECOND = positiveSetting('SOAK_EVENTS_PER_SECOND', RATE * 0.95);
const SEED = positiveSetting('SOAK_SEED', 1);

const TRAFFIC_MS = MINUTES * MINUTE;

/** A tenth of the events are delivered twice; of those, a third at the very instant of the first. */
const DUPLICATE_SHARE = 0.1;
const SAME_INSTANT_SHARE = 1 / 3;
const LATEST_DUPLICATE_MS = 30 * SECOND;

/** Where the faults fall, as fractions of the traffic's duration: a 429 about every 2 minutes of a 10-minute run, the outage at 40%. */
const RATE_LIMITED_AT = [0.1, 0.25, 0.7, 0.85];
const OUTAGE_AT = 0.4;
const REFUSED_MS = 15 * SECOND;
const SERVER_ERRORS_MS = 15 * SECOND;
const OUTAGE_MS = REFUSED_MS + SERVER_ERRORS_MS;
/** One slow answer this often, 2–5 s late: well under the node's 60 s timeout. */
const SLOW_EVERY_MS = 20 * SECOND;
const SLOW_MS = [2 * SECOND, 5 * SECOND] as const;

/** The backlog has drained when every delivery has a finished execution; it is stuck when none finishes for this long. */
const STALLED_MS = 90 * SECOND;
/** Each row is printed this long after its minute, once the executions it counts are saved. */
const ROW_DELAY_MS = 5 * SECOND;

const say = (text: string) => process.stdout.write(`${text}\n`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, Math.max(0, ms)));

/** mulberry32: the same seed gives the same run, so two packages can be soaked under the same traffic. */
function seededRandom(seed: number): () => number {
	let state = Math.floor(seed) >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
		mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
		return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
	};
}

interface Route {
	workflowId: string;
	path: string;
}

const ROUTES: readonly Route[] = [
	{ workflowId: 'soakEventsA00001', path: 'soak-a' },
	{ workflowId: 'soakEventsB00001', path: 'soak-b' },
];

/** One webhook request: an event's first delivery, or a repeat of it, each event dialling its own number. */
interface Delivery extends SentDelivery {
	route: Route;
	/** When it is due, from the start of the traffic. */
	dueMs: number;
	answer?: WebhookAnswer;
}

function plannedDeliveries(random: () => number): Delivery[] {
	const events = Math.round((EVENTS_PER_SECOND * TRAFFIC_MS) / SECOND);
	const deliveries: Delivery[] = [];
	for (let index = 0; index < events; index++) {
		const event = {
			eventId: `evt-${index}`,
			to: `+1415${6_000_000 + index}`,
			route: ROUTES[index % ROUTES.length],
			dueMs: (index * SECOND) / EVENTS_PER_SECOND,
		};
		deliveries.push({ ...event, deliveryId: `${event.eventId}-1`, repeat: false });
		if (random() < DUPLICATE_SHARE) {
			const laterMs = random() < SAME_INSTANT_SHARE ? 0 : random() * LATEST_DUPLICATE_MS;
			deliveries.push({ ...event, deliveryId: `${event.eventId}-2`, dueMs: event.dueMs + laterMs, repeat: true });
		}
	}
	return deliveries.sort((a, b) => a.dueMs - b.dueMs);
}

/**
 * The simulator's recorded requests, read over its control API. A request still pending (a slow answer)
 * is read again on the next poll, so that its status is the one finally sent. The API is out of reach
 * while the simulator refuses connections: the poll then tries again.
 */
class SimulatorLog {
	readonly requests = new Map<number, SeenRequest>();
	private since = 0;

	constructor(private readonly sim: SimulatorProcess) {}

	async poll(): Promise<void> {
		// Longer than any outage the run plays: past it, the simulator has gone.
		const deadline = Date.now() + 4 * REFUSED_MS;
		for (;;) {
			try {
				const { requests } = (await this.sim.control(`requests?since=${this.since}`)) as { requests: RecordedRequest[] };
				for (const request of requests) {
					this.requests.set(request.seq, {
						seq: request.seq,
						at: request.receivedAt,
						status: request.status,
						to: request.to,
						fault: request.fault ? `${request.fault.source}:${request.fault.type}` : undefined,
					});
				}
				const pending = requests.filter((request) => request.outcome === 'pending').map((request) => request.seq);
				this.since = pending.length ? Math.min(...pending) : requests.length ? requests[requests.length - 1].seq + 1 : this.since;
				return;
			} catch (error) {
				if (Date.now() > deadline) {
					const reason = error instanceof Error ? error.message : String(error);
					throw new Error(`the simulator's control API has not answered for ${(4 * REFUSED_MS) / SECOND} s: ${reason}`);
				}
				await sleep(2 * SECOND);
			}
		}
	}

	get all(): SeenRequest[] {
		return [...this.requests.values()].sort((a, b) => a.seq - b.seq);
	}
}

const PLIVO_NODE = 'Plivo PHLO';

/** The item's outcome from the node's run: Plivo's answer, a skipped duplicate, or a failure's `outcome`. */
function outcomeOf(execution: ExecutionData): { outcome: ItemOutcome; note?: string } {
	const run = execution.data.resultData.runData[PLIVO_NODE]?.[0];
	if (run?.error) {
		const details = run.error.context?.details as { outcome?: string } | undefined;
		const outcome = details?.outcome ?? /outcome: (not_sent|rejected|unknown)/.exec(run.error.message ?? '')?.[1];
		const note = run.error.message ?? 'a failure without a message';
		if (outcome === 'not_sent' || outcome === 'rejected' || outcome === 'unknown') return { outcome, note };
		return { outcome: 'other', note };
	}
	const json = run?.data?.main[0]?.[0]?.json;
	if (typeof json?.api_id === 'string') return { outcome: 'sent' };
	if (json?.skipped === 'duplicate') return { outcome: 'skipped' };
	return { outcome: 'other', note: `${execution.status ?? 'no status'}: ${JSON.stringify(json ?? execution.data.resultData.error?.message ?? 'the node did not run')}` };
}

/** Statuses of executions n8n has finished with. */
const SETTLED = ['success', 'error', 'crashed', 'canceled'];

/** Reads each execution once it has finished: which delivery it ran, how its item ended, when. */
class ExecutionLog {
	readonly finished = new Map<string, FinishedExecution>();

	constructor(private readonly n8n: RegularN8n) {}

	async collect(): Promise<void> {
		const rows = await this.n8n.executions();
		for (const row of rows) {
			if (this.finished.has(row.id) || !SETTLED.includes(row.status)) continue;
			// The REST answer carries the execution's times beside the data `execution()` types.
			const execution = (await this.n8n.execution(row.id)) as ExecutionData & { stoppedAt?: string | null };
			const webhookItem = execution.data.resultData.runData.Webhook?.[0]?.data?.main[0]?.[0]?.json;
			const body = webhookItem?.body as { deliveryId?: unknown } | undefined;
			this.finished.set(row.id, {
				id: row.id,
				deliveryId: typeof body?.deliveryId === 'string' ? body.deliveryId : undefined,
				...outcomeOf(execution),
				finishedAt: execution.stoppedAt ? Date.parse(execution.stoppedAt) : Date.now(),
			});
		}
	}

	/** Executions n8n has, finished or not (a listing without reading each). */
	async counts(): Promise<{ all: number; settled: number }> {
		const rows = await this.n8n.executions();
		return { all: rows.length, settled: rows.filter((row) => SETTLED.includes(row.status)).length };
	}
}

/** Resident memory of a process, from /proc: what the kernel holds for it, not what its heap reports. */
function residentBytes(pid: number | undefined): number | undefined {
	if (pid === undefined) return undefined;
	try {
		const found = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return found ? Number(found[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

/** A fault put in the simulator's way, as the summary reports it. */
interface PlayedFault {
	kind: '429' | 'outage' | 'slow';
	at: number;
	label: string;
}

/** Arms the faults at their times; the control API's answers are checked, as an unarmed fault would make the run say nothing. */
class FaultPlan {
	readonly played: PlayedFault[] = [];
	readonly failures: string[] = [];
	private outageStart: number | undefined;

	constructor(
		private readonly sim: SimulatorProcess,
		private readonly random: () => number,
	) {}

	private async post(path: string, body: unknown): Promise<void> {
		const answer = (await this.sim.control(path, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		})) as { error?: string };
		if (answer.error) throw new Error(`simulator ${path}: ${answer.error}`);
	}

	private async arm(spec: FaultSpec): Promise<void> {
		await this.post('faults', spec);
	}

	/** Every fault of the run, as [when from the start, what]. */
	schedule(): Array<{ atMs: number; play: () => Promise<void> }> {
		const outageAtMs = OUTAGE_AT * TRAFFIC_MS;
		const plan = RATE_LIMITED_AT.map((fraction, index) => {
			const retryAfterSeconds = 1 + (index % 2);
			return {
				atMs: fraction * TRAFFIC_MS,
				play: async () => {
					await this.arm({ fault: { type: 'rate-limited', retryAfterSeconds }, times: 1 });
					this.played.push({ kind: '429' as const, at: Date.now(), label: `429, Retry-After ${retryAfterSeconds}` });
				},
			};
		});
		plan.push({
			atMs: outageAtMs,
			play: async () => {
				const serverError: Fault = { type: 'html-error', status: 503 };
				await this.arm({ fault: serverError, afterMs: REFUSED_MS, forMs: SERVER_ERRORS_MS });
				await this.post('refuse', { forMs: REFUSED_MS });
				this.outageStart = Date.now();
				this.played.push({ kind: 'outage', at: this.outageStart, label: `outage: ${REFUSED_MS / SECOND} s refused, ${SERVER_ERRORS_MS / SECOND} s of 503` });
			},
		});
		for (let atMs = SLOW_EVERY_MS / 2; atMs < TRAFFIC_MS; atMs += SLOW_EVERY_MS) {
			// The control API is down with the simulator; a slow answer in the outage would not be one anyway.
			if (atMs >= outageAtMs - SECOND && atMs <= outageAtMs + OUTAGE_MS + SECOND) continue;
			const delayMs = Math.round(SLOW_MS[0] + this.random() * (SLOW_MS[1] - SLOW_MS[0]));
			plan.push({
				atMs,
				play: async () => {
					await this.arm({ fault: { type: 'slow', delayMs }, times: 1 });
					this.played.push({ kind: 'slow', at: Date.now(), label: `slow answer, ${delayMs} ms` });
				},
			});
		}
		return plan.sort((a, b) => a.atMs - b.atMs);
	}

	/** The faults as the judgement reads them: when each 429 was armed, when the port closed. */
	get record(): PlayedFaults {
		const outage = this.outageStart === undefined ? undefined : { refusedFrom: this.outageStart, refusedUntil: this.outageStart + REFUSED_MS, endsAt: this.outageStart + OUTAGE_MS };
		return { rateLimitedArmedAt: this.played.filter((fault) => fault.kind === '429').map((fault) => fault.at), outage, notArmed: this.failures };
	}

	/** Plays the schedule; a fault the simulator would not take is reported, and the run goes on. */
	async play(start: number): Promise<void> {
		for (const { atMs, play } of this.schedule()) {
			await sleep(start + atMs - Date.now());
			await play().catch((error: unknown) => {
				const reason = error instanceof Error ? error.message : String(error);
				say(`  (a fault at ${clock(0, atMs)} could not be armed: ${reason})`);
				this.failures.push(`${clock(0, atMs)}: ${reason}`);
			});
		}
	}
}

/** Everything the rows and the summary are read from. */
interface Observed {
	start: number;
	deliveries: Delivery[];
	requests: SeenRequest[];
	executions: FinishedExecution[];
	memory: MemorySample[];
}

const isServerError = (status: number | undefined) => status !== undefined && status >= 500;
const megabytes = (bytes: number) => bytes / 1024 / 1024;

const COLUMNS = [
	'minute',
	'requests',
	'busiest second',
	'429',
	'5xx',
	'sent',
	'skipped duplicate',
	'not_sent',
	'rejected',
	'unknown',
	'other',
	'dialled twice',
	'lost',
	'waiting',
	'n8n RSS MB',
];

function minuteRow(observed: Observed, minute: number, lost: SentDelivery[], repeats: SeenRequest[]): string[] {
	const from = observed.start + (minute - 1) * MINUTE;
	const to = from + MINUTE;
	const requests = observed.requests.filter((request) => inWindow(request.at, from, to));
	const outcomes = countBy(observed.executions.filter((execution) => inWindow(execution.finishedAt, from, to)).map((execution) => execution.outcome));
	const rss = meanOf(observed.memory.filter((sample) => inWindow(sample.at, from, to)).map((sample) => megabytes(sample.bytes)));
	return [
		minute * MINUTE <= TRAFFIC_MS ? String(minute) : `${minute} (drain)`,
		String(requests.length),
		String(mostInWindow(requests.map((request) => request.at), SECOND)),
		String(requests.filter((request) => request.status === 429).length),
		String(requests.filter((request) => isServerError(request.status)).length),
		...ITEM_OUTCOMES.map((outcome) => String(outcomes[outcome] ?? 0)),
		String(repeats.filter((request) => inWindow(request.at, from, to)).length),
		String(lost.filter((delivery) => inWindow(delivery.sentAt ?? 0, from, to)).length),
		String(Math.max(0, deliveriesWaiting(observed, to))),
		Number.isNaN(rss) ? '' : rss.toFixed(0),
	];
}

function tableLines(rows: string[][]): string[] {
	const widths = COLUMNS.map((column, index) => Math.max(column.length, ...rows.map((row) => row[index].length)));
	const line = (cells: string[]) => `| ${cells.map((cell, index) => cell.padStart(widths[index])).join(' | ')} |`;
	return [line(COLUMNS), `|${widths.map((width) => `${'-'.repeat(width + 1)}:`).join('|')}|`, ...rows.map(line)];
}

/** What was sent and what Plivo answered, in totals: the verdicts below judge them event by event. */
function totalsLines({ requests, executions, deliveries }: Observed): string[] {
	const outcomes = countBy(executions.map((execution) => execution.outcome));
	const repeatsSent = deliveries.filter((delivery) => delivery.repeat).length;
	const otherNotes = countBy(executions.filter((execution) => execution.outcome === 'other').map((execution) => execution.note ?? ''));
	return [
		`- Totals: ${deliveries.length - repeatsSent} events + ${repeatsSent} repeated deliveries = ${deliveries.length} webhook requests; ${executions.length} executions finished: ${ITEM_OUTCOMES.map((outcome) => `${outcome} ${outcomes[outcome] ?? 0}`).join(', ')}.`,
		...Object.entries(otherNotes).map(([note, count]) => `  - other (${count}): ${note}`),
		`- Plivo (the simulator) saw ${requests.length} requests: ${requests.filter((request) => request.status === ACCEPTED).length} accepted, ${requests.filter((request) => request.status === 429).length} answered 429, ${requests.filter((request) => isServerError(request.status)).length} answered 5xx, ${requests.filter((request) => request.fault === 'programmatic:slow').length} answered late on purpose.`,
	];
}

async function main(): Promise<void> {
	const random = seededRandom(SEED);
	const install = await ensureN8n('2.x');
	const n8n = new RegularN8n({ install, tarball: await packPackage(), env: { N8N_LOG_LEVEL: 'warn' } });
	// Requests are kept until read, whatever the run's length.
	const sim = await startSimulatorProcess(['--max-recorded', '1000000']);
	let failed = true;
	try {
		const credential = plivoCredential('plivoSoak0000001', { authId: sim.authId, authToken: sim.authToken, baseUrl: sim.url });
		const options = { maxRequestsPerSecond: RATE, deduplicationKey: '={{ $json.body.eventId }}' };
		const workflows: WorkflowJson[] = ROUTES.map((route) => webhookAddUserWorkflow(route.workflowId, route.path, credential, options, 'onReceived'));
		await n8n.boot([credential], workflows);

		const deliveries = plannedDeliveries(random);
		const faults = new FaultPlan(sim, random);
		const simulatorLog = new SimulatorLog(sim);
		const executionLog = new ExecutionLog(n8n);
		const memory: MemorySample[] = [];
		const repeats = deliveries.filter((delivery) => delivery.repeat).length;
		say(
			`soak: n8n ${install.n8nVersion}, regular mode, SQLite; 2 workflows, one Plivo credential, Max Requests per Second ${RATE} each, Deduplication Key {{ $json.body.eventId }}`,
		);
		say(
			`  ${MINUTES} min of traffic: ${deliveries.length - repeats} events (${EVENTS_PER_SECOND.toFixed(2)}/s) + ${repeats} repeated deliveries; faults: 429 at ${RATE_LIMITED_AT.map((fraction) => clock(0, fraction * TRAFFIC_MS)).join(', ')}, outage at ${clock(0, OUTAGE_AT * TRAFFIC_MS)} for ${OUTAGE_MS / SECOND} s, a slow answer every ${SLOW_EVERY_MS / SECOND} s; seed ${SEED}`,
		);

		const start = Date.now() + SECOND;
		const observed = (): Observed => ({
			start,
			deliveries,
			requests: simulatorLog.all,
			executions: [...executionLog.finished.values()],
			memory,
		});
		const sampler = setInterval(() => {
			const bytes = residentBytes(n8n.main.pid);
			if (bytes !== undefined) memory.push({ at: Date.now(), bytes });
		}, 5 * SECOND);

		let trafficDone = false;
		const sending = (async () => {
			const answers: Array<Promise<void>> = [];
			for (const delivery of deliveries) {
				await sleep(start + delivery.dueMs - Date.now());
				delivery.sentAt = Date.now();
				const url = `${n8n.url}/webhook/${delivery.route.path}`;
				const body = { eventId: delivery.eventId, deliveryId: delivery.deliveryId, to: delivery.to };
				answers.push(
					postWebhook(url, body, 30 * SECOND).then((answer) => {
						delivery.answer = answer;
					}),
				);
			}
			await Promise.all(answers);
			trafficDone = true;
		})();
		const faulting = faults.play(start);

		// One row a minute, until the traffic has stopped and every delivery has a finished execution (or none finishes any more).
		say('');
		for (const line of tableLines([])) say(line);
		let lastProgress = Date.now();
		let lastSettled = -1;
		let minute = 0;
		for (;;) {
			minute++;
			const rowAt = start + minute * MINUTE + ROW_DELAY_MS;
			let drained = false;
			while (Date.now() < rowAt) {
				await sleep(Math.min(5 * SECOND, rowAt - Date.now()));
				if (!trafficDone) continue;
				const counts = await executionLog.counts().catch(() => undefined);
				if (!counts) continue;
				const { settled } = counts;
				if (settled !== lastSettled) {
					lastSettled = settled;
					lastProgress = Date.now();
				}
				const answered = deliveries.filter((delivery) => delivery.answer?.status === 200).length;
				if (settled >= answered || Date.now() - lastProgress > STALLED_MS) {
					drained = true;
					break;
				}
			}
			await simulatorLog.poll();
			// A busy n8n may not answer in time: the executions are read again with the next row.
			await executionLog.collect().catch((error: unknown) => say(`  (executions not read this minute: ${error instanceof Error ? error.message : String(error)})`));
			const now = observed();
			if (Date.now() >= rowAt) say(tableLines([minuteRow(now, minute, lostDeliveries(now.deliveries, now.executions, false), repeatedDials(now.requests))])[2]);
			if (drained) break;
		}
		clearInterval(sampler);
		await sending;
		await faulting;
		const trafficEnd = Math.max(...deliveries.map((delivery) => delivery.sentAt ?? 0));

		// Slow answers still pending are read once they are answered.
		await sleep(SLOW_MS[1]);
		await simulatorLog.poll();
		await executionLog.collect();
		const final = observed();
		const lost = lostDeliveries(final.deliveries, final.executions, true);
		const repeated = repeatedDials(final.requests);
		const lastActivity = Math.max(trafficEnd, ...final.requests.map((request) => request.at), ...final.executions.map((execution) => execution.finishedAt));
		const lastMinute = Math.ceil((lastActivity - start) / MINUTE);
		const rows = Array.from({ length: lastMinute }, (_, index) => minuteRow(final, index + 1, lost, repeated));
		const table = tableLines(rows);
		const record: SoakRecord = { ...final, trafficEnd, minutes: MINUTES, rate: RATE, faults: faults.record };
		const verdicts = judgeSoak(record);
		const summary = [...totalsLines(final), ...verdictLines(verdicts)];
		const faultLines = faults.played.filter((fault) => fault.kind !== 'slow').map((fault) => `${clock(start, fault.at)} ${fault.label}`);
		const slowCount = faults.played.filter((fault) => fault.kind === 'slow').length;

		say('');
		say('The whole run (rows by the minute in which Plivo saw the request, the execution finished, the delivery was sent):');
		for (const line of table) say(line);
		say('');
		say(`Faults: ${faultLines.join('; ')}; ${slowCount} slow answers.`);
		if (faults.failures.length) say(`Faults not armed: ${faults.failures.join('; ')}`);
		for (const line of summary) say(line);

		const dir = join(REPO_ROOT, '.cache', 'results');
		mkdirSync(dir, { recursive: true });
		const file = join(dir, `soak-${new Date(start).toISOString().replace(/[:.]/g, '-')}.md`);
		writeFileSync(
			file,
			[
				`# Soak, ${new Date(start).toISOString()}`,
				'',
				`n8n ${install.n8nVersion}, regular mode (SQLite). ${MINUTES} min of traffic; Max Requests per Second ${RATE} on both workflows (one credential); ${EVENTS_PER_SECOND.toFixed(2)} events/s, ${DUPLICATE_SHARE * 100}% delivered twice; seed ${SEED}.`,
				'',
				...table,
				'',
				`Faults: ${faultLines.join('; ')}; ${slowCount} slow answers.`,
				'',
				...summary,
				'',
				outcomeLine(verdicts),
				'',
			].join('\n'),
		);
		say(`\nWritten to ${file}`);
		failed = verdicts.some((verdict) => verdict.state === 'failed');
		say(outcomeLine(verdicts));
	} finally {
		await n8n.stop();
		await sim.stop();
	}
	process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exitCode = 1;
});
