/**
 * After a 429's pause the pace climbs back, doubling this often while no other 429 comes: a halved
 * rate is whole again this long after the pause, and at 90% of it after 0.85 of it.
 */
export const RECOVERY_DOUBLING_MS = 5_000;

/** The most a run of 429s slows the pace (before the floor the pacer applies). */
const MAX_SLOWDOWN = 64;

/**
 * What Plivo's 429s leave on an account's pace. Nobody starts before the pause ends; the pace is
 * halved once per pause, however many requests in flight meet it, as TCP halves its window once per
 * loss; from the pause's end it doubles back every `RECOVERY_DOUBLING_MS` without a 429. A 429 after
 * the pause halves again from wherever the pace then is.
 */
export class RateSlowdown {
	pausedUntil = Number.NEGATIVE_INFINITY;

	/** The slowdown the last 429 set, which applies in full until `recoveryFrom` and then wears off. */
	private slowdownSet = 1;

	private recoveryFrom = Number.NEGATIVE_INFINITY;

	/** How many times slower than asked the pace goes now: 1 when recovered. */
	factorAt(now: number): number {
		if (now < this.recoveryFrom) return this.slowdownSet;
		return Math.max(1, this.slowdownSet / 2 ** ((now - this.recoveryFrom) / RECOVERY_DOUBLING_MS));
	}

	backOff(now: number, until: number): void {
		if (now >= this.pausedUntil) this.slowdownSet = Math.min(MAX_SLOWDOWN, this.factorAt(now) * 2);
		this.pausedUntil = Math.max(this.pausedUntil, until);
		this.recoveryFrom = this.pausedUntil;
	}

	/** No pause and no slowdown left. */
	settled(now: number): boolean {
		return now >= this.pausedUntil && this.factorAt(now) === 1;
	}
}
