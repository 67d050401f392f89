import { MIN_RATE_SETTING } from '../helpers/defaults';
import { RateSlowdown } from './slowdown';
import { TurnQueue } from './turnQueue';
import type { BacklogReport, Clock, PacerLease, TurnEstimate, TurnOptions, TurnRefused } from './turns';

/** The slowest repeated 429s take the pace, unless the rate asked for is slower still. */
export const MIN_REQUESTS_PER_SECOND = 0.1;

/**
 * The longest interval a run may ask for (the slowest rate the option accepts): a pacer keeps its last
 * start this long, so that no setting sees two starts closer than its interval.
 */
export const MAX_INTERVAL_MS = 1000 / MIN_RATE_SETTING;

/** The clock counts whole milliseconds: intervals shorter than one are kept by starting together those due within it. */
const TIMER_RESOLUTION_MS = 1;

/** While more executions than this wait for their turn on one account, the operator is told, at most once a minute. */
export const BACKLOG_WARNING_EXECUTIONS = 20;
const BACKLOG_WARNING_EVERY_MS = 60_000;

/**
 * Paces the requests of every run that shares it: they start one at a time, in the order they asked,
 * at the slowest rate any joined run asked for (0 means no limit), and none while Plivo has asked to
 * wait (`RateSlowdown`). The rate is a ceiling: no two requests start closer than its interval, so no
 * second holds more; a timer firing late delays the next start rather than bunching two together.
 */
export class Pacer {
	private readonly rates = new Map<symbol, number>();

	private readonly queue: TurnQueue = new TurnQueue(this.clock, {
		waitFor: (now) => this.waitFor(now),
		markStart: (now) => this.markStart(now),
	});

	private readonly slowdown = new RateSlowdown();

	private lastStart = Number.NEGATIVE_INFINITY;

	private refusedUntil = Number.NEGATIVE_INFINITY;

	private lastWarning = Number.NEGATIVE_INFINITY;

	constructor(private readonly clock: Clock) {}

	/** Requests per second now: the slowest joined rate, slowed after 429s down to the floor; 0 when nobody limits. */
	get rate(): number {
		const limited = [...this.rates.values()].filter((rate) => rate > 0);
		if (limited.length === 0) return 0;
		const asked = Math.min(...limited);
		return Math.max(Math.min(MIN_REQUESTS_PER_SECOND, asked), asked / this.slowdown.factorAt(this.clock.now()));
	}

	/** Nobody is joined or waiting, and a new run would find nothing of this pacer's past in its way. */
	get idle(): boolean {
		const now = this.clock.now();
		return this.rates.size === 0 && this.queue.length === 0 && this.slowdown.settled(now) && now - this.lastStart >= MAX_INTERVAL_MS;
	}

	/** `warn` hears of a backlog this run's requests join (`BACKLOG_WARNING_EXECUTIONS`). */
	join(requestsPerSecond: number, warn: (report: BacklogReport) => void = () => undefined): PacerLease {
		const run = Symbol('run');
		this.rates.set(run, requestsPerSecond);
		return {
			acquire: async (options = {}) => await this.acquire(run, options, warn),
			peek: () => this.estimate(this.clock.now()),
			backOff: (until) => this.slowdown.backOff(this.clock.now(), until),
			leave: () => {
				this.rates.delete(run);
			},
		};
	}

	private get interval(): number {
		const rate = this.rate;
		return rate > 0 ? 1000 / rate : 0;
	}

	/** How long until the next start is allowed; 0 when it may start now. */
	private waitFor(now: number): number {
		const interval = this.interval;
		const spacing = this.lastStart + interval - now;
		const due = interval < TIMER_RESOLUTION_MS ? spacing < TIMER_RESOLUTION_MS : spacing <= 0;
		return Math.max(0, this.slowdown.pausedUntil - now, due ? 0 : spacing);
	}

	private markStart(now: number): void {
		const interval = this.interval;
		this.lastStart = interval > 0 && interval < TIMER_RESOLUTION_MS ? Math.max(now, this.lastStart + interval) : now;
	}

	/** A request asking at `now` waits until the next start is allowed, then a turn for each one waiting before it. */
	private estimate(now: number): TurnEstimate {
		return { waiting: this.queue.length, turnInMs: this.waitFor(now) + this.queue.length * this.interval, requestsPerSecond: this.rate };
	}

	/** A request whose turn is too far off is refused, and told when to ask again: after everyone refused before it. */
	private refusal(now: number, maxWaitMs: number): TurnRefused | undefined {
		const estimate = this.estimate(now);
		if (estimate.turnInMs <= maxWaitMs) return undefined;
		this.refusedUntil = Math.max(this.refusedUntil + this.interval, now + estimate.turnInMs);
		return { ...estimate, retryInMs: this.refusedUntil - now };
	}

	private async acquire(
		run: symbol,
		{ signal, maxWaitMs }: TurnOptions,
		warn: (report: BacklogReport) => void,
	): Promise<TurnRefused | undefined> {
		if (signal?.aborted) throw new Error('The execution was cancelled');
		const now = this.clock.now();
		if (this.queue.length === 0 && this.waitFor(now) === 0) {
			this.markStart(now);
			return undefined;
		}
		const refused = maxWaitMs === undefined ? undefined : this.refusal(now, maxWaitMs);
		if (refused) return refused;
		const waiting = this.queue.wait(run, signal);
		this.reportBacklog(now, warn);
		await waiting;
		return undefined;
	}

	private reportBacklog(now: number, warn: (report: BacklogReport) => void): void {
		if (now - this.lastWarning < BACKLOG_WARNING_EVERY_MS) return;
		const executions = this.queue.runs;
		if (executions <= BACKLOG_WARNING_EXECUTIONS) return;
		this.lastWarning = now;
		warn({ executions, requests: this.queue.length, requestsPerSecond: this.rate });
	}
}
