import { MIN_REQUESTS_PER_SECOND, RateLimiter, type Clock } from '../../nodes/PlivoPhlo/helpers/limiter';
import { runPool } from '../../nodes/PlivoPhlo/helpers/pool';

/** A clock that moves only when someone sleeps: every wait is recorded, nothing depends on real time. */
class ManualClock implements Clock {
	time = 1_000_000;

	readonly sleeps: number[] = [];

	now(): number {
		return this.time;
	}

	async sleep(ms: number): Promise<void> {
		this.sleeps.push(ms);
		this.time += ms;
	}
}

async function startTimes(limiter: RateLimiter, clock: ManualClock, count: number): Promise<number[]> {
	const starts: number[] = [];
	for (let i = 0; i < count; i++) {
		await limiter.acquire();
		starts.push(clock.now());
	}
	return starts;
}

describe('RateLimiter', () => {
	it('spaces requests evenly at the set rate', async () => {
		const clock = new ManualClock();
		const limiter = new RateLimiter(4, clock);
		const starts = await startTimes(limiter, clock, 5);
		expect(starts.map((t) => t - starts[0])).toEqual([0, 250, 500, 750, 1000]);
	});

	it('holds 300 requests at 60/s to 5 seconds, within one interval', async () => {
		const clock = new ManualClock();
		const limiter = new RateLimiter(60, clock);
		const starts = await startTimes(limiter, clock, 301);
		expect(starts[300] - starts[0]).toBeCloseTo(5000, 6);
	});

	it('does not wait when the rate is off (0)', async () => {
		const clock = new ManualClock();
		const limiter = new RateLimiter(0, clock);
		await startTimes(limiter, clock, 100);
		expect(clock.sleeps).toEqual([]);
	});

	it('does not bank unused time: a request after a quiet spell goes at once, the next one waits', async () => {
		const clock = new ManualClock();
		const limiter = new RateLimiter(2, clock);
		await limiter.acquire();
		clock.time += 10_000;
		await limiter.acquire();
		await limiter.acquire();
		expect(clock.sleeps).toEqual([500]);
	});

	it('reserves slots in call order for concurrent callers', async () => {
		const clock = new ManualClock();
		const limiter = new RateLimiter(10, clock);
		const begin = clock.now();
		const slots: number[] = [];
		const originalSleep = clock.sleep.bind(clock);
		clock.sleep = async (ms: number) => {
			slots.push(clock.now() + ms - begin);
		};
		await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
		clock.sleep = originalSleep;
		expect(slots).toEqual([100, 200]);
	});

	it('after a 429 holds everyone until Retry-After and halves the rate', async () => {
		const clock = new ManualClock();
		const limiter = new RateLimiter(8, clock);
		await limiter.acquire();
		limiter.backOff(clock.now() + 3000);
		expect(limiter.rate).toBe(4);
		const before = clock.now();
		await limiter.acquire();
		expect(clock.now() - before).toBe(3000);
		await limiter.acquire();
		expect(clock.now() - before).toBe(3250);
	});

	it('with the rate off, a 429 still pauses everyone but sets no rate', async () => {
		const clock = new ManualClock();
		const limiter = new RateLimiter(0, clock);
		limiter.backOff(clock.now() + 1500);
		await limiter.acquire();
		await limiter.acquire();
		expect(clock.sleeps).toEqual([1500]);
		expect(limiter.rate).toBe(0);
	});

	it('never slows below the floor', () => {
		const limiter = new RateLimiter(1, new ManualClock());
		for (let i = 0; i < 20; i++) limiter.backOff(0);
		expect(limiter.rate).toBe(MIN_REQUESTS_PER_SECOND);
	});
});

describe('runPool', () => {
	it('never runs more than the concurrency and runs every index once', async () => {
		let running = 0;
		let peak = 0;
		const seen: number[] = [];
		await runPool(
			50,
			5,
			async (index) => {
				running++;
				peak = Math.max(peak, running);
				await Promise.resolve();
				await new Promise<void>((resolve) => setImmediate(resolve));
				seen.push(index);
				running--;
			},
			() => false,
		);
		expect(peak).toBe(5);
		expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
	});

	it('starts nothing new once told to stop', async () => {
		const started: number[] = [];
		await runPool(
			10,
			2,
			async (index) => {
				started.push(index);
			},
			() => started.length >= 3,
		);
		expect(started).toEqual([0, 1, 2]);
	});

	it('handles zero items', async () => {
		const task = jest.fn(async () => undefined);
		await runPool(0, 4, task, () => false);
		expect(task).not.toHaveBeenCalled();
	});
});
