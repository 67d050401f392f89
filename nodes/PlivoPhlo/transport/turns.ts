/** What the pacer and its callers exchange. */

/** Time as the pacer sees it; production passes the real clock, tests a controlled one. */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

/** Why a request was not given a turn: it would have waited longer than it may. */
export interface TurnRefused {
	/** Requests waiting for their turn when it asked. */
	waiting: number;
	/** How far off its turn was. */
	turnInMs: number;
	/** When to ask again: after the requests waiting and those refused before it, at the current pace. */
	retryInMs: number;
	/** The pace now. */
	requestsPerSecond: number;
}

export interface BacklogReport {
	executions: number;
	requests: number;
	requestsPerSecond: number;
}

export interface TurnOptions {
	signal?: AbortSignal;
	/** Refuse at once, rather than wait, when the turn is further off than this. */
	maxWaitMs?: number;
}

/** One run's use of a pacer: its requested rate counts while it is joined. */
export interface PacerLease {
	/** Resolves when a request may start, or with why it was refused; rejects if `signal` aborts first. */
	acquire(options?: TurnOptions): Promise<TurnRefused | undefined>;
	/** Plivo answered 429: nobody starts before `until`, and the pace halves, then climbs back. */
	backOff(until: number): void;
	/** The run is over: its rate stops counting. */
	leave(): void;
}
