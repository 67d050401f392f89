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
 * the traffic has stopped and the backlog has drained it prints the whole table again (complete now)
 * and a summary, writes both to `.cache/results/soak-<time>.md`, and exits 1 if any delivery was lost
 * or any event dialled twice.
 *
 * `SOAK_MINUTES` (10) of traffic; `SOAK_RATE` (2, Plivo's default calls per second) for both workflows;
 * `SOAK_EVENTS_PER_SECOND` (0.95 × the rate) new events across both, so that the backlog a fault leaves
 * drains (1.15 × the rate keeps the pace at its limit, but the backlog and n8n's memory then grow for good); `SOAK_SEED` (1) for the random
 * choices (which events repeat, when, how slow); `PLIVO_PHLO_TARBALL` soaks a package packed elsewhere.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { mostInWindow } from '../test/support/bursts';
import { countBy, postWebhook, type WebhookAnswer } from '../test/support/n8nMain';
import { ensureN8n, packPackage, REPO_ROOT, type ExecutionData, type WorkflowJson } from '../test/support/realN8n';
import { RegularN8n } from '../test/support/regularN8n';
import type { Fault, FaultSpec, RecordedRequest } from '../test/support/simulator';
import { startSimulatorProcess, type SimulatorProcess } from '../test/support/simulatorProcess';
import { plivoCredential, webhookAddUserWorkflow } from '../test/support/workflows';

function setting(name: string, fallback: number): number {
	const raw = process.env[name];
	const value = raw === undefined || raw.trim() === '' ? fallback : Number(raw);
	if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
	return value;
}

const MINUTES = setting('SOAK_MINUTES', 10);
const RATE = setting('SOAK_RATE', 2);
// Just under the rate, with the repeated deliveries on top: the pace is the limit while the backlog a
// 429 or the outage leaves behind drains, so memory can be judged with nothing piling up for good.
const EVENTS_PER_SECOND = setting('SOAK_EVENTS_PER_SECOND', RATE * 0.95);
const SEED = setting('SOAK_SEED', 1);

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
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

/** Recovery is read as the rate Plivo sees 20–40 s after a 429 or after the outage. */
const RECOVERY_WINDOW_MS = [20 * SECOND, 40 * SECOND] as const;

/** Memory after warm-up: the mean of minutes 3–5 against the mean of the last 3 minutes of traffic. */
const WARM_MINUTES = [3, 5] as const;
const LATE_MINUTES = 3;
const FLAT_MEMORY_GROWTH = 0.1;

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

/** One webhook request: an event's first delivery, or a repeat of it. */
interface Delivery {
	deliveryId: string;
	eventId: string;
	/** Each event dials its own number, so that what reached the simulator tells the events apart. */
	to: string;
	route: Route;
	/** When it is due, from the start of the traffic. */
	dueMs: number;
	repeat: boolean;
	sentAt?: number;
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

/** What the simulator recorded of one request, as much as the tally needs. */
interface SeenRequest {
	seq: number;
	at: number;
	status: number | undefined;
	to: string | undefined;
	fault: string | undefined;
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

type ItemOutcome = 'sent' | 'skipped' | 'not_sent' | 'rejected' | 'unknown' | 'other';
const ITEM_OUTCOMES: readonly ItemOutcome[] = ['sent', 'skipped', 'not_sent', 'rejected', 'unknown', 'other'];

interface FinishedExecution {
	id: string;
	deliveryId: string | undefined;
	outcome: ItemOutcome;
	finishedAt: number;
	/** Why an `other` outcome is one, to be shown in the summary. */
	note?: string;
}

const PLIVO_NODE = 'Plivo PHLO';

/** The item's outcome from the node's run: Plivo's answer, a skipped duplicate, or a failure's `outcome`. */
function outcomeOf(execution: ExecutionData): { outcome: ItemOutcome; note?: string } {
	const run = execution.data.resultData.runData[PLIVO_NODE]?.[0];
	if (run?.error) {
		const details = run.error.context?.details as { outcome?: string } | undefined;
		const outcome = details?.outcome ?? /outcome: (not_sent|rejected|unknown)/.exec(run.error.message ?? '')?.[1];
		if (outcome === 'not_sent' || outcome === 'rejected' || outcome === 'unknown') return { outcome };
		return { outcome: 'other', note: run.error.message ?? 'a failure without a message' };
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

interface MemorySample {
	at: number;
	bytes: number;
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
	outageStart: number | undefined;

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
	/** Deliveries that have no finished execution and never will: known only at the end. */
	final: boolean;
}

const ACCEPTED = 201;
const isServerError = (status: number | undefined) => status !== undefined && status >= 500;
const inWindow = (at: number, from: number, to: number) => at >= from && at < to;
const megabytes = (bytes: number) => bytes / 1024 / 1024;
const meanOf = (values: number[]) => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : NaN);

/** Accepted requests for an event that had been accepted before: the same person dialled twice. */
function repeatedDials(requests: SeenRequest[]): SeenRequest[] {
	const dialled = new Set<string>();
	const repeats: SeenRequest[] = [];
	for (const request of [...requests].sort((a, b) => a.at - b.at)) {
		if (request.status !== ACCEPTED || request.to === undefined) continue;
		if (dialled.has(request.to)) repeats.push(request);
		dialled.add(request.to);
	}
	return repeats;
}

/** Deliveries lost: the webhook's answer was not 200, or (at the end) no finished execution ran it. */
function lostDeliveries({ deliveries, executions, final }: Observed): Delivery[] {
	const ran = new Set(executions.map((execution) => execution.deliveryId));
	return deliveries.filter(
		(delivery) => delivery.sentAt !== undefined && ((delivery.answer && delivery.answer.status !== 200) || (final && !ran.has(delivery.deliveryId))),
	);
}

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

function minuteRow(observed: Observed, minute: number, lost: Delivery[], repeats: SeenRequest[]): string[] {
	const from = observed.start + (minute - 1) * MINUTE;
	const to = from + MINUTE;
	const requests = observed.requests.filter((request) => inWindow(request.at, from, to));
	const outcomes = countBy(observed.executions.filter((execution) => inWindow(execution.finishedAt, from, to)).map((execution) => execution.outcome));
	const sentBy = observed.deliveries.filter((delivery) => delivery.sentAt !== undefined && delivery.sentAt < to).length;
	const finishedBy = observed.executions.filter((execution) => execution.finishedAt < to).length;
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
		String(Math.max(0, sentBy - finishedBy)),
		Number.isNaN(rss) ? '' : rss.toFixed(0),
	];
}

function tableLines(rows: string[][]): string[] {
	const widths = COLUMNS.map((column, index) => Math.max(column.length, ...rows.map((row) => row[index].length)));
	const line = (cells: string[]) => `| ${cells.map((cell, index) => cell.padStart(widths[index])).join(' | ')} |`;
	return [line(COLUMNS), `|${widths.map((width) => `${'-'.repeat(width + 1)}:`).join('|')}|`, ...rows.map(line)];
}

/** Requests per second Plivo saw in [at + 20 s, at + 40 s). */
function rateAfter(requests: SeenRequest[], at: number): number {
	const [from, to] = RECOVERY_WINDOW_MS;
	return requests.filter((request) => inWindow(request.at, at + from, at + to)).length / ((to - from) / SECOND);
}

const clock = (start: number, at: number) => {
	const seconds = Math.round((at - start) / SECOND);
	return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

function summaryLines(observed: Observed, faults: FaultPlan, lost: Delivery[], repeats: SeenRequest[], trafficEnd: number): string[] {
	const { start, requests, executions, deliveries, memory } = observed;
	const lines: string[] = [];
	const arrivals = requests.map((request) => request.at).sort((a, b) => a - b);
	const busiest = mostInWindow(arrivals, SECOND);
	const busiestTen = mostInWindow(arrivals, 10 * SECOND);
	// Any 1-s window counts, so evenly spaced requests at the setting put one more in a window whenever a
	// start runs a few ms late: the closest run of that many requests shows whether that is all it was.
	const run = Math.floor(RATE) + 1;
	const spans = arrivals.slice(run - 1).map((at, index) => ({ at: arrivals[index], span: at - arrivals[index] }));
	const closestRun = spans.reduce<{ at: number; span: number } | undefined>((closest, candidate) => (closest && closest.span <= candidate.span ? closest : candidate), undefined);
	const spacing = closestRun
		? ` The closest ${run} requests in a row spanned ${closestRun.span} ms, at ${clock(start, closestRun.at)} (${(((run - 1) * SECOND) / RATE).toFixed(0)} ms when evenly spaced at the setting).`
		: '';
	lines.push(
		`- Most requests Plivo saw in any second: ${busiest}, at a setting of ${RATE}/s shared by both workflows (one account, one credential); in any 10 s: ${busiestTen} (${(busiestTen / 10).toFixed(1)}/s).${spacing}`,
	);

	const outageStart = faults.outageStart;
	const outageEnd = outageStart === undefined ? undefined : outageStart + OUTAGE_MS;
	const overlapsOutage = (at: number) =>
		outageStart !== undefined && outageEnd !== undefined && at + RECOVERY_WINDOW_MS[1] > outageStart && at + RECOVERY_WINDOW_MS[0] < outageEnd;
	const caveat = (at: number) => {
		if (overlapsOutage(at)) return ' (the window overlaps the outage)';
		if (at + RECOVERY_WINDOW_MS[1] > trafficEnd && !deliveriesWaiting(observed, at + RECOVERY_WINDOW_MS[0])) return ' (traffic had stopped and nothing was waiting)';
		return '';
	};
	const injected429s = requests.filter((request) => request.status === 429 && request.fault === 'programmatic:rate-limited');
	for (const request of injected429s) {
		const rate = rateAfter(requests, request.at);
		lines.push(`- After the 429 at ${clock(start, request.at)}: ${rate.toFixed(2)} requests/s 20–40 s later (${((rate / RATE) * 100).toFixed(0)}% of the setting)${caveat(request.at)}.`);
	}
	const other429s = requests.filter((request) => request.status === 429).length - injected429s.length;
	if (other429s) lines.push(`- ${other429s} more 429s than the ${injected429s.length} injected.`);
	if (outageEnd !== undefined && outageStart !== undefined) {
		const rate = rateAfter(requests, outageEnd);
		const firstAccepted = requests.find((request) => request.at >= outageEnd && request.status === ACCEPTED);
		// Requests that started before the port closed may still be recorded just after; later ones cannot reach it.
		const duringRefusal = requests.filter((request) => inWindow(request.at, outageStart + SECOND, outageStart + REFUSED_MS)).length;
		lines.push(
			`- After the outage (${clock(start, outageStart)}–${clock(start, outageEnd)}; ${duringRefusal} requests reached Plivo while it refused connections): ${rate.toFixed(2)} requests/s 20–40 s later (${((rate / RATE) * 100).toFixed(0)}% of the setting)${
				caveat(outageEnd)
			}; first accepted request ${firstAccepted ? `${((firstAccepted.at - outageEnd) / SECOND).toFixed(1)} s after it` : 'never'}.`,
		);
	}

	const outcomes = countBy(executions.map((execution) => execution.outcome));
	const repeatsSent = deliveries.filter((delivery) => delivery.repeat).length;
	lines.push(
		`- Totals: ${deliveries.length - repeatsSent} events + ${repeatsSent} repeated deliveries = ${deliveries.length} webhook requests; ${executions.length} executions finished: ${ITEM_OUTCOMES.map((outcome) => `${outcome} ${outcomes[outcome] ?? 0}`).join(', ')}.`,
		`- Plivo (the simulator) saw ${requests.length} requests: ${requests.filter((request) => request.status === ACCEPTED).length} accepted, ${requests.filter((request) => request.status === 429).length} answered 429, ${requests.filter((request) => isServerError(request.status)).length} answered 5xx, ${requests.filter((request) => request.fault === 'programmatic:slow').length} answered late on purpose.`,
	);
	const otherNotes = countBy(executions.filter((execution) => execution.note).map((execution) => execution.note ?? ''));
	for (const [note, count] of Object.entries(otherNotes)) lines.push(`  - other (${count}): ${note}`);
	lines.push(
		`- Lost: ${lost.length}${lost.length ? ` (${lost.slice(0, 5).map((delivery) => `${delivery.deliveryId}: ${delivery.answer?.status === 200 ? 'no finished execution' : `webhook answered ${delivery.answer?.status ?? 'nothing'}`}`).join('; ')}${lost.length > 5 ? '; …' : ''})` : ''}.`,
		`- Dialled twice: ${repeats.length}${repeats.length ? ` (${[...new Set(repeats.map((request) => request.to))].slice(0, 5).join(', ')})` : ''}.`,
	);

	const minutesMean = (first: number, last: number) =>
		meanOf(memory.filter((sample) => inWindow(sample.at, start + (first - 1) * MINUTE, start + last * MINUTE)).map((sample) => megabytes(sample.bytes)));
	const lastTrafficMinute = Math.ceil(MINUTES);
	const rule = `rule: the mean RSS of minutes ${WARM_MINUTES[0]}–${WARM_MINUTES[1]} (after warm-up) against that of the last ${LATE_MINUTES} minutes of traffic; growth under ${FLAT_MEMORY_GROWTH * 100}% reads as flat`;
	if (lastTrafficMinute - LATE_MINUTES + 1 > WARM_MINUTES[1]) {
		const warm = minutesMean(WARM_MINUTES[0], WARM_MINUTES[1]);
		const late = minutesMean(lastTrafficMinute - LATE_MINUTES + 1, lastTrafficMinute);
		const growth = late / warm - 1;
		// Executions waiting for their turn are held in n8n's memory: a backlog that grew explains growth a leak would not.
		const waitingMean = (first: number, last: number) =>
			meanOf(Array.from({ length: last - first + 1 }, (_, index) => deliveriesWaiting(observed, start + (first + index) * MINUTE)));
		const waitingWarm = waitingMean(WARM_MINUTES[0], WARM_MINUTES[1]);
		const waitingLate = waitingMean(lastTrafficMinute - LATE_MINUTES + 1, lastTrafficMinute);
		const perWaiting = waitingLate > waitingWarm ? `, ${((late - warm) / (waitingLate - waitingWarm)).toFixed(1)} MB per execution added to the backlog` : '';
		lines.push(
			`- Memory of n8n's main process: ${warm.toFixed(0)} MB → ${late.toFixed(0)} MB (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%): ${growth < FLAT_MEMORY_GROWTH ? 'flat' : 'GROWING'} (${rule}); executions waiting over those minutes, on average: ${waitingWarm.toFixed(0)} → ${waitingLate.toFixed(0)}${perWaiting}.`,
		);
	} else {
		const first = minutesMean(1, 1);
		const last = minutesMean(lastTrafficMinute, lastTrafficMinute);
		lines.push(`- Memory of n8n's main process: minute 1 ${first.toFixed(0)} MB, minute ${lastTrafficMinute} ${last.toFixed(0)} MB; no trend read (${rule}: it needs SOAK_MINUTES ≥ ${WARM_MINUTES[1] + LATE_MINUTES}).`);
	}
	return lines;
}

/** Deliveries sent by `at` whose executions had not finished by then. */
function deliveriesWaiting({ deliveries, executions }: Observed, at: number): number {
	return (
		deliveries.filter((delivery) => delivery.sentAt !== undefined && delivery.sentAt < at).length -
		executions.filter((execution) => execution.finishedAt < at).length
	);
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
		const observed = (final: boolean): Observed => ({
			start,
			deliveries,
			requests: simulatorLog.all,
			executions: [...executionLog.finished.values()],
			memory,
			final,
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
			const now = observed(false);
			if (Date.now() >= rowAt) say(tableLines([minuteRow(now, minute, lostDeliveries(now), repeatedDials(now.requests))])[2]);
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
		const final = observed(true);
		const lost = lostDeliveries(final);
		const repeated = repeatedDials(final.requests);
		const lastActivity = Math.max(trafficEnd, ...final.requests.map((request) => request.at), ...final.executions.map((execution) => execution.finishedAt));
		const lastMinute = Math.ceil((lastActivity - start) / MINUTE);
		const rows = Array.from({ length: lastMinute }, (_, index) => minuteRow(final, index + 1, lost, repeated));
		const table = tableLines(rows);
		const summary = summaryLines(final, faults, lost, repeated, trafficEnd);
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
			].join('\n'),
		);
		say(`\nWritten to ${file}`);
		failed = lost.length > 0 || repeated.length > 0;
		if (failed) say(`soak: FAILED: ${lost.length} lost, ${repeated.length} dialled twice`);
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
