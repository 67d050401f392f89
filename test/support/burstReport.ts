/**
 * What a burst did, read from its record without I/O: the senders' deliveries and answers, what the
 * simulator accepted event by event, n8n's memory, the machine's load. Shared by `npm run bench:burst`
 * and the suites that assert the same properties at a smaller size.
 */
import { describeOncePerKey, mostInWindow, oncePerKey, type OncePerKey } from './counts';
import type { MemoryGrowth } from './burstMemory';
import { HANDED_BACK, retryAfterSeconds, type BurstEvent, type Delivery } from './burstSenders';

/**
 * The goal for the set-up recommended for bursts: 5,000 events arriving within a minute at 2 calls per
 * second, n8n's memory growing less than 500 MB, every sender answered within 5 s, every event
 * dialled exactly once in the end.
 */
export const GOAL = { events: 5000, memoryGrowthMb: 500 } as const;
export const ANSWER_SECONDS = 5;

/**
 * n8n's resident memory moves by about 100 MB with no burst at all (garbage collection, its task
 * runner starting and idling): a smaller bound would measure that, not the burst.
 */
const MEMORY_FLOOR_MB = 150;

/** The goal's memory bound scaled to a burst of `events`, not below what n8n varies by on its own. */
export const goalMemoryMb = (events: number): number => Math.max(MEMORY_FLOOR_MB, Math.round((GOAL.memoryGrowthMb * events) / GOAL.events));

/** A request the simulator accepted (201) for a number. */
export interface AcceptedDial {
	to: string;
	at: number;
}

/** The machine's load average (as `uptime` prints it) at a time. */
export interface LoadSample {
	at: number;
	one: number;
	five: number;
	fifteen: number;
}

/** Another workflow's event sent while the burst drained: when, and when it was dialled (undefined: never). */
export interface ProbeWait {
	sentAt: number;
	dialledAt?: number;
}

export interface Latency {
	count: number;
	medianSeconds: number;
	p95Seconds: number;
	maxSeconds: number;
}

export interface BurstRecord {
	events: readonly BurstEvent[];
	deliveries: readonly Delivery[];
	accepted: readonly AcceptedDial[];
	memory: MemoryGrowth;
	start: number;
	load: readonly LoadSample[];
	/** Why the set-up was stopped before the end, when it was. */
	stopped?: string;
	/** Lines n8n logged warning of a backlog on the pace. */
	backlogWarnings: number;
	/** CPU seconds each process used from the burst's start to the end (n8n's, and the senders' own). */
	cpuSeconds: Record<string, number>;
	/** The most CPU each n8n process used in any 10 s of the burst, in cores. */
	busiestCores: Record<string, number>;
	probes: readonly ProbeWait[];
}

export interface BurstSummary {
	events: number;
	deliveries: number;
	/** Deliveries after the first of an event, made because a hand-back said when. */
	redeliveries: number;
	mostDeliveriesOfAnEvent: number;
	/** Every answer, then by HTTP status (0: none within the sender's timeout). */
	waited: Latency;
	byStatus: Record<string, Latency>;
	answeredWithin5s: number;
	/** Hand-backs (429/503) with a usable Retry-After; those without; re-deliveries that waited at least that long. */
	handBacks: { withRetryAfter: number; withoutRetryAfter: number; honoured: number };
	/** The most answers in any 10 s, per second: how fast n8n answered while the burst outran it. */
	peakAnswersPerSecond: number;
	/** Most requests in flight at once (senders waiting for an answer). */
	mostInFlight: number;
	/** Most events n8n held at once: sent and neither dialled nor answered with a hand-back or a failure. */
	mostHeld: number;
	tally: OncePerKey;
	dialled: string;
	/** From the first delivery to the last answer or dial. */
	durationSeconds: number;
	memory: MemoryGrowth;
	load: readonly LoadSample[];
	stopped?: string;
	backlogWarnings: number;
	/** CPU milliseconds each process used per delivery (each one an execution in n8n). */
	cpuMsPerDelivery: Record<string, number>;
	busiestCores: Record<string, number>;
	/** How long another workflow's events waited to be dialled while the burst drained (none sent: count 0); never dialled ones apart. */
	probes: { waited: Latency; neverDialled: number };
}

const seconds = (ms: number): number => Math.round(ms) / 1000;

/** The value below which a share `p` of the values fall (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
	if (!values.length) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export function latencyOf(waitsMs: readonly number[]): Latency {
	return {
		count: waitsMs.length,
		medianSeconds: seconds(percentile(waitsMs, 0.5)),
		p95Seconds: seconds(percentile(waitsMs, 0.95)),
		maxSeconds: seconds(waitsMs.length ? Math.max(...waitsMs) : Number.NaN),
	};
}

/** The most intervals [from, to) open at one time. */
export function mostAtOnce(intervals: ReadonlyArray<{ from: number; to: number }>): number {
	const edges = intervals.flatMap(({ from, to }) => [
		{ at: from, step: 1 },
		{ at: to, step: -1 },
	]);
	// An interval ending at the instant another starts is not counted with it.
	edges.sort((a, b) => a.at - b.at || a.step - b.step);
	let open = 0;
	let most = 0;
	for (const { step } of edges) {
		open += step;
		most = Math.max(most, open);
	}
	return most;
}

const isHandBack = (delivery: Delivery): boolean => HANDED_BACK.includes(delivery.status);

/**
 * How long each event stayed in n8n: a delivery handed back or failed, from its sending to its answer;
 * the delivery that was dialled, from its sending to the dial (with Respond Immediately, n8n answers
 * first and holds the execution until its turn).
 */
function heldIntervals(deliveries: readonly Delivery[], accepted: readonly AcceptedDial[], events: readonly BurstEvent[]): Array<{ from: number; to: number }> {
	const toOf = new Map(events.map((event) => [event.eventId, event.to]));
	const firstDial = new Map<string, number>();
	for (const dial of accepted) if (!firstDial.has(dial.to) || (firstDial.get(dial.to) ?? 0) > dial.at) firstDial.set(dial.to, dial.at);
	return deliveries.map((delivery) => {
		const dialledAt = firstDial.get(toOf.get(delivery.eventId) ?? '');
		const led = !isHandBack(delivery) && dialledAt !== undefined && dialledAt >= delivery.sentAt;
		return { from: delivery.sentAt, to: led ? Math.max(delivery.answeredAt, dialledAt) : delivery.answeredAt };
	});
}

/** Hand-backs whose event was delivered again no sooner than Retry-After said (a 50 ms timer's slack allowed). */
function honouredHandBacks(deliveries: readonly Delivery[]): number {
	const byEvent = new Map<string, Delivery[]>();
	for (const delivery of deliveries) byEvent.set(delivery.eventId, [...(byEvent.get(delivery.eventId) ?? []), delivery]);
	let honoured = 0;
	for (const list of byEvent.values()) {
		const ordered = [...list].sort((a, b) => a.attempt - b.attempt);
		ordered.forEach((delivery, index) => {
			const wait = isHandBack(delivery) ? retryAfterSeconds(delivery.retryAfter, delivery.answeredAt) : undefined;
			const next = ordered[index + 1];
			if (wait !== undefined && next && next.sentAt - delivery.answeredAt >= wait * 1000 - 50) honoured++;
		});
	}
	return honoured;
}

export function summarise(record: BurstRecord): BurstSummary {
	const { events, deliveries, accepted } = record;
	const waits = deliveries.map((delivery) => delivery.answeredAt - delivery.sentAt);
	const statuses = [...new Set(deliveries.map((delivery) => delivery.status))].sort((a, b) => a - b);
	const handBacks = deliveries.filter(isHandBack);
	const withRetryAfter = handBacks.filter((delivery) => retryAfterSeconds(delivery.retryAfter, delivery.answeredAt) !== undefined).length;
	const attempts = new Map<string, number>();
	for (const delivery of deliveries) attempts.set(delivery.eventId, Math.max(attempts.get(delivery.eventId) ?? 0, delivery.attempt));
	const tally = oncePerKey(
		events.map((event) => event.to),
		accepted.map((dial) => dial.to),
	);
	const ends = [...deliveries.map((delivery) => delivery.answeredAt), ...accepted.map((dial) => dial.at)];
	return {
		events: events.length,
		deliveries: deliveries.length,
		redeliveries: deliveries.filter((delivery) => delivery.attempt > 1).length,
		mostDeliveriesOfAnEvent: Math.max(0, ...attempts.values()),
		waited: latencyOf(waits),
		byStatus: Object.fromEntries(
			statuses.map((status) => [String(status), latencyOf(deliveries.filter((delivery) => delivery.status === status).map((delivery) => delivery.answeredAt - delivery.sentAt))]),
		),
		answeredWithin5s: deliveries.filter((delivery) => delivery.status !== 0 && delivery.answeredAt - delivery.sentAt <= ANSWER_SECONDS * 1000).length,
		handBacks: { withRetryAfter, withoutRetryAfter: handBacks.length - withRetryAfter, honoured: honouredHandBacks(deliveries) },
		peakAnswersPerSecond: mostInWindow(deliveries.filter((delivery) => delivery.status !== 0).map((delivery) => delivery.answeredAt), 10_000) / 10,
		mostInFlight: mostAtOnce(deliveries.map((delivery) => ({ from: delivery.sentAt, to: delivery.answeredAt }))),
		mostHeld: mostAtOnce(heldIntervals(deliveries, accepted, events)),
		tally,
		dialled: describeOncePerKey(tally, 'dialled'),
		durationSeconds: seconds((ends.length ? Math.max(...ends) : record.start) - record.start),
		memory: record.memory,
		load: record.load,
		...(record.stopped ? { stopped: record.stopped } : {}),
		backlogWarnings: record.backlogWarnings,
		busiestCores: record.busiestCores,
		probes: {
			waited: latencyOf(record.probes.flatMap((probe) => (probe.dialledAt === undefined ? [] : [probe.dialledAt - probe.sentAt]))),
			neverDialled: record.probes.filter((probe) => probe.dialledAt === undefined).length,
		},
		cpuMsPerDelivery: Object.fromEntries(
			Object.entries(record.cpuSeconds).map(([name, used]) => [name, deliveries.length ? Math.round((used * 1e6) / deliveries.length) / 1000 : Number.NaN]),
		),
	};
}

/**
 * Each of the goal's properties, with what was measured: n8n's memory growing less than
 * `memoryGrowthMb` (scaled to the burst's size), every sender answered within 5 s, every event
 * dialled exactly once in the end.
 */
export function judgeGoal(summary: BurstSummary, memoryGrowthMb: number): Array<{ property: string; met: boolean; measured: string }> {
	return [
		{
			property: `n8n's memory grows less than ${memoryGrowthMb} MB`,
			met: summary.memory.totalGrowthMb < memoryGrowthMb,
			measured: `+${summary.memory.totalGrowthMb.toFixed(0)} MB at its peak`,
		},
		{
			property: `every sender answered within ${ANSWER_SECONDS} s`,
			met: summary.answeredWithin5s === summary.deliveries,
			measured: `${summary.answeredWithin5s} of ${summary.deliveries} deliveries answered within ${ANSWER_SECONDS} s; the slowest after ${summary.waited.maxSeconds} s`,
		},
		{
			property: 'every event dialled exactly once in the end',
			met: summary.tally.exactlyOnce === summary.events && summary.tally.unexpected.length === 0,
			measured: summary.dialled,
		},
	];
}

/** What the senders' record says against the hand-backs: each told when to come back, and came back no sooner. */
export function handBackShortfalls(summary: BurstSummary): string[] {
	const { withRetryAfter, withoutRetryAfter, honoured } = summary.handBacks;
	return [
		...(withoutRetryAfter ? [`${withoutRetryAfter} hand-backs without a Retry-After`] : []),
		...(honoured < withRetryAfter ? [`${withRetryAfter - honoured} of ${withRetryAfter} hand-backs not delivered again after their Retry-After`] : []),
	];
}

/** What makes a run fail whatever the set-up: an event dialled twice, or never. */
export function failures(label: string, summary: BurstSummary): string[] {
	const found: string[] = [];
	if (summary.tally.moreThanOnce.length || summary.tally.missing.length || summary.tally.unexpected.length) found.push(`${label}: ${summary.dialled}`);
	if (summary.stopped) found.push(`${label}: ${summary.stopped}`);
	return found;
}

const mb = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(0)}`;

/** A latency as `median / p95 / max s`. */
export const latencyText = (latency: Latency): string => `${latency.medianSeconds} / ${latency.p95Seconds} / ${latency.maxSeconds} s`;

export const TABLE_HEADER = [
	'set-up',
	'n8n memory growth, MB (peak, all processes)',
	'per process, MB',
	'most events held in n8n',
	'answers (status: count, median / p95 / max wait)',
	'answered within 5 s',
	're-deliveries',
	'dialled once / twice / never',
	'duration',
];

/** One row of the results table. */
export function tableRow(label: string, summary: BurstSummary): string[] {
	const perProcess = Object.entries(summary.memory.growthMb)
		.map(([name, growth]) => `${name} ${mb(growth)}`)
		.join(', ');
	const answers = Object.entries(summary.byStatus)
		.map(([status, latency]) => `${status === '0' ? 'none' : status}: ${latency.count}, ${latencyText(latency)}`)
		.join('; ');
	return [
		label,
		`${mb(summary.memory.totalGrowthMb)}`,
		perProcess,
		String(summary.mostHeld),
		answers,
		`${summary.answeredWithin5s} of ${summary.deliveries}`,
		String(summary.redeliveries),
		`${summary.tally.exactlyOnce} / ${summary.tally.moreThanOnce.length} / ${summary.tally.missing.length}`,
		`${summary.durationSeconds.toFixed(0)} s${summary.stopped ? ' (stopped)' : ''}`,
	];
}

export function markdownTable(rows: string[][]): string[] {
	const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
	return [line(TABLE_HEADER), line(TABLE_HEADER.map(() => '---')), ...rows.map(line)];
}
