/**
 * Keys in the order of the time they were claimed, at most `max` of them: past the bound the key
 * claimed longest ago is forgotten, whether it was claimed here or read back from a saved record.
 * Claims come in time order, so adding one costs nothing; keys read back (older, after a restart)
 * are merged into their place once per read.
 */
export class ClaimLog {
	private readonly byTime = new Map<string, number>();

	private newestAt = Number.NEGATIVE_INFINITY;

	constructor(private readonly max: number) {}

	get size(): number {
		return this.byTime.size;
	}

	get(key: string): number | undefined {
		return this.byTime.get(key);
	}

	entries(): IterableIterator<[string, number]> {
		return this.byTime.entries();
	}

	set(key: string, at: number): void {
		this.merge([[key, at]]);
	}

	/** Adds several keys, each at its claim time. */
	merge(added: Array<[string, number]>): void {
		for (const [key] of added) this.byTime.delete(key);
		const inOrder = added.every(([, at]) => at >= this.newestAt);
		const sorted = [...added].sort(([, a], [, b]) => a - b);
		if (inOrder) {
			for (const [key, at] of sorted) this.byTime.set(key, at);
		} else {
			const all = [...this.byTime, ...sorted].sort(([, a], [, b]) => a - b);
			this.byTime.clear();
			for (const [key, at] of all) this.byTime.set(key, at);
		}
		this.newestAt = Math.max(this.newestAt, ...sorted.map(([, at]) => at));
		this.dropOldest(() => this.byTime.size > this.max);
	}

	delete(key: string): void {
		this.byTime.delete(key);
	}

	/** Forgets the keys claimed before `time`. */
	forgetBefore(time: number): void {
		this.dropOldest((at) => at < time);
	}

	/** Deletes entries from the oldest while `drop` says so, then stops. */
	private dropOldest(drop: (at: number) => boolean): void {
		for (const [key, at] of this.byTime) {
			if (!drop(at)) return;
			this.byTime.delete(key);
		}
	}
}
