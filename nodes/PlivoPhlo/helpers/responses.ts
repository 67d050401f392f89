import { jsonParse, type IDataObject } from 'n8n-workflow';

import { adviceFor, failureFacts, PhloFailure } from './failures';
import type { PhloRequest } from './requests';

export interface HttpAnswer {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);

/** Plivo answers JSON; n8n's client parses it when it can and leaves text (or a Buffer) when it cannot. */
export function parseBody(body: unknown): { json?: IDataObject; text: string } {
	if (isObject(body)) return { json: body, text: '' };
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
	const parsed = jsonParse<unknown>(text, { fallbackValue: null });
	return isObject(parsed) ? { json: parsed, text } : { text };
}

/** A short, single-line excerpt of a non-JSON body (an HTML error page, a truncated answer). */
export function excerpt(text: string, max = 160): string {
	const plain = text
		.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	if (plain === '') return '(empty body)';
	return plain.length > max ? `${plain.slice(0, max - 3)}...` : plain;
}

const header = (headers: Record<string, unknown>, name: string): string | undefined => {
	const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
	const value = key === undefined ? undefined : headers[key];
	if (Array.isArray(value)) return String(value[0]);
	return value === undefined || value === null ? undefined : String(value);
};

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Record<string, unknown>, now: number): number | undefined {
	const value = header(headers, 'retry-after')?.trim();
	if (!value) return undefined;
	if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const plivoErrorOf = (json: IDataObject | undefined): string | undefined => {
	const error = json?.error;
	if (typeof error === 'string') return error.trim() || undefined;
	if (isObject(error) || Array.isArray(error)) return JSON.stringify(error);
	return undefined;
};

const apiIdOf = (json: IDataObject | undefined): string | undefined =>
	typeof json?.api_id === 'string' && json.api_id !== '' ? json.api_id : undefined;

const STATUS_HINTS: Readonly<Record<number, string>> = {
	400: 'Check the values sent (numbers, role, payload).',
	401: 'Check the Auth ID and Auth Token of the Plivo PHLO credential.',
	403: 'The account may not use this PHLO, or the action is not allowed in the call’s current state.',
	404: 'Check the PHLO ID and Node ID, and that the member is in the call.',
	405: 'This PHLO node does not accept that action.',
	429: "Plivo's rate limit was hit; lower the request rate in the node's options.",
};

const statusHint = (status: number): string =>
	STATUS_HINTS[status] ?? (status >= 500 ? 'Plivo had a problem answering.' : '');

/**
 * Turns Plivo's answer into the item's output, or a `PhloFailure` saying what happened and what to do.
 * A 2xx answer whose `error` is not empty is a failure: Plivo reports some refusals that way.
 */
export function interpretAnswer(request: PhloRequest, answer: HttpAnswer): IDataObject {
	const { statusCode: status } = answer;
	const { json, text } = parseBody(answer.body);
	const apiId = apiIdOf(json);
	const plivoError = plivoErrorOf(json);
	const sideEffects = request.method === 'POST';
	const where = `${request.method} ${request.path}`;

	if (status >= 200 && status < 300 && json && !plivoError) return json;

	if (!json) {
		const outcome = status >= 400 && status < 500 ? 'rejected' : 'unknown';
		throw new PhloFailure(
			{ summary: `Plivo PHLO answered HTTP ${status} with a body that is not JSON`, detail: excerpt(text) },
			[statusHint(status), adviceFor(outcome, sideEffects), `Request: ${where}.`].filter(Boolean).join(' '),
			failureFacts(outcome, request.target, { status }),
		);
	}

	const outcome = status >= 500 ? 'unknown' : 'rejected';
	const reason = plivoError ?? `HTTP ${status} without an error message`;
	throw new PhloFailure(
		{ summary: `Plivo PHLO error (HTTP ${status})`, detail: reason },
		[
			statusHint(status),
			adviceFor(outcome, sideEffects),
			apiId ? `Plivo api_id: ${apiId}.` : '',
			`Request: ${where}.`,
		]
			.filter(Boolean)
			.join(' '),
		failureFacts(outcome, request.target, { status, api_id: apiId, plivo_error: plivoError }),
	);
}
