/**
 * One burst into one running set-up, measured: warm-up events, a baseline of n8n's memory, the burst
 * (re-deliveries included), the wait until the simulator has accepted every event or nothing more
 * arrives, then the record summarised (`./burstReport`). Used by `npm run bench:burst` for each set-up
 * and by the suites at a smaller size.
 */
import { readFileSync } from 'node:fs';

import { busiestCores, MemorySampler, memoryGrowth, readMemory, type MemorySample, type WatchedProcess } from './burstMemory';
import { summarise, type AcceptedDial, type BurstSummary, type LoadSample, type ProbeWait } from './burstReport';
import { planBurst, sendBurst, type BurstEvent, type Delivery } from './burstSenders';
import type { RecordedRequest, Simulator } from './simulator';
import type { SimulatorProcess } from './simulatorProcess';

/** Where the accepted dials are read: the simulator in this process or in its own. */
export interface DialSource {
	/** Every dial accepted (201) so far. */
	accepted(): Promise<AcceptedDial[]>;
}

const acceptedDial = (request: RecordedRequest): AcceptedDial | undefined =>
	request.route === 'multiPartyCall.dial' && request.status === 201 && request.to ? { to: request.to, at: request.receivedAt } : undefined;

export const simulatorDials = (sim: Simulator): DialSource => ({
	accepted: async () => await Promise.resolve(sim.requests.map(acceptedDial).filter((dial): dial is AcceptedDial => dial !== undefined)),
});

/** Reads a simulator process's record a page at a time, keeping what it has read; a request still pending is read again. */
export function simulatorProcessDials(sim: SimulatorProcess): DialSource {
	const seen = new Map<number, AcceptedDial>();
	let since = 0;
	return {
		accepted: async () => {
			const { requests } = (await sim.control(`requests?since=${since}`)) as { requests: RecordedRequest[] };
			for (const request of requests) {
				const dial = acceptedDial(request);
				if (dial) seen.set(request.seq, dial);
			}
			const pending = requests.filter((request) => request.outcome === 'pending').map((request) => request.seq);
			since = pending.length ? Math.min(...pending) : requests.length ? requests[requests.length - 1].seq + 1 : since;
			return [...seen.values()];
		},
	};
}

/** What the burst is sent into. */
export interface BurstTarget {
	url: string;
	watched: WatchedProcess[];
	/** Everything n8n has logged so far. */
	output(): string;
	/** Stops n8n at once: what happens when memory runs out. */
	kill(): void;
}

export interface BurstPlan {
	count: number;
	/** The first deliveries spread evenly over this long. */
	seconds: number;
	/** Keeps this burst's numbers apart from others' at the simulator (0–48; its warm-up uses series + 50, the probes 99). */
	series: number;
	/** The senders deliver again when a hand-back says when. */
	honourRetryAfter: boolean;
	body: (event: BurstEvent) => unknown;
	/** Events sent one at a time before the baseline is read. */
	warmUp?: number;
	senderTimeoutMs?: number;
	/** n8n is stopped when its processes grow past this, as a container's memory limit would stop it. */
	memoryLimitMb?: number;
	/** The wait for the last dials ends when none has come for this long. */
	stallMs?: number;
	/** Another workflow's events sent meanwhile. */
	probe?: Probe;
	say?: (line: string) => void;
}

const MB = 1024 * 1024;
const SECOND = 1000;
/** The probes' numbers, apart from every burst's and warm-up's; each burst's probes apart from another's at the same simulator. */
const PROBE_SERIES = 99;
const PROBES_PER_BURST = 2000;
/** n8n's memory before the burst: the mean over this long, once the warm-up has been dialled. */
const BASELINE_MS = 5 * SECOND;
const sleep = async (ms: number) => await new Promise((done) => setTimeout(done, ms));
const totalMb = (sample: MemorySample): number => Object.values(sample.bytes).reduce((sum, bytes) => sum + bytes, 0) / MB;

function loadNow(): LoadSample {
	const [one, five, fifteen] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
	return { at: Date.now(), one, five, fifteen };
}

/** The pace's backlog warnings n8n logged. */
export const backlogWarnings = (output: string): string[] => output.split('\n').filter((line) => /Plivo PHLO: \d+ executions \(\d+ requests\) are waiting/.test(line));

async function warmUp(target: BurstTarget, dials: DialSource, plan: BurstPlan): Promise<void> {
	const events = planBurst({ count: plan.warmUp ?? 20, seconds: 0, series: plan.series + 50 });
	for (const event of events) await sendBurst(target.url, [event], Date.now(), { body: plan.body, timeoutMs: 60 * SECOND, honourRetryAfter: true });
	const wanted = new Set(events.map((event) => event.to));
	const deadline = Date.now() + 120 * SECOND;
	while ((await dials.accepted()).filter((dial) => wanted.has(dial.to)).length < wanted.size) {
		if (Date.now() > deadline) throw new Error('the warm-up events were not all dialled within 120 s');
		await sleep(500);
	}
}

/** Counts for a progress line. */
function progress(start: number, deliveries: readonly Delivery[], dialled: number, count: number, growthMb: number): string {
	const statuses = new Map<number, number>();
	for (const delivery of deliveries) statuses.set(delivery.status, (statuses.get(delivery.status) ?? 0) + 1);
	const answers = [...statuses].map(([status, times]) => `${status || 'none'} ×${times}`).join(', ');
	return `  ${((Date.now() - start) / SECOND).toFixed(0)} s: ${deliveries.length} answered (${answers || 'none yet'}); ${dialled} of ${count} events dialled; n8n ${growthMb >= 0 ? '+' : ''}${growthMb.toFixed(0)} MB`;
}

/** Another workflow's event, sent now and then while the burst drains: how long a sender of other events waits meanwhile. */
export interface Probe {
	/** A workflow of the same n8n calling another Plivo account, answering at once. */
	url: string;
	dials: DialSource;
	everyMs: number;
}

/** Sends one probe event every `everyMs` until stopped; reads when each was dialled. */
class Prober {
	private readonly sent: BurstEvent[] = [];
	private timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly probe: Probe,
		private readonly plan: BurstPlan,
	) {}

	start(): void {
		const first = this.plan.series * PROBES_PER_BURST;
		const events = planBurst({ count: first + PROBES_PER_BURST, seconds: 0, series: PROBE_SERIES }).slice(first);
		this.timer = setInterval(() => {
			const event = events[this.sent.length];
			this.sent.push({ ...event, dueMs: Date.now() });
			void sendBurst(this.probe.url, [event], Date.now(), { body: this.plan.body, timeoutMs: 60 * SECOND, honourRetryAfter: false });
		}, this.probe.everyMs);
	}

	/** Stops sending, waits up to `graceMs` for the probes sent to be dialled; when each was sent and how long it waited (undefined: never dialled). */
	async finish(graceMs: number): Promise<ProbeWait[]> {
		clearInterval(this.timer);
		const deadline = Date.now() + graceMs;
		for (;;) {
			const dialled = new Map((await this.probe.dials.accepted()).map((dial) => [dial.to, dial.at]));
			const waits = this.sent.map((event) => ({ sentAt: event.dueMs, dialledAt: dialled.get(event.to) }));
			if (waits.every((wait) => wait.dialledAt !== undefined) || Date.now() > deadline) return waits;
			await sleep(SECOND);
		}
	}
}

/** Waits until every event was dialled, or none has been for `stallMs`, or the set-up was stopped; then looks once more. */
async function drain(dials: DialSource, wanted: Set<string>, stallMs: number, stopped: () => boolean): Promise<AcceptedDial[]> {
	let lastNew = Date.now();
	for (let dialled = 0; !stopped(); ) {
		const now = new Set((await dials.accepted()).filter((dial) => wanted.has(dial.to)).map((dial) => dial.to)).size;
		if (now !== dialled) lastNew = Date.now();
		dialled = now;
		if (now === wanted.size || Date.now() - lastNew > stallMs) break;
		await sleep(2 * SECOND);
	}
	// A second dial of an event would come within moments of the first: look once more.
	await sleep(3 * SECOND);
	return (await dials.accepted()).filter((dial) => wanted.has(dial.to));
}

/**
 * A burst at the size the suites run, as CI's senders send it: events delivered again when handed back,
 * each sender waiting up to 60 s, the burst over once nothing has been dialled for 30 s.
 */
export const suiteBurstPlan = (count: number, seconds: number, body: BurstPlan['body']): BurstPlan => ({
	count,
	seconds,
	series: 0,
	honourRetryAfter: true,
	body,
	senderTimeoutMs: 60_000,
	stallMs: 30_000,
});

/** The burst's summary, and every delivery with its answer, for what a summary does not hold. */
export async function measureBurst(target: BurstTarget, dials: DialSource, plan: BurstPlan): Promise<{ summary: BurstSummary; deliveries: Delivery[] }> {
	const say = plan.say ?? (() => undefined);
	const sampler = new MemorySampler(target.watched);
	sampler.start();
	const load: LoadSample[] = [loadNow()];
	const loadTimer = setInterval(() => load.push(loadNow()), 60 * SECOND);
	const watchers: NodeJS.Timeout[] = [];
	try {
		await warmUp(target, dials, plan);
		await sleep(BASELINE_MS);
		const baselineMb = totalMb(readMemory(target.watched));
		const events = planBurst({ count: plan.count, seconds: plan.seconds, series: plan.series });
		const wanted = new Set(events.map((event) => event.to));
		const deliveries: Delivery[] = [];
		let stopped: string | undefined;
		const start = Date.now() + SECOND;
		const cpuBefore = readMemory(target.watched).cpuSeconds;
		const benchCpuBefore = process.cpuUsage();
		watchers.push(
			setInterval(() => {
				const growth = totalMb(sampler.latest) - baselineMb;
				if (plan.memoryLimitMb !== undefined && growth > plan.memoryLimitMb && !stopped) {
					stopped = `stopped when n8n's memory had grown by ${growth.toFixed(0)} MB, past the limit of ${plan.memoryLimitMb} MB: its executions were lost`;
					target.kill();
				}
			}, SECOND),
			setInterval(() => {
				void dials.accepted().then((accepted) => say(progress(start, deliveries, accepted.filter((dial) => wanted.has(dial.to)).length, plan.count, totalMb(sampler.latest) - baselineMb)));
			}, 10 * SECOND),
		);
		const prober = plan.probe ? new Prober(plan.probe, plan) : undefined;
		prober?.start();
		await sendBurst(target.url, events, start, {
			body: plan.body,
			timeoutMs: plan.senderTimeoutMs ?? 600 * SECOND,
			honourRetryAfter: plan.honourRetryAfter,
			onDelivery: (delivery) => deliveries.push(delivery),
		});
		const accepted = await drain(dials, wanted, plan.stallMs ?? 60 * SECOND, () => stopped !== undefined);
		const probes = (await prober?.finish(60 * SECOND)) ?? [];
		sampler.stop();
		const cpuAfter = readMemory(target.watched).cpuSeconds;
		const benchCpu = process.cpuUsage(benchCpuBefore);
		const summary = summarise({
			events,
			deliveries,
			accepted,
			memory: memoryGrowth(sampler.samples, start, start - BASELINE_MS),
			start,
			load: [...load, loadNow()],
			...(stopped ? { stopped } : {}),
			backlogWarnings: backlogWarnings(target.output()).length,
			busiestCores: busiestCores(sampler.samples, start),
			cpuSeconds: {
				...Object.fromEntries(Object.entries(cpuAfter).map(([name, seconds]) => [name, seconds - (cpuBefore[name] ?? 0)])),
				'the bench (senders)': (benchCpu.user + benchCpu.system) / 1e6,
			},
			probes,
		});
		return { summary, deliveries };
	} finally {
		watchers.forEach(clearInterval);
		sampler.stop();
		clearInterval(loadTimer);
	}
}
