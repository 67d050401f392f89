/**
 * What the executions running in this n8n process share about Deduplication Keys, per workflow node
 * (`scope`). n8n gives each execution its own copy of static data, saved when it ends, and queues an
 * execution's calls to its processed-data store only behind that execution's own: without this,
 * executions running side by side would not see each other's keys.
 */

/** A workflow's static data record of sent keys: key → time claimed (ms). */
export type SentKeys = Record<string, number>;

/** The keys claimed in this process for one scope, and the static data records of the executions open now. */
export class ProcessKeys {
	private readonly claimed = new Map<string, number>();

	private readonly open = new Set<SentKeys>();

	/**
	 * An execution opens its static data record: keys older than `oldest` are forgotten, the keys this
	 * process holds are copied in, and from now on every claim is written into it too, so whichever
	 * execution n8n saves last carries every key. Returns what closes it again.
	 */
	attach(record: SentKeys, oldest: number): () => void {
		for (const [key, at] of this.claimed) if (at < oldest) this.claimed.delete(key);
		for (const [key, at] of Object.entries(record)) if (typeof at !== 'number' || at < oldest) delete record[key];
		for (const [key, at] of this.claimed) record[key] = Math.max(at, record[key] ?? at);
		this.open.add(record);
		return () => this.open.delete(record);
	}

	claim(key: string, at: number): void {
		this.claimed.set(key, at);
		for (const record of this.open) record[key] = at;
	}

	release(key: string): void {
		this.claimed.delete(key);
		for (const record of this.open) delete record[key];
	}
}

const processKeys = new Map<string, ProcessKeys>();

export function processKeysOf(scope: string): ProcessKeys {
	let keys = processKeys.get(scope);
	if (!keys) {
		keys = new ProcessKeys();
		processKeys.set(scope, keys);
	}
	return keys;
}

const turns = new Map<string, Promise<unknown>>();

/** Runs the store calls of one scope one at a time, across every execution of this process. */
export async function inTurn<T>(scope: string, task: () => Promise<T>): Promise<T> {
	const result = (turns.get(scope) ?? Promise.resolve()).then(task, task);
	turns.set(
		scope,
		result.catch(() => undefined),
	);
	return await result;
}
