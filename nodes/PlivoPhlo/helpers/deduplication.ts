/**
 * Remembers which keys were sent, so an item whose key was sent within the window is skipped.
 * The record lives in n8n's workflow static data: a plain object of key → time sent (ms).
 */
export type SentKeys = Record<string, number>;

export class DeduplicationWindow {
	private readonly windowMs: number;

	constructor(
		private readonly sent: SentKeys,
		windowMinutes: number,
		private readonly now: () => number,
	) {
		this.windowMs = windowMinutes * 60_000;
		const oldest = this.now() - this.windowMs;
		for (const [key, at] of Object.entries(sent)) {
			if (typeof at !== 'number' || at < oldest) delete sent[key];
		}
	}

	/**
	 * Claims the key for an item about to be sent; false when it was sent (or claimed by an earlier
	 * item of this run) within the window. Claiming before sending keeps concurrent items apart.
	 */
	claim(key: string): boolean {
		const at = this.sent[key];
		if (at !== undefined && at >= this.now() - this.windowMs) return false;
		this.sent[key] = this.now();
		return true;
	}

	/** The request certainly did nothing (not sent, or refused): the key may be used again. */
	release(key: string): void {
		delete this.sent[key];
	}
}
