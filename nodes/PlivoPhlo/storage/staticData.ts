import type { ProcessKeys, SentKeys } from './inProcess';
import type { SentKeyStore } from './sentKeyStore';

/**
 * Keys in the workflow's static data, for n8n in one process. n8n saves static data when a production
 * execution ends; what executions running at the same time have claimed is known at once through the
 * process's shared keys. A key blocks its duplicates for `windowMinutes`, then it is forgotten.
 */
export class StaticDataStore implements SentKeyStore {
	private readonly windowMs: number;

	private readonly detach: () => void;

	constructor(
		private readonly sent: SentKeys,
		private readonly inProcess: ProcessKeys,
		windowMinutes: number,
		private readonly now: () => number,
	) {
		this.windowMs = windowMinutes * 60_000;
		this.detach = inProcess.attach(sent, this.now() - this.windowMs);
	}

	/** `sent` holds every key this process knows of: attached, it receives every claim made while it is open. */
	async claim(key: string): Promise<boolean> {
		const at = this.sent[key];
		if (at !== undefined && at >= this.now() - this.windowMs) return false;
		this.inProcess.claim(key, this.now());
		return true;
	}

	/** The claim already holds the key until the window ends. */
	async keep(): Promise<void> {}

	async release(key: string): Promise<void> {
		this.inProcess.release(key);
	}

	close(): void {
		this.detach();
	}
}
