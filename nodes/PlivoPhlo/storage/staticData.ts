import type { SentKeyStore } from './sentKeyStore';

/** The record kept in the workflow's static data: a plain object of key → time claimed (ms). */
export type SentKeys = Record<string, number>;

/**
 * Keys in the workflow's static data, for n8n in one process: n8n saves it when a production
 * execution ends. A key blocks its duplicates for `windowMinutes`, then it is forgotten.
 */
export class StaticDataStore implements SentKeyStore {
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

	async claim(key: string): Promise<boolean> {
		const at = this.sent[key];
		if (at !== undefined && at >= this.now() - this.windowMs) return false;
		this.sent[key] = this.now();
		return true;
	}

	/** The claim already holds the key until the window ends. */
	async keep(): Promise<void> {}

	async release(key: string): Promise<void> {
		delete this.sent[key];
	}
}
