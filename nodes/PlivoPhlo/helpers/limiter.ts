/** Time as the limiter sees it; production passes the real clock, tests a controlled one. */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

/** The slowest the limiter goes after repeated 429s: one request every ten seconds. */
export const MIN_REQUESTS_PER_SECOND = 0.1;

/**
 * Spaces requests evenly at `requestsPerSecond` (0 turns spacing off) and holds every request
 * while Plivo has asked to wait. Slots are reserved in call order, so concurrent callers never
 * start closer together than the interval.
 */
export class RateLimiter {
	private nextSlot = 0;

	private pausedUntil = 0;

	constructor(
		private requestsPerSecond: number,
		private readonly clock: Clock,
	) {}

	get rate(): number {
		return this.requestsPerSecond;
	}

	async acquire(): Promise<void> {
		const now = this.clock.now();
		let start = Math.max(now, this.pausedUntil);
		if (this.requestsPerSecond > 0) {
			start = Math.max(start, this.nextSlot);
			this.nextSlot = start + 1000 / this.requestsPerSecond;
		}
		if (start > now) await this.clock.sleep(start - now);
	}

	/** Plivo answered 429: nobody starts before `until`, and a limited rate is halved for the rest of the run. */
	backOff(until: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, until);
		if (this.requestsPerSecond > 0) {
			this.requestsPerSecond = Math.max(MIN_REQUESTS_PER_SECOND, this.requestsPerSecond / 2);
		}
	}
}
