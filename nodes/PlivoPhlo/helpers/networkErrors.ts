import { adviceFor, failureFacts, PhloFailure } from './failures';
import type { PhloRequest } from './requests';

/** Errors raised before a request is written: nothing reached Plivo, so the request may be sent again. */
const NEVER_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EADDRNOTAVAIL',
	'ERR_INVALID_URL',
	'CERT_HAS_EXPIRED',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const NETWORK_DESCRIPTIONS: Readonly<Record<string, string>> = {
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name could not be resolved',
	EAI_AGAIN: 'the host name could not be resolved (DNS timeout)',
	ECONNRESET: 'the connection was reset',
	EPIPE: 'the connection was closed while sending',
	ECONNABORTED: 'no answer came within the timeout',
	ETIMEDOUT: 'no answer came within the timeout',
};

const CODE_IN_TEXT = /\b(E[A-Z]{4,}|ERR_[A-Z_]+)\b/;

/**
 * Finds the network error code (ECONNREFUSED, ETIMEDOUT…) in whatever n8n's HTTP helper wrapped it in.
 * n8n 2.x keeps the client's error as `cause`; n8n 1.x drops it and keeps only its message, in
 * `messages`, after replacing `message` with a friendlier text.
 */
export function networkErrorCode(error: unknown): string | undefined {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (typeof current === 'object' && current !== null && !seen.has(current)) {
		seen.add(current);
		const { code, message, messages } = current as { code?: unknown; message?: unknown; messages?: unknown };
		if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
		const texts = [message, ...(Array.isArray(messages) ? messages : [])].filter(
			(text): text is string => typeof text === 'string',
		);
		for (const text of texts) {
			if (/timeout of \d+ms exceeded/i.test(text)) return 'ETIMEDOUT';
			const found = text.match(CODE_IN_TEXT);
			if (found) return found[1];
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** True when the error was raised before the request left: Plivo cannot have acted on it. */
export const neverReachedPlivo = (code: string | undefined): boolean => code !== undefined && NEVER_SENT_CODES.has(code);

/**
 * The failure of a request that got no answer. Only an error raised before the request was written is
 * `not_sent`; anything later (a timeout, a reset) is `unknown`, as Plivo may have acted on it.
 */
export function networkFailure(
	request: PhloRequest,
	code: string | undefined,
	context: { host: string; timeout: number },
): PhloFailure {
	const outcome = neverReachedPlivo(code) ? 'not_sent' : 'unknown';
	const what =
		code === 'ETIMEDOUT' || code === 'ECONNABORTED'
			? `no answer within ${context.timeout} ms`
			: (code && NETWORK_DESCRIPTIONS[code]) ?? `the request failed${code ? ` (${code})` : ''}`;
	return new PhloFailure(
		{ summary: `Could not complete the request to Plivo PHLO at ${context.host}: ${what}` },
		`${adviceFor(outcome, request.method === 'POST')} Request: ${request.method} ${request.path}.${code ? ` Network error code: ${code}.` : ''}`,
		failureFacts(outcome, request.target),
	);
}
