/** What the pacer and its callers exchange. */

/** Time as the pacer sees it; production passes the real clock, tests a controlled one. */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

/** How far off a request's turn is when it asks. */
export interface TurnEstimate {
	/** Requests waiting for their turn. */
	waiting: number;
	turnInMs: number;
	/** The pace now. */
	requestsPerSecond: number;
}

/** Why a request was not given a turn: it would have waited longer than it may. */
export interface TurnRefused extends TurnEstimate {
	/** When to ask again: after the requests waiting and those refused before it, at the current pace. */
	retryInMs: number;
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
	/** How far off the turn of a request asking now would be; changes nothing (a dry run). */
	peek(): TurnEstimate;
	/** Plivo answered 429: nobody starts before `until`, and the pace halves, then climbs back. */
	backOff(until: number): void;
	/** The run is over: its rate stops counting. */
	leave(): void;
}
