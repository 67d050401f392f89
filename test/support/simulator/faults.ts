/**
 * Faults the PHLO simulator can inject, and the reserved number range that selects them without code.
 *
 * A destination (`to` in a JSON body, or the member address in a `/members/{address}` path) of the
 * form `+1999555CCCC` selects fault `CCCC` from {@link FAULT_CODES}. `+1 999` is not an assigned
 * North American area code, so no real person can be dialled by mistake.
 */

/** An answer or a network failure that replaces (or delays) the simulator's normal answer. */
export type Fault =
	/** A Plivo-shaped error `{"api_id","error"}` with this status (400, 401, 403, 404, 500…). */
	| { type: 'plivo-error'; status: number; error?: string }
	/** The normal success status (201 for POST, 200 for GET) with a non-empty `error`. */
	| { type: 'error-in-success'; error?: string }
	/** 429 with a Plivo-shaped body; `Retry-After` in seconds, or no header when `retryAfterSeconds` is null. */
	| { type: 'rate-limited'; retryAfterSeconds?: number | null }
	/** An HTML error page, as a crashed app server (500) or a load balancer (502, 503) sends it; other statuses get the 500 page. */
	| { type: 'html-error'; status: number }
	/** The normal answer, sent after `delayMs` (plus any configured latency). */
	| { type: 'slow'; delayMs: number }
	/** TCP reset before the request body is read: the request counts as not received (`bodyRead: false`). */
	| { type: 'reset-before-body' }
	/** TCP reset after the whole request was read and recorded, before any answer. */
	| { type: 'reset-after-body' }
	/** A complete HTTP answer (correct Content-Length) whose JSON body is cut in half. */
	| { type: 'truncated-json' }
	/** Headers announce the full JSON body, half of it is sent, then the connection is closed. */
	| { type: 'closed-mid-body' }
	/** The success status with a body that is not JSON (`status` defaults to 201 for POST, 200 for GET). */
	| { type: 'non-json'; status?: number }
	/** A valid JSON success body of about `bytes` bytes (default: the simulator's `hugeBodyBytes`). */
	| { type: 'huge-body'; bytes?: number };

export type FaultType = Fault['type'];

/** Digits that come before the 4-digit fault code; `+` is optional, and `sip:` URIs use it as their user part. */
export const FAULT_NUMBER_PREFIX = '+1999555';

export interface FaultCode {
	fault: Fault;
	description: string;
}

/**
 * The fault table. Codes mirror the HTTP status where there is one; 06xx are transport faults;
 * `9SSS` (not listed) answers normally after SSS seconds.
 */
export const FAULT_CODES: Readonly<Record<string, FaultCode>> = {
	'0400': {
		fault: { type: 'plivo-error', status: 400, error: 'invalid destination number' },
		description: '400 Plivo error body',
	},
	'0401': {
		fault: { type: 'plivo-error', status: 401, error: 'Authentication failed' },
		description: '401 Plivo error body',
	},
	'0403': {
		fault: { type: 'plivo-error', status: 403, error: 'forbidden: the account is not allowed to perform this action' },
		description: '403 Plivo error body',
	},
	'0404': {
		fault: { type: 'plivo-error', status: 404, error: 'member not found in the multi party call' },
		description: '404 Plivo error body',
	},
	'0201': {
		fault: { type: 'error-in-success', error: 'multi party call is not in progress' },
		description: '201 (200 for GET) with a non-empty `error`',
	},
	'0429': {
		fault: { type: 'rate-limited', retryAfterSeconds: 1 },
		description: '429, Retry-After: 1',
	},
	'1429': {
		fault: { type: 'rate-limited', retryAfterSeconds: 120 },
		description: '429, Retry-After: 120 (longer than a client should wait)',
	},
	'2429': {
		fault: { type: 'rate-limited', retryAfterSeconds: null },
		description: '429 without Retry-After',
	},
	'0500': { fault: { type: 'html-error', status: 500 }, description: '500 with an HTML body' },
	'0502': { fault: { type: 'html-error', status: 502 }, description: '502 with an HTML body (nginx)' },
	'0503': { fault: { type: 'html-error', status: 503 }, description: '503 with an HTML body (nginx)' },
	'0408': {
		fault: { type: 'slow', delayMs: 30_000 },
		description: 'normal answer after `slowDelayMs` (default 30 s): past a client timeout',
	},
	'0600': { fault: { type: 'reset-before-body' }, description: 'connection reset before the body is read' },
	'0601': {
		fault: { type: 'reset-after-body' },
		description: 'connection reset after the request was read and recorded',
	},
	'0602': { fault: { type: 'truncated-json' }, description: 'success status, JSON body cut in half' },
	'0603': {
		fault: { type: 'closed-mid-body' },
		description: 'success status, connection closed half-way through the body',
	},
	'0604': { fault: { type: 'non-json', status: 200 }, description: '200 with a non-JSON (HTML) body' },
	'0605': { fault: { type: 'non-json', status: 201 }, description: '201 with a non-JSON (HTML) body' },
	'0606': { fault: { type: 'huge-body' }, description: 'success status, valid JSON of `hugeBodyBytes` (5 MiB)' },
};

/** `+1999555` + code: the destination that selects fault `code` (e.g. `faultNumber('0429')`). */
export function faultNumber(code: string): string {
	if (!/^\d{4}$/.test(code)) throw new Error(`fault code must be 4 digits, got ${JSON.stringify(code)}`);
	return `${FAULT_NUMBER_PREFIX}${code}`;
}

/** The phone number, or the user part of a sip:/sips: URI, must be exactly the prefix and 4 digits. */
const FAULT_ADDRESS = /^(?:sips?:)?\+?1999555(\d{4})(?:@.*)?$/i;

/**
 * The fault a destination selects, or undefined for an ordinary destination (or an unused code).
 * `slowDelayMs` resolves code 0408.
 */
export function faultForAddress(address: string | undefined, slowDelayMs: number): { code: string; fault: Fault } | undefined {
	if (address === undefined || address.length < 11 || address.length > 300) return undefined;
	const found = FAULT_ADDRESS.exec(address);
	if (!found) return undefined;
	const code = found[1];
	if (code[0] === '9') return { code, fault: { type: 'slow', delayMs: Number(code.slice(1)) * 1000 } };
	const entry = FAULT_CODES[code];
	if (!entry) return undefined;
	if (entry.fault.type === 'slow') return { code, fault: { type: 'slow', delayMs: slowDelayMs } };
	return { code, fault: entry.fault };
}

/**
 * Which requests an `addFault` fault applies to. `to` is the one criterion any suite needs: tests
 * pick a destination per case, so faults never leak between them.
 */
export interface FaultMatch {
	/** `to` of the JSON body; when omitted, every request matches. */
	to?: string;
}

export interface FaultSpec {
	/** Criteria; all requests when omitted. */
	match?: FaultMatch;
	fault: Fault;
	/** How many requests it applies to (default: unlimited). */
	times?: number;
	/** It starts this many ms after it is armed (default 0): a scheduled phase, such as the second half of an outage. */
	afterMs?: number;
	/** Once started, it applies for this many ms and is then dropped (default: until used up or `reset()`). */
	forMs?: number;
}
