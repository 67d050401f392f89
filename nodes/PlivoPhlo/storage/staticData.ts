import type { IDataObject } from 'n8n-workflow';

import type { ProcessKeys, SentKeys } from './inProcess';
import type { SentKeyStore } from './sentKeyStore';

/** Where the node keeps its keys in its static data. */
const STATIC_DATA_KEY = 'plivoPhloSentKeys';

/**
 * What the node leaves in an execution's static data. n8n saves the static data of every execution
 * that changed it, whole, when the execution ends, and the execution that ends last wins; so the
 * record is written out when n8n saves it (JSON.stringify calls `toJSON`), from what the process holds
 * at that moment: the newest keys claimed by every execution until then, none released. Whichever
 * execution n8n saves last, and whenever its Plivo node ran, the saved record is the newest.
 */
class SavedKeys {
	constructor(
		private readonly keys: () => ProcessKeys,
		private readonly now: () => number,
	) {}

	toJSON(): SentKeys {
		return this.keys().saved(this.now());
	}
}

/**
 * Keys for n8n in one process: held in the process's memory for the window, and the newest of them in
 * the workflow's static data, which brings them back after n8n restarts. What executions running at
 * the same time have claimed is known at once through the process's shared keys. A key blocks its
 * duplicates for `windowMinutes`, then it is forgotten.
 */
export class StaticDataStore implements SentKeyStore {
	private readonly inProcess: ProcessKeys;

	private readonly closeScope: () => void;

	/** `keysOf` finds the scope's keys in the process, now and when n8n saves the record. */
	constructor(nodeStaticData: IDataObject, keysOf: () => ProcessKeys, windowMinutes: number, private readonly now: () => number) {
		this.inProcess = keysOf();
		this.closeScope = this.inProcess.open(nodeStaticData[STATIC_DATA_KEY], windowMinutes * 60_000, this.now());
		nodeStaticData[STATIC_DATA_KEY] = new SavedKeys(keysOf, now) as unknown as IDataObject;
	}

	async wouldSkip(key: string): Promise<boolean> {
		return this.inProcess.claimedAt(key, this.now()) !== undefined;
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
		this.closeScope();
	}
}
