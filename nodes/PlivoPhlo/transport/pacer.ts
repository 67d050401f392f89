/** Time as the pacer sees it; production passes the real clock, tests a controlled one. */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

/** The slowest the pacer goes after repeated 429s: one request every ten seconds. */
export const MIN_REQUESTS_PER_SECOND = 0.1;

/**
 * After a 429's pause the pace climbs back, doubling this often while no other 429 comes: a halved
 * rate is whole again this long after the pause, and at 90% of it after 0.85 of it.
 */
export const RECOVERY_DOUBLING_MS = 5_000;

/** The most a run of 429s slows the pace (before the floor above applies). */
const MAX_SLOWDOWN = 64;

/** A request due sooner than this starts at once: a timer cannot wait less, it would cost a whole tick. */
const TIMER_RESOLUTION_MS = 1;

/** While it waits, the pacer looks again this often, so that a user leaving or a 429 takes effect promptly. */
const RECHECK_MS = 250;

/** One run's use of a pacer: its requested rate counts while it is joined. */
export interface PacerLease {
	/** Resolves when a request may start; rejects, giving its turn to the next, if `signal` aborts first. */
	acquire(signal?: AbortSignal): Promise<void>;
	/** Plivo answered 429: nobody starts before `until`, and the pace halves, then climbs back. */
	backOff(until: number): void;
	/** The run is over: its rate stops counting. */
	leave(): void;
}

interface Waiter {
	start(): void;
}

/**
 * Paces the requests of every run that shares it: they start one at a time, in the order they asked,
 * evenly spaced at the slowest rate any joined run asked for (0 means no limit), and none while Plivo
 * has asked to wait. Unused time is not banked: after a quiet spell the next request goes at once.
 *
 * A 429 halves the pace, once per pause however many requests in flight meet it, as TCP halves its
 * window once per loss; from the pause's end the pace doubles back every `RECOVERY_DOUBLING_MS`
 * without a 429, up to the rate asked for and never past it.
 */
export class Pacer {
	private readonly rates = new Map<symbol, number>();

	private readonly waiting: Waiter[] = [];

	private lastStart = Number.NEGATIVE_INFINITY;

	private pausedUntil = Number.NEGATIVE_INFINITY;

	/** The slowdown the last 429 set, which applies in full until `recoveryFrom` and then wears off. */
	private slowdownSet = 1;

	private recoveryFrom = Number.NEGATIVE_INFINITY;

	private pumping = false;

	constructor(private readonly clock: Clock) {}

	private slowdownAt(now: number): number {
		if (now < this.recoveryFrom) return this.slowdownSet;
		return Math.max(1, this.slowdownSet / 2 ** ((now - this.recoveryFrom) / RECOVERY_DOUBLING_MS));
	}

	/** Requests per second now: the slowest joined rate, slowed after 429s; 0 when nobody limits. */
	get rate(): number {
		const limited = [...this.rates.values()].filter((rate) => rate > 0);
		if (limited.length === 0) return 0;
		return Math.max(MIN_REQUESTS_PER_SECOND, Math.min(...limited) / this.slowdownAt(this.clock.now()));
	}

	/**
	 * Nobody is joined or waiting, and a new run would find nothing of this pacer's past in its way: no
	 * pause, no slowdown, and the last start further back than the slowest interval. It can be dropped.
	 */
	get idle(): boolean {
		const now = this.clock.now();
		return (
			this.rates.size === 0 &&
			this.waiting.length === 0 &&
			now >= this.pausedUntil &&
			this.slowdownAt(now) === 1 &&
			now - this.lastStart >= 1000 / MIN_REQUESTS_PER_SECOND
		);
	}

	join(requestsPerSecond: number): PacerLease {
		const lease = Symbol('run');
		this.rates.set(lease, requestsPerSecond);
		return {
			acquire: async (signal) => await this.acquire(signal),
			backOff: (until) => this.backOff(until),
			leave: () => {
				this.rates.delete(lease);
			},
		};
	}

	private backOff(until: number): void {
		const now = this.clock.now();
		if (now >= this.pausedUntil) this.slowdownSet = Math.min(MAX_SLOWDOWN, this.slowdownAt(now) * 2);
		this.pausedUntil = Math.max(this.pausedUntil, until);
		this.recoveryFrom = this.pausedUntil;
	}

	/**
	 * A request that starts a little after its time keeps the schedule, so that timer lateness does not
	 * add up over a run; one that starts after a quiet spell begins a new schedule.
	 */
	private markStart(): void {
		const now = this.clock.now();
		const due = this.earliestStart();
		const rate = this.rate;
		this.lastStart = rate > 0 && now - due < 1000 / rate ? due : now;
	}

	private earliestStart(): number {
		const rate = this.rate;
		return Math.max(this.pausedUntil, rate > 0 ? this.lastStart + 1000 / rate : this.pausedUntil);
	}

	private waitFor(): number {
		const wait = this.earliestStart() - this.clock.now();
		return wait < TIMER_RESOLUTION_MS ? 0 : wait;
	}

	private async acquire(signal?: AbortSignal): Promise<void> {
		if (signal?.aborted) throw new Error('The execution was cancelled');
		if (this.waiting.length === 0 && this.waitFor() === 0) {
			this.markStart();
			return;
		}
		await new Promise<void>((resolve, reject) => {
			const cancel = () => {
				const place = this.waiting.indexOf(waiter);
				if (place >= 0) this.waiting.splice(place, 1);
				reject(new Error('The execution was cancelled'));
			};
			const waiter: Waiter = {
				start: () => {
					signal?.removeEventListener('abort', cancel);
					resolve();
				},
			};
			signal?.addEventListener('abort', cancel, { once: true });
			this.waiting.push(waiter);
			void this.pump();
		});
	}

	/** Starts the waiting requests one by one, each at its time; only one pump runs at a time. */
	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.waiting.length > 0) {
				const wait = this.waitFor();
				if (wait > 0) {
					await this.clock.sleep(Math.min(wait, RECHECK_MS));
					continue;
				}
				this.markStart();
				this.waiting.shift()?.start();
			}
		} finally {
			this.pumping = false;
		}
	}
}
