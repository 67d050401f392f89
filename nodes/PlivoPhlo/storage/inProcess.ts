/**
 * What the executions running in this n8n process share about Deduplication Keys, per workflow node
 * (`scope`). n8n gives each execution its own copy of static data, saved when it ends, and queues an
 * execution's calls to its processed-data store only behind that execution's own: without this,
 * executions running side by side would not see each other's keys.
 */
import { PROCESS_MAX_KEYS, SAVED_MAX_KEYS } from '../helpers/defaults';
import { ClaimLog } from './claimLog';

/** A workflow's static data record of sent keys, as n8n saves it: key → time claimed (ms). */
export type SentKeys = Record<string, number>;

const isClaimTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * The keys claimed in this process for one scope, in claim-time order: at most `PROCESS_MAX_KEYS` in
 * memory, of which the newest `SAVED_MAX_KEYS` are what a saved record holds. Released keys are
 * remembered with the time of the claim released, so that a record saved before the release cannot
 * bring them back.
 */
export class ProcessKeys {
	private readonly claimed = new ClaimLog(PROCESS_MAX_KEYS);

	private readonly newest = new ClaimLog(SAVED_MAX_KEYS);

	private readonly released = new ClaimLog(PROCESS_MAX_KEYS);

	private windowMs = 0;

	private openRuns = 0;

	/** Nothing held and nobody running with it: the scope can be dropped. */
	get unused(): boolean {
		return this.claimed.size === 0 && this.released.size === 0 && this.openRuns === 0;
	}

	/** Keys held in memory now. */
	get size(): number {
		return this.claimed.size;
	}

	/** Forgets the keys claimed before `now - windowMs`, the window last asked for. */
	forgetExpired(now: number): void {
		for (const log of [this.claimed, this.newest, this.released]) log.forgetBefore(now - this.windowMs);
	}

	/**
	 * An execution opens the scope with the record n8n read for it: keys saved there (before n8n
	 * restarted, or by another process) that this process does not hold become known here, in their
	 * place by claim time, unless they were released here since. Returns what closes it again.
	 */
	open(record: unknown, windowMs: number, now: number): () => void {
		this.windowMs = windowMs;
		this.forgetExpired(now);
		const saved = typeof record === 'object' && record !== null ? Object.entries(record) : [];
		const learnt = saved.filter(
			(entry): entry is [string, number] =>
				isClaimTime(entry[1]) &&
				entry[1] >= now - windowMs &&
				this.claimed.get(entry[0]) === undefined &&
				!((this.released.get(entry[0]) ?? Number.NEGATIVE_INFINITY) >= entry[1]),
		);
		this.claimed.merge(learnt);
		this.newest.merge(learnt);
		this.openRuns++;
		let closed = false;
		return () => {
			if (!closed) this.openRuns--;
			closed = true;
		};
	}

	/** When the key was claimed, if it is held and within the window. */
	claimedAt(key: string, now: number): number | undefined {
		const at = this.claimed.get(key);
		return at !== undefined && at >= now - this.windowMs ? at : undefined;
	}

	claim(key: string, at: number): void {
		this.released.delete(key);
		this.claimed.set(key, at);
		this.newest.set(key, at);
	}

	release(key: string): void {
		const at = this.claimed.get(key);
		this.claimed.delete(key);
		this.newest.delete(key);
		if (at !== undefined) this.released.set(key, at);
	}

	/** What a record saved now holds: the newest keys within the window. */
	saved(now: number): SentKeys {
		this.forgetExpired(now);
		return Object.fromEntries(this.newest.entries());
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
