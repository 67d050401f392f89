import type { IDataObject } from 'n8n-workflow';

import type { RequestTarget } from './requests';

/**
 * What a failed item means for the person it was about:
 * - `not_sent`: nothing reached Plivo (bad input, DNS, connection refused); safe to run again;
 * - `rejected`: Plivo answered and refused (4xx, or 2xx with an `error`); nothing was done;
 * - `unknown`: no usable answer (timeout, reset, 5xx); Plivo may have acted, e.g. placed the call.
 */
export type Outcome = 'not_sent' | 'rejected' | 'unknown';

export interface FailureDetails extends IDataObject {
	outcome: Outcome;
	item_index: number;
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
}

/** A failure of one item, described without anything secret: built only from our own strings and Plivo's answer. */
export class PhloFailure extends Error {
	constructor(
		message: string,
		readonly description: string,
		readonly details: FailureDetails,
	) {
		super(message);
		this.name = 'PhloFailure';
	}
}

export function failureDetails(
	outcome: Outcome,
	itemIndex: number,
	target: RequestTarget,
	extra: Partial<FailureDetails> = {},
): FailureDetails {
	const details: FailureDetails = { outcome, item_index: itemIndex };
	for (const [key, value] of Object.entries({ ...target, ...extra })) {
		if (value !== undefined && value !== '') details[key] = value;
	}
	return details;
}

export function adviceFor(outcome: Outcome, sideEffects: boolean): string {
	if (outcome === 'not_sent') return 'Nothing reached Plivo: it is safe to run this item again.';
	if (outcome === 'rejected') return 'Plivo refused the request, so nothing was done.';
	return sideEffects
		? "Plivo may have processed the request (for example placed the call): check the call logs in Plivo's console before running this item again."
		: 'This request only reads, so running it again is safe.';
}

/** What an AI agent gets instead of the full message: short, and plain about what it must not do. */
export function toolMessage(outcome: Outcome | undefined, reason: string): string {
	if (outcome === 'unknown') {
		return `Outcome unknown: ${reason}. The call may have been placed. Do not retry: a person must check Plivo's call logs.`;
	}
	if (outcome === 'rejected') return `Refused by Plivo, nothing was done: ${reason}.`;
	return `Not sent, nothing was done: ${reason}.`;
}
