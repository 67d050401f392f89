/**
 * Counting what reached "Plivo", without I/O: per key (each event, each contact, against how many times
 * it was expected) and per sliding window of time. The suites, the benchmarks and the soak's judgement
 * read the simulator's record with these (`./bursts` re-exports them).
 */

/** The most times in any window [t, t + windowMs) that starts at one of them. */
export function mostInWindow(times: number[], windowMs: number): number {
	const sorted = [...times].sort((a, b) => a - b);
	let most = 0;
	for (let start = 0, end = 0; start < sorted.length; start++) {
		while (end < sorted.length && sorted[end] < sorted[start] + windowMs) end++;
		most = Math.max(most, end - start);
	}
	return most;
}

/** How many times each key occurs (a destination dialled, an event accepted); undefined keys are not counted. */
export function timesSeen(keys: ReadonlyArray<string | undefined>): Map<string, number> {
	const times = new Map<string, number>();
	for (const key of keys) if (key !== undefined) times.set(key, (times.get(key) ?? 0) + 1);
	return times;
}

/** Each expected key against what was seen: exactly once, more than once, never; and keys nobody expected. */
export interface OncePerKey {
	expected: number;
	exactlyOnce: number;
	moreThanOnce: Array<{ key: string; times: number }>;
	missing: string[];
	unexpected: Array<{ key: string; times: number }>;
}

/** Counts per key, not in total: a key seen twice and another never seen do not cancel out. */
export function oncePerKey(expected: readonly string[], seen: ReadonlyArray<string | undefined>): OncePerKey {
	const times = timesSeen(seen);
	const wanted = new Set(expected);
	const moreThanOnce = expected.filter((key) => (times.get(key) ?? 0) > 1).map((key) => ({ key, times: times.get(key) ?? 0 }));
	const missing = expected.filter((key) => !times.has(key));
	const unexpected = [...times].filter(([key]) => !wanted.has(key)).map(([key, count]) => ({ key, times: count }));
	return { expected: expected.length, exactlyOnce: expected.length - moreThanOnce.length - missing.length, moreThanOnce, missing, unexpected };
}

export const eachOnce = (tally: OncePerKey): boolean => tally.exactlyOnce === tally.expected && tally.unexpected.length === 0;

/** At most this many keys are named for each kind of exception. */
const NAMED = 10;
const named = (keys: string[]) => `${keys.slice(0, NAMED).join(', ')}${keys.length > NAMED ? `, and ${keys.length - NAMED} more` : ''}`;

/** What was found, e.g. "5000 of 5000 accepted exactly once; 0 more than once; 0 missing", naming the exceptions. */
export function describeOncePerKey(tally: OncePerKey, verb: string): string {
	const parts = [
		`${tally.exactlyOnce} of ${tally.expected} ${verb} exactly once`,
		`${tally.moreThanOnce.length} more than once${tally.moreThanOnce.length ? ` (${named(tally.moreThanOnce.map(({ key, times }) => `${key} ×${times}`))})` : ''}`,
		`${tally.missing.length} missing${tally.missing.length ? ` (${named(tally.missing)})` : ''}`,
	];
	if (tally.unexpected.length) parts.push(`${tally.unexpected.length} not expected (${named(tally.unexpected.map(({ key, times }) => `${key} ×${times}`))})`);
	return parts.join('; ');
}

