/**
 * Deciding what disturbs a request before its normal answer: the sliding-window rate limiter, the
 * faults armed with `addFault`, and the `+1999555CCCC` fault numbers. How a fault is then played
 * is `fault-answers.ts`.
 */
import { PLIVO_DEFAULT_RATE_LIMIT } from './constants';
import { faultForAddress, type Fault, type FaultSpec } from './faults';
import type { AppliedFault, RateLimit, RecordedRequest } from './types';

export interface FoundFault {
	fault: Fault;
	applied: AppliedFault;
}

/** One window per Auth ID: a ring of the times of the requests it let through. */
class SlidingWindow {
	private readonly stamps: Float64Array;
	private head = 0;
	private size = 0;

	constructor(private readonly rule: RateLimit) {
		this.stamps = new Float64Array(Math.max(1, rule.limit));
	}

	/** 0 when the request is allowed (and counted); otherwise ms until a slot frees. Refused requests are not counted. */
	take(now: number): number {
		const { limit, windowMs } = this.rule;
		const capacity = this.stamps.length;
		while (this.size > 0 && this.stamps[this.head] <= now - windowMs) {
			this.head = (this.head + 1) % capacity;
			this.size--;
		}
		if (limit <= 0) return windowMs;
		if (this.size < limit) {
			this.stamps[(this.head + this.size) % capacity] = now;
			this.size++;
			return 0;
		}
		return this.stamps[this.head] + windowMs - now;
	}
}

const resolveRateLimit = (value: RateLimit | boolean | undefined): RateLimit | undefined => {
	if (value === undefined || value === false) return undefined;
	if (value === true) return { ...PLIVO_DEFAULT_RATE_LIMIT };
	if (!(value.limit >= 0) || !(value.windowMs > 0)) throw new Error('rateLimit needs limit >= 0 and windowMs > 0');
	return { limit: Math.floor(value.limit), windowMs: value.windowMs };
};

export class RateLimiter {
	private current: RateLimit | undefined;
	private readonly windows = new Map<string, SlidingWindow>();

	constructor(value: RateLimit | boolean | undefined) {
		this.current = resolveRateLimit(value);
	}

	get rule(): RateLimit | undefined {
		return this.current ? { ...this.current } : undefined;
	}

	/** Replaces the rule and forgets every window (a new rule starts from an empty window). */
	set(value: RateLimit | boolean | undefined): void {
		this.current = resolveRateLimit(value);
		this.windows.clear();
	}

	/** 0 when a request of this Auth ID may pass (it is counted); otherwise ms until it could. */
	take(authUser: string): number {
		if (!this.current) return 0;
		let window = this.windows.get(authUser);
		if (!window) {
			window = new SlidingWindow(this.current);
			this.windows.set(authUser, window);
		}
		return window.take(Date.now());
	}
}

interface ArmedFault {
	to: string | undefined;
	fault: Fault;
	remaining: number;
	/** Date.now() from which it applies, and until which (exclusive). */
	from: number;
	until: number;
}

export class ArmedFaults {
	private armed: ArmedFault[] = [];

	get size(): number {
		return this.armed.length;
	}

	add(spec: FaultSpec): void {
		const times = spec.times ?? Infinity;
		if (!(times > 0)) throw new Error('addFault: times must be positive');
		const afterMs = spec.afterMs ?? 0;
		const forMs = spec.forMs ?? Infinity;
		if (!(afterMs >= 0)) throw new Error('addFault: afterMs must be >= 0');
		if (!(forMs > 0)) throw new Error('addFault: forMs must be positive');
		const from = Date.now() + afterMs;
		this.armed.push({ to: spec.match?.to, fault: spec.fault, remaining: times, from, until: from + forMs });
	}

	clear(): void {
		this.armed = [];
	}

	/**
	 * The first armed fault that matches, used up by one application. `early` (before the body is
	 * read): only a reset-before-body fault with no `to` to check can act.
	 */
	take(record: RecordedRequest, early: boolean): FoundFault | undefined {
		const now = Date.now();
		if (this.armed.some((armed) => armed.until <= now)) this.armed = this.armed.filter((armed) => armed.until > now);
		for (const armed of this.armed) {
			if (armed.from > now) continue;
			if (early && (armed.to !== undefined || armed.fault.type !== 'reset-before-body')) continue;
			if (armed.to !== undefined && armed.to !== record.to) continue;
			armed.remaining--;
			if (armed.remaining <= 0) this.armed = this.armed.filter((candidate) => candidate !== armed);
			return { fault: armed.fault, applied: { type: armed.fault.type, source: 'programmatic' } };
		}
		return undefined;
	}
}

/**
 * The fault a `+1999555CCCC` member address (or, once the body is read, `to`) selects. `early`:
 * only a reset-before-body fault, as the others need the request read.
 */
export function numberFault(record: RecordedRequest, early: boolean, slowDelayMs: number): FoundFault | undefined {
	const addresses = early ? [record.memberAddress] : [record.memberAddress, record.to];
	for (const address of addresses) {
		const found = faultForAddress(address, slowDelayMs);
		if (!found) continue;
		if (early && found.fault.type !== 'reset-before-body') return undefined;
		return { fault: found.fault, applied: { type: found.fault.type, source: 'number', code: found.code } };
	}
	return undefined;
}
