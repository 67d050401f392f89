import fc from 'fast-check';

import { BACKLOG_WARNING_EXECUTIONS, Pacer } from '../../nodes/PlivoPhlo/transport/pacer';
import { AccountPacers } from '../../nodes/PlivoPhlo/transport/pacing';
import type { BacklogReport, Clock, PacerLease } from '../../nodes/PlivoPhlo/transport/turns';

/**
 * A clock driven by events: requests arrive at chosen times and timers fire when due (`lateMs` later,
 * as real timers do), one at a time in time order. Like `Date.now()` it reads whole milliseconds.
 * Nothing depends on real time.
 */
class EventClock implements Clock {
	time = 0;

	private readonly events: Array<{ at: number; seq: number; fire: () => void }> = [];

	private seq = 0;

	constructor(private readonly lateMs: () => number = () => 0) {}

	now(): number {
		return this.time;
	}

	at(time: number, fire: () => void): void {
		this.events.push({ at: time, seq: this.seq++, fire });
	}

	async sleep(ms: number): Promise<void> {
		await new Promise<void>((resolve) => this.at(Math.ceil(this.time + ms + this.lateMs()), resolve));
	}

	/** Fires every event in time order, letting each settle before the next. */
	async run(): Promise<void> {
		for (;;) {
			await new Promise((resolve) => setImmediate(resolve));
			if (this.events.length === 0) return;
			this.events.sort((a, b) => a.at - b.at || a.seq - b.seq);
			const next = this.events.shift()!;
			this.time = Math.max(this.time, next.at);
			next.fire();
		}
	}
}

/** Single-request runs (one event per execution) arriving at `arrivals`; returns when each started. */
async function singleItemRuns(rate: number, arrivals: number[], lateMs?: () => number): Promise<number[]> {
	const clock = new EventClock(lateMs);
	const pacer = new Pacer(clock);
	const starts: number[] = [];
	for (const arrival of arrivals) {
		clock.at(arrival, () => {
			const run = pacer.join(rate);
			void run.acquire().then(() => {
				starts.push(clock.now());
				run.leave();
			});
		});
	}
	await clock.run();
	return starts.sort((a, b) => a - b);
}

const gaps = (starts: number[]) => starts.slice(1).map((time, index) => time - starts[index]);

/** The most starts in any window of `ms` (windows starting at each start: the busiest windows do). */
const busiest = (starts: number[], ms: number) =>
	Math.max(0, ...starts.map((from) => starts.filter((time) => time >= from && time < from + ms).length));

describe('Max Requests per Second is a ceiling: no two starts closer than the interval', () => {
	it('single-item runs at 0, 999, 1000 and 1000 ms at 2/s start at least 500 ms apart', async () => {
		expect(await singleItemRuns(2, [0, 999, 1000, 1000])).toEqual([0, 999, 1499, 1999]);
	});

	it('a request arriving just before its turn waits for it, to the millisecond', async () => {
		expect(await singleItemRuns(2, [0, 499, 500, 501])).toEqual([0, 500, 1000, 1500]);
	});

	it('a burst after a quiet spell: the first goes at once, the rest one interval apart', async () => {
		const starts = await singleItemRuns(4, [0, 60_000, ...Array.from({ length: 9 }, () => 60_000)]);
		expect(starts).toEqual([0, ...Array.from({ length: 10 }, (_, index) => 60_000 + index * 250)]);
	});

	it('random arrivals near and above the rate, with late timers: every gap at least the interval, no second above the rate', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 1, max: 20 }),
				fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 2, maxLength: 60 }),
				fc.integer({ min: 0, max: 4 }),
				async (rate, arrivals, late) => {
					const starts = await singleItemRuns(rate, arrivals, () => late);
					expect(starts).toHaveLength(arrivals.length);
					expect(Math.min(...gaps(starts))).toBeGreaterThanOrEqual(1000 / rate - 1e-9);
					expect(busiest(starts, 1000)).toBeLessThanOrEqual(Math.ceil(rate));
				},
			),
			{ numRuns: 150 },
		);
	});

	it('runs at different settings, each with several requests in flight: spaced by the slowest rate joined', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.record({ rate: fc.integer({ min: 1, max: 10 }), at: fc.integer({ min: 0, max: 3_000 }), requests: fc.integer({ min: 1, max: 4 }) }), {
					minLength: 2,
					maxLength: 8,
				}),
				async (runs) => {
					const clock = new EventClock(() => 1);
					const pacer = new Pacer(clock);
					// Every run joins at 0 and stays until the end, so the slowest rate holds throughout.
					const leases = runs.map(({ rate }) => pacer.join(rate));
					const starts: number[] = [];
					runs.forEach(({ at, requests }, index) =>
						clock.at(at, () => {
							for (let i = 0; i < requests; i++) void leases[index].acquire().then(() => starts.push(clock.now()));
						}),
					);
					await clock.run();
					const slowest = Math.min(...runs.map(({ rate }) => rate));
					starts.sort((a, b) => a - b);
					expect(Math.min(...gaps(starts))).toBeGreaterThanOrEqual(1000 / slowest - 1e-9);
					expect(busiest(starts, 1000)).toBeLessThanOrEqual(slowest);
				},
			),
			{ numRuns: 100 },
		);
	});

	it('above 1,000/s, where the clock cannot part them, no millisecond and no second holds more than the rate allows', async () => {
		const clock = new EventClock();
		const pacer = new Pacer(clock);
		const run = pacer.join(2_500);
		const starts: number[] = [];
		clock.at(0, () => {
			for (let i = 0; i < 6_000; i++) void run.acquire().then(() => starts.push(clock.now()));
		});
		await clock.run();
		expect(busiest(starts, 1)).toBeLessThanOrEqual(3);
		expect(busiest(starts, 1000)).toBeLessThanOrEqual(2_500 + 3);
		expect(starts.at(-1)).toBeGreaterThanOrEqual(2_390);
	});
});

describe('Max Wait for Turn: a turn too far off is refused at once, with when to ask again', () => {
	function backlog(rate: number, waiting: number) {
		const clock = new EventClock();
		const pacer = new Pacer(clock);
		const run: PacerLease = pacer.join(rate);
		for (let i = 0; i <= waiting; i++) void run.acquire();
		return { clock, run };
	}

	it('refuses a request whose turn is past the limit, and spreads the retries of those refused one interval apart', async () => {
		const { run } = backlog(2, 10); // one started, 10 wait: the next turn is 5.5 s away
		const first = await run.acquire({ maxWaitMs: 5_000 });
		const second = await run.acquire({ maxWaitMs: 5_000 });
		expect(first).toEqual({ waiting: 10, turnInMs: 5_500, retryInMs: 5_500, requestsPerSecond: 2 });
		expect(second?.retryInMs).toBe(6_000);
	});

	it('lets a request in when its turn is within the limit', async () => {
		const { clock, run } = backlog(2, 3);
		let turn: unknown = 'pending';
		void run.acquire({ maxWaitMs: 5_000 }).then((refused) => (turn = refused));
		await clock.run();
		expect(turn).toBeUndefined();
		expect(clock.now()).toBe(2_000);
	});

	it('counts a 429 pause in the turn', async () => {
		const clock = new EventClock();
		const run = new Pacer(clock).join(0);
		run.backOff(30_000);
		expect(await run.acquire({ maxWaitMs: 10_000 })).toMatchObject({ waiting: 0, turnInMs: 30_000 });
	});
});

describe('the operator is told of a backlog', () => {
	it(`warns once a minute while more than ${BACKLOG_WARNING_EXECUTIONS} executions wait, never below that`, async () => {
		const clock = new EventClock();
		const pacers = new AccountPacers(clock);
		const reports: BacklogReport[] = [];
		const execution = () => pacers.join('https://p', 'MA1', 1, (report) => reports.push(report));
		for (let i = 0; i <= BACKLOG_WARNING_EXECUTIONS; i++) void execution().acquire();
		expect(reports).toEqual([]);
		void execution().acquire();
		void execution().acquire();
		expect(reports).toEqual([{ executions: BACKLOG_WARNING_EXECUTIONS + 1, requests: BACKLOG_WARNING_EXECUTIONS + 1, requestsPerSecond: 1 }]);
		clock.time = 60_000;
		void execution().acquire();
		expect(reports).toHaveLength(2);
	});
});
