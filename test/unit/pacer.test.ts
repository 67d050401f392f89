import { MAX_INTERVAL_MS, MIN_REQUESTS_PER_SECOND, Pacer } from '../../nodes/PlivoPhlo/transport/pacer';
import { AccountPacers } from '../../nodes/PlivoPhlo/transport/pacing';
import { RECOVERY_DOUBLING_MS } from '../../nodes/PlivoPhlo/transport/slowdown';
import type { Clock } from '../../nodes/PlivoPhlo/transport/turns';

/**
 * A clock that moves only when someone sleeps: every wait is recorded, nothing depends on real time.
 * Time moves on in a later turn of the event loop, after everything already started has seen it.
 */
class ManualClock implements Clock {
	time = 1_000_000;

	readonly sleeps: number[] = [];

	now(): number {
		return this.time;
	}

	async sleep(ms: number): Promise<void> {
		this.sleeps.push(ms);
		await new Promise((resolve) => setImmediate(resolve));
		this.time += ms;
	}

	get slept(): number {
		return this.sleeps.reduce((sum, ms) => sum + ms, 0);
	}
}

function setUp(...rates: number[]) {
	const clock = new ManualClock();
	const pacer = new Pacer(clock);
	const runs = rates.map((rate) => pacer.join(rate));
	const begin = clock.now();
	/** When each request started, relative to the start of the test. */
	const started = async (...requests: Array<Promise<unknown>>): Promise<number[]> => {
		const times: number[] = [];
		await Promise.all(requests.map(async (request, index) => request.then(() => (times[index] = clock.now() - begin))));
		return times;
	};
	return { clock, pacer, runs, started };
}

async function oneByOne(acquire: () => Promise<unknown>, clock: ManualClock, count: number): Promise<number[]> {
	const starts: number[] = [];
	for (let i = 0; i < count; i++) {
		await acquire();
		starts.push(clock.now());
	}
	return starts.map((time) => time - starts[0]);
}

describe('Pacer, for one run', () => {
	it('spaces requests evenly at the set rate', async () => {
		const { clock, runs } = setUp(4);
		expect(await oneByOne(() => runs[0].acquire(), clock, 5)).toEqual([0, 250, 500, 750, 1000]);
	});

	it('holds 300 requests at 60/s to 5 seconds, within one interval', async () => {
		const { clock, runs } = setUp(60);
		const starts = await oneByOne(() => runs[0].acquire(), clock, 301);
		expect(starts[300]).toBeCloseTo(5000, 6);
	});

	it('never lets a late timer bunch two starts: each waits a whole interval after the one before', async () => {
		const { clock, runs } = setUp(60);
		const sleep = clock.sleep.bind(clock);
		clock.sleep = async (ms: number) => await sleep(ms + 3);
		const starts = await oneByOne(() => runs[0].acquire(), clock, 301);
		const gaps = starts.slice(1).map((time, index) => time - starts[index]);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000 / 60);
		// Lateness costs throughput (one timer's lateness per request), never the ceiling.
		expect(starts[300]).toBeLessThanOrEqual(300 * (1000 / 60 + 3) + 1);
	});

	it('does not wait when the rate is off (0)', async () => {
		const { clock, runs } = setUp(0);
		await oneByOne(() => runs[0].acquire(), clock, 100);
		expect(clock.sleeps).toEqual([]);
	});

	it('does not bank unused time: a request after a quiet spell goes at once, the next one waits', async () => {
		const { clock, runs } = setUp(2);
		await runs[0].acquire();
		clock.time += 10_000;
		await runs[0].acquire();
		await runs[0].acquire();
		expect(clock.sleeps).toEqual([250, 250]);
	});

	it('starts concurrent callers in call order, one interval apart', async () => {
		const { runs, started } = setUp(10);
		expect(await started(runs[0].acquire(), runs[0].acquire(), runs[0].acquire())).toEqual([0, 100, 200]);
	});

	it('after a 429 holds everyone until Retry-After and halves the rate', async () => {
		const { clock, pacer, runs } = setUp(8);
		await runs[0].acquire();
		runs[0].backOff(clock.now() + 3000);
		expect(pacer.rate).toBe(4);
		const before = clock.now();
		await runs[0].acquire();
		expect(clock.now() - before).toBe(3000);
		await runs[0].acquire();
		expect(clock.now() - before).toBe(3250);
	});

	it('with the rate off, a 429 still pauses everyone but sets no rate', async () => {
		const { clock, pacer, runs } = setUp(0);
		runs[0].backOff(clock.now() + 1500);
		await runs[0].acquire();
		await runs[0].acquire();
		expect(clock.slept).toBe(1500);
		expect(pacer.rate).toBe(0);
	});

	it('never slows below the floor', () => {
		const { clock, pacer, runs } = setUp(1);
		for (let i = 0; i < 20; i++) runs[0].backOff(clock.now());
		expect(pacer.rate).toBe(MIN_REQUESTS_PER_SECOND);
	});

	it('honours a rate set below the floor, before and after a 429', async () => {
		const { clock, pacer, runs } = setUp(0.05);
		const before = await oneByOne(() => runs[0].acquire(), clock, 3);
		expect(before).toEqual([0, 20_000, 40_000]);
		runs[0].backOff(clock.now());
		expect(pacer.rate).toBe(0.05);
	});
});

describe('Pacer, shared by runs (executions) of one account', () => {
	it('paces the requests of every run together, in the order they asked', async () => {
		const { runs, started } = setUp(2, 2);
		const [a, b] = runs;
		expect(await started(a.acquire(), b.acquire(), a.acquire(), b.acquire())).toEqual([0, 500, 1000, 1500]);
	});

	it('goes at the slowest rate any run asked for, and speeds up when that run leaves', async () => {
		const { clock, pacer, runs } = setUp(10, 2);
		const [fast, slow] = runs;
		expect(pacer.rate).toBe(2);
		expect(await oneByOne(() => fast.acquire(), clock, 3)).toEqual([0, 500, 1000]);
		slow.leave();
		expect(pacer.rate).toBe(10);
		const before = clock.now();
		await fast.acquire();
		expect(clock.now() - before).toBe(100);
	});

	it("a run without a limit is paced by the others' limit", async () => {
		const { runs, started } = setUp(0, 4);
		expect(await started(runs[0].acquire(), runs[0].acquire(), runs[0].acquire())).toEqual([0, 250, 500]);
	});

	it("one run's 429 pauses the others and slows them too", async () => {
		const { clock, pacer, runs, started } = setUp(4, 4);
		const [a, b] = runs;
		await a.acquire();
		a.backOff(clock.now() + 2000);
		const [first, second] = await started(b.acquire(), b.acquire());
		expect(first).toBe(2000);
		// Half the rate (500 ms apart), already climbing back, and slower than the 250 ms asked for.
		expect(second - first).toBeGreaterThan(400);
		expect(second - first).toBeLessThanOrEqual(500);
		expect(pacer.rate).toBeLessThan(4);
	});

	it('a cancelled request gives its turn to the next one', async () => {
		const { runs, started } = setUp(1, 1);
		const [a, b] = runs;
		const cancel = new AbortController();
		const first = a.acquire();
		const cancelled = a.acquire({ signal: cancel.signal });
		const next = b.acquire();
		cancel.abort();
		await expect(cancelled).rejects.toThrow('The execution was cancelled');
		expect(await started(first, next)).toEqual([0, 1000]);
	});

	it('refuses at once a request whose execution is already cancelled', async () => {
		const { runs } = setUp(1);
		const cancel = new AbortController();
		cancel.abort();
		await expect(runs[0].acquire({ signal: cancel.signal })).rejects.toThrow('The execution was cancelled');
	});
});

/** Starts requests back to back as fast as the pacer lets them, for `ms`; returns when each started. */
async function steady(acquire: () => Promise<unknown>, clock: ManualClock, ms: number): Promise<number[]> {
	const starts: number[] = [];
	const end = clock.now() + ms;
	while (clock.now() < end) {
		await acquire();
		starts.push(clock.now());
	}
	return starts;
}

const countIn = (starts: number[], from: number, to: number) => starts.filter((time) => time >= from && time < to).length;

describe('Pacer, recovering after a 429 while traffic goes on', () => {
	it('halves the rate, then climbs back to the set rate within one doubling time of the pause, never past it', async () => {
		const { clock, pacer, runs } = setUp(2, 2);
		const [a, b] = runs;
		await steady(() => a.acquire(), clock, 5000);
		const pauseEnd = clock.now() + 1000;
		b.backOff(pauseEnd);
		expect(pacer.rate).toBe(1);
		let turn = 0;
		const starts = await steady(async () => await (turn++ % 2 ? a : b).acquire(), clock, 45_000);
		// Whole again one doubling time after the pause, and at 90% of it within 0.85 of that time.
		clock.time = pauseEnd + 0.85 * RECOVERY_DOUBLING_MS;
		expect(pacer.rate).toBeGreaterThanOrEqual(0.9 * 2);
		clock.time = pauseEnd + RECOVERY_DOUBLING_MS;
		expect(pacer.rate).toBe(2);
		// 20–40 s after the 429: the set rate, never more in any second.
		expect(countIn(starts, pauseEnd + 19_000, pauseEnd + 39_000)).toBeGreaterThanOrEqual(0.9 * 2 * 20);
		for (let second = pauseEnd; second < pauseEnd + 44_000; second += 1000) {
			expect(countIn(starts, second, second + 1000)).toBeLessThanOrEqual(2);
		}
		expect(countIn(starts, pauseEnd - 1000, pauseEnd)).toBe(0);
	});

	it('still slows on every further 429, each halving from where the pace then is', () => {
		const { clock, pacer, runs } = setUp(8);
		runs[0].backOff(clock.now());
		expect(pacer.rate).toBe(4);
		runs[0].backOff(clock.now());
		expect(pacer.rate).toBe(2);
		clock.time += RECOVERY_DOUBLING_MS;
		expect(pacer.rate).toBe(4);
		runs[0].backOff(clock.now());
		expect(pacer.rate).toBe(2);
	});

	it('halves once for the 429s of requests that were in flight together (during one pause)', () => {
		const { clock, pacer, runs } = setUp(8);
		for (let i = 0; i < 5; i++) runs[0].backOff(clock.now() + 2000);
		expect(pacer.rate).toBe(4);
	});

	it('keeps the slowdown for the next execution when one leaves during it, and is whole once recovered', () => {
		const { clock, pacer, runs } = setUp(4);
		runs[0].backOff(clock.now() + 1000);
		runs[0].leave();
		const next = pacer.join(4);
		expect(pacer.rate).toBe(2);
		clock.time += 1000 + RECOVERY_DOUBLING_MS;
		expect(pacer.rate).toBe(4);
		next.leave();
	});
});

describe('Pacer, at a rate far above what is sent', () => {
	it('starts a request due within the timer resolution at once, without sleeping', async () => {
		const { clock, runs, started } = setUp(100_000);
		const times = await started(...Array.from({ length: 50 }, () => runs[0].acquire()));
		expect(clock.sleeps).toEqual([]);
		expect(new Set(times)).toEqual(new Set([0]));
	});

	it('still waits for a turn further off than the timer resolution', async () => {
		const { clock, runs } = setUp(500);
		await runs[0].acquire();
		await runs[0].acquire();
		expect(clock.sleeps).toEqual([2]);
	});
});

describe('AccountPacers, the pacers this process holds', () => {
	it('drops a pacer once nobody uses it and it has nothing left to enforce, and only then', async () => {
		const clock = new ManualClock();
		const pacers = new AccountPacers(clock);
		const run = pacers.join('https://p', 'MA1', 2);
		await run.acquire();
		run.backOff(clock.now() + 3000);
		run.leave();
		// Another account's run, which never sends: its pacer goes as it leaves, and MA1's is looked at.
		const other = () => pacers.join('https://p', 'MA2', 2).leave();
		other();
		expect(pacers.size).toBe(1);
		clock.time += 3000;
		other();
		expect(pacers.size).toBe(1); // the pause is over, the slowdown is not
		clock.time += RECOVERY_DOUBLING_MS * 7;
		other();
		expect(pacers.size).toBe(1); // recovered, but a run asking for the slowest rate would still be too close
		clock.time += MAX_INTERVAL_MS;
		other();
		expect(pacers.size).toBe(0);
	});

	it('keeps a pacer whose last request is within the slowest interval a run may ask for', async () => {
		const clock = new ManualClock();
		const pacers = new AccountPacers(clock);
		const run = pacers.join('https://p', 'MA1', 2);
		await run.acquire();
		run.leave();
		clock.time += MAX_INTERVAL_MS - 1;
		pacers.join('https://p', 'MA2', 0).leave();
		expect(pacers.size).toBe(1);
		clock.time += 1;
		pacers.join('https://p', 'MA2', 0).leave();
		expect(pacers.size).toBe(0);
	});

	it('keeps the schedule between single-item executions that follow each other', async () => {
		const clock = new ManualClock();
		const pacers = new AccountPacers(clock);
		const first = pacers.join('https://p', 'MA1', 2);
		await first.acquire();
		first.leave();
		const second = pacers.join('https://p', 'MA1', 2);
		const before = clock.now();
		await second.acquire();
		expect(clock.now() - before).toBe(500);
	});
});
