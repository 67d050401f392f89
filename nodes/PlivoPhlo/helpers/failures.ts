import type { IDataObject } from 'n8n-workflow';


/** Who a request is about; repeated in error items so a failure can be traced to a person. */
export interface RequestTarget {
	to?: string;
	trigger_source?: string;
	member_address?: string;
}

/**
 * What a failed item means for the person it was about:
 * - `not_sent`: nothing reached Plivo (bad input, DNS, connection refused); safe to run again;
 * - `rejected`: Plivo answered and refused (4xx, or 2xx with an `error`); nothing was done;
 * - `unknown`: no usable answer (timeout, reset, 5xx); Plivo may have acted, e.g. placed the call.
 */
export type Outcome = 'not_sent' | 'rejected' | 'unknown';

/** What is known of a failure before it is placed on an item. */
export interface FailureFacts extends IDataObject {
	outcome: Outcome;
	/** HTTP status of Plivo's answer, when there was one. */
	status?: number;
	/** Plivo's `api_id`: what Plivo support asks for. */
	api_id?: string;
	/** Plivo's own `error` text. */
	plivo_error?: string;
	/** The parameter at fault, for input errors. */
	field?: string;
	to?: string;
	trigger_source?: string;
	member_address?: string;
	/** When an item the node held back may be sent (ISO 8601), and in how many seconds from the failure. */
	retryAt?: string;
	retryAfterSeconds?: number;
}

/** A failure's facts on its item: what the error item's `details` hold. */
export interface FailureDetails extends FailureFacts {
	item_index: number;
}

/**
 * A failure's words in parts. The item's message puts the item index between them
 * (`summary [item N]: detail`, built in `nodeErrors.ts`, the only place that knows the item); an AI
 * agent's tool answer joins them without it.
 */
export interface Wording {
	/** What happened, e.g. `Plivo PHLO error (HTTP 404)`. */
	summary: string;
	/** Plivo's own words, or an excerpt of its answer. */
	detail?: string;
}

export const plainWording = ({ summary, detail }: Wording): string => (detail ? `${summary}: ${detail}` : summary);

/** A parameter whose value cannot be sent to Plivo. Raised before any request leaves n8n. */
export class InputError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'InputError';
	}
}

/** A request to Plivo that failed, described without anything secret: only our own words and Plivo's answer. */
export class PhloFailure extends Error {
	constructor(
		readonly wording: Wording,
		readonly description: string,
		readonly facts: FailureFacts,
	) {
		super(plainWording(wording));
		this.name = 'PhloFailure';
	}
}

/**
 * The node held the item back, by a rule the user set (the account's pace, Calling Hours): nothing was
 * sent, and it can be sent at `facts.retryAt`.
 */
export class HeldBackFailure extends Error {
	constructor(
		readonly wording: Wording,
		readonly facts: FailureFacts,
	) {
		super(plainWording(wording));
		this.name = 'HeldBackFailure';
	}
}

/** The deduplication store could not record a key, so the item was not sent. */
export class StoreFailure extends Error {
	constructor(
		readonly storeMessage: string,
		readonly target: RequestTarget,
	) {
		super('Could not record the deduplication key, so nothing was sent');
		this.name = 'StoreFailure';
	}
}

export function failureFacts(outcome: Outcome, target: RequestTarget, extra: Partial<FailureFacts> = {}): FailureFacts {
	const facts: FailureFacts = { outcome };
	for (const [key, value] of Object.entries({ ...target, ...extra })) {
		if (value !== undefined && value !== '') facts[key] = value;
	}
	return facts;
}

export function adviceFor(outcome: Outcome, sideEffects: boolean): string {
	if (outcome === 'not_sent') return 'Nothing reached Plivo: it is safe to run this item again.';
	if (outcome === 'rejected') return 'Plivo refused the request, so nothing was done.';
	return sideEffects
		? "Plivo may have processed the request (for example placed the call): check the call logs in Plivo's console before running this item again."
		: 'This request only reads, so running it again is safe.';
}
