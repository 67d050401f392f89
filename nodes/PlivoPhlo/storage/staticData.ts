import type { ProcessKeys, SentKeys } from './inProcess';
import type { SentKeyStore } from './sentKeyStore';

/**
 * Keys for n8n in one process: held in the process's memory for the window, and the newest of them in
 * the workflow's static data, which n8n saves when a production execution ends and which brings them
 * back after n8n restarts. What executions running at the same time have claimed is known at once
 * through the process's shared keys. A key blocks its duplicates for `windowMinutes`, then it is
 * forgotten.
 */
export class StaticDataStore implements SentKeyStore {
	private readonly detach: () => void;

	constructor(
		sent: SentKeys,
		private readonly inProcess: ProcessKeys,
		windowMinutes: number,
		private readonly now: () => number,
	) {
		this.detach = inProcess.attach(sent, windowMinutes * 60_000, this.now());
	}

	async claim(key: string): Promise<boolean> {
		const now = this.now();
		if (this.inProcess.claimedAt(key, now) !== undefined) return false;
		this.inProcess.claim(key, now);
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
