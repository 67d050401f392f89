/**
 * Remembers which keys were sent, so an item whose key was sent before is skipped. Two stores share
 * one contract: the workflow's static data (one n8n process) and n8n's database (shared by main and
 * every worker in queue mode).
 */

export interface Claim {
	claimed: boolean;
}

/** How a claimed key's request ended: `released` frees the key, since Plivo certainly did nothing. */
export interface Settlement {
	state: 'sent' | 'unknown' | 'released';
}

export interface SentKeyStore {
	/** Claims the key for an item about to be sent; refused when it was sent (or claimed) before. Claiming before sending keeps concurrent items apart. */
	claim(key: string): Promise<Claim>;
	settle(key: string, settlement: Settlement): Promise<void>;
}

/** The record kept in static data: a plain object of key → time sent (ms). */
export type SentKeys = Record<string, number>;

export class DeduplicationWindow implements SentKeyStore {
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

	async claim(key: string): Promise<Claim> {
		const at = this.sent[key];
		if (at !== undefined && at >= this.now() - this.windowMs) return { claimed: false };
		this.sent[key] = this.now();
		return { claimed: true };
	}

	async settle(key: string, settlement: Settlement): Promise<void> {
		if (settlement.state === 'released') delete this.sent[key];
	}
}
