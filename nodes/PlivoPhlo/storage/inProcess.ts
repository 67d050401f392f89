/**
 * What the executions running in this n8n process share about Deduplication Keys, per workflow node
 * (`scope`). n8n gives each execution its own copy of static data, saved when it ends, and queues an
 * execution's calls to its processed-data store only behind that execution's own: without this,
 * executions running side by side would not see each other's keys.
 */
import { PROCESS_MAX_KEYS, SAVED_MAX_KEYS } from '../helpers/defaults';

/** A workflow's static data record of sent keys: key → time claimed (ms). */
export type SentKeys = Record<string, number>;

/** Deletes the first entries of an insertion-ordered map while `drop` says so, then stops. */
function dropOldest(map: Map<string, number>, drop: (at: number) => boolean): void {
	for (const [key, at] of map) {
		if (!drop(at)) return;
		map.delete(key);
	}
}

/**
 * The keys claimed in this process for one scope, and the static data records of the executions open
 * now. Keys are held in the order they were claimed, so forgetting the oldest costs only what is
 * forgotten: an execution's cost does not grow with the keys held. At most `PROCESS_MAX_KEYS` are held
 * in memory; the newest `SAVED_MAX_KEYS` are what an execution's static data carries when it is saved.
 */
export class ProcessKeys {
	private readonly claimed = new Map<string, number>();

	private readonly newest = new Map<string, number>();

	private readonly open = new Set<SentKeys>();

	private windowMs = 0;

	/** Nothing held and nobody attached: the scope can be dropped. */
	get unused(): boolean {
		return this.claimed.size === 0 && this.open.size === 0;
	}

	/** Keys held in memory now. */
	get size(): number {
		return this.claimed.size;
	}

	/** Forgets the keys claimed before `now - windowMs`, the window last asked for. */
	forgetExpired(now: number): void {
		const oldest = now - this.windowMs;
		dropOldest(this.claimed, (at) => at < oldest);
		dropOldest(this.newest, (at) => at < oldest);
	}

	/**
	 * An execution opens its static data record: keys it holds that this process does not know (saved
	 * before n8n restarted, or by another process) become known here, and from now on every claim is
	 * written into it too. Returns what closes it again: the record is then cut down to the newest keys,
	 * so that what n8n saves and reads back for every execution stays small.
	 */
	attach(record: SentKeys, windowMs: number, now: number): () => void {
		this.windowMs = windowMs;
		this.forgetExpired(now);
		const oldest = now - windowMs;
		const known = Object.entries(record)
			.filter(([key, at]) => typeof at === 'number' && at >= oldest && !this.claimed.has(key))
			.sort(([, a], [, b]) => a - b);
		for (const [key, at] of known) this.remember(key, at);
		this.open.add(record);
		return () => {
			this.open.delete(record);
			for (const key of Object.keys(record)) if (!this.newest.has(key)) delete record[key];
			for (const [key, at] of this.newest) if (record[key] !== at) record[key] = at;
		};
	}

	/** When the key was claimed, if it is held and within the window. */
	claimedAt(key: string, now: number): number | undefined {
		const at = this.claimed.get(key);
		return at !== undefined && at >= now - this.windowMs ? at : undefined;
	}

	claim(key: string, at: number): void {
		this.remember(key, at);
		for (const record of this.open) record[key] = at;
	}

	release(key: string): void {
		this.claimed.delete(key);
		this.newest.delete(key);
		for (const record of this.open) delete record[key];
	}

	private remember(key: string, at: number): void {
		for (const [map, max] of [
			[this.claimed, PROCESS_MAX_KEYS],
			[this.newest, SAVED_MAX_KEYS],
		] as const) {
			map.delete(key);
			map.set(key, at);
			if (map.size > max) dropOldest(map, () => map.size > max);
		}
	}
}

/** Every scope this process holds keys for, and the turns of its store calls. */
export class ProcessDeduplication {
	private readonly scopes = new Map<string, ProcessKeys>();

	private readonly turns = new Map<string, Promise<void>>();

	constructor(private readonly now: () => number) {}

	/** Scopes and store turns held now. */
	get size(): { scopes: number; turns: number } {
		return { scopes: this.scopes.size, turns: this.turns.size };
	}

	/** The keys of one scope; scopes left with no key and nobody attached are dropped first. */
	keysOf(scope: string): ProcessKeys {
		const now = this.now();
		for (const [name, keys] of this.scopes) {
			keys.forgetExpired(now);
			if (keys.unused && name !== scope) this.scopes.delete(name);
		}
		let keys = this.scopes.get(scope);
		if (!keys) {
			keys = new ProcessKeys();
			this.scopes.set(scope, keys);
		}
		return keys;
	}

	/** Runs the store calls of one scope one at a time, across every execution of this process. */
	async inTurn<T>(scope: string, task: () => Promise<T>): Promise<T> {
		const result = (this.turns.get(scope) ?? Promise.resolve()).then(task, task);
		const settled: Promise<void> = result.then(
			() => this.endTurn(scope, settled),
			() => this.endTurn(scope, settled),
		);
		this.turns.set(scope, settled);
		return await result;
	}

	private endTurn(scope: string, turn: Promise<void>): void {
		if (this.turns.get(scope) === turn) this.turns.delete(scope);
	}
}

export const processDeduplication = new ProcessDeduplication(() => Date.now());
