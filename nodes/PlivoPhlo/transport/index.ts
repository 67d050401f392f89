import * as n8nWorkflow from 'n8n-workflow';
import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
} from 'n8n-workflow';

import type { PhloAccount } from '../actions/node.type';
import { adviceFor, failureDetails, PhloFailure } from '../helpers/failures';
import type { PhloRequest } from '../helpers/requests';
import { InputError, quoteValue } from '../helpers/validation';
import { RateLimiter } from '../helpers/limiter';
import { interpretAnswer, retryAfterMs, type HttpAnswer } from '../helpers/responses';

type AbortableSleep = (ms: number, abortSignal?: AbortSignal) => Promise<void>;
const workflowHelpers = n8nWorkflow as unknown as { sleep: AbortableSleep; sleepWithAbort?: AbortableSleep };
/** n8n 1.x waits with `sleepWithAbort`; 2.x removed it and gave `sleep` the abort signal instead. */
const abortableSleep: AbortableSleep = workflowHelpers.sleepWithAbort ?? workflowHelpers.sleep;

export const CREDENTIAL_TYPE = 'plivoPhloApi';
const DEFAULT_BASE_URL = 'https://phlorunner.plivo.com';

/** How often a 429 is retried before the item fails, and the longest `Retry-After` honoured. */
export const RATE_LIMIT_RETRIES = 3;
export const MAX_RETRY_AFTER_MS = 60_000;
/** Waits before retrying a request that never reached Plivo (connection refused, DNS). */
export const NOT_SENT_RETRY_DELAYS_MS = [500, 2_000];

/** Errors raised before a request is written: nothing reached Plivo. */
const NOT_SENT_CODES = new Set([
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

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Normalises the credential's base URL and refuses what must never receive the Auth Token. */
export function resolveBaseUrl(value: unknown): string {
	const text = (typeof value === 'string' ? value.trim() : '') || DEFAULT_BASE_URL;
	if (!URL.canParse(text)) {
		throw new InputError('baseUrl', `The credential's Base URL ${quoteValue(text)} is not a URL`);
	}
	const url = new URL(text);
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new InputError('baseUrl', "The credential's Base URL must start with https://");
	}
	if (url.username || url.password || url.search || url.hash) {
		throw new InputError(
			'baseUrl',
			"The credential's Base URL must not contain a user, a password, a query or a fragment",
		);
	}
	if (url.protocol === 'http:' && !LOOPBACK_HOST.test(url.hostname)) {
		throw new InputError(
			'baseUrl',
			`The credential's Base URL uses plain http:// for ${url.hostname}: use https://. Plain http would send the Auth Token readable on the network, so it is accepted only for loopback addresses (test doubles on this machine).`,
		);
	}
	return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

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

const isFullAnswer = (value: unknown): value is HttpAnswer =>
	typeof value === 'object' && value !== null && typeof (value as HttpAnswer).statusCode === 'number';

export interface SendOptions {
	itemIndex: number;
	/** Milliseconds to wait for Plivo's answer. */
	timeout: number;
}

/**
 * The only place that talks to Plivo. It loads the credential once per execution and hands it to
 * n8n's `httpRequestWithAuthentication` with every request, so n8n still applies the credential
 * (its `authenticate` and its checks) without decrypting it again for every item.
 */
export class PhloTransport {
	/** Shared by every request of the execution, so one 429 slows them all down. */
	readonly limiter: RateLimiter;

	private constructor(
		private readonly context: IExecuteFunctions,
		private readonly credentials: ICredentialsDecrypted,
		private readonly baseUrl: string,
		readonly account: PhloAccount,
		requestsPerSecond: number,
	) {
		this.limiter = new RateLimiter(requestsPerSecond, {
			now: () => Date.now(),
			sleep: async (ms) => await this.pause(ms),
		});
	}

	static async open(context: IExecuteFunctions, requestsPerSecond: number): Promise<PhloTransport> {
		const data = await context.getCredentials(CREDENTIAL_TYPE);
		const reference = context.getNode().credentials?.[CREDENTIAL_TYPE];
		const credentials: ICredentialsDecrypted = {
			id: reference?.id ?? '',
			name: reference?.name ?? '',
			type: CREDENTIAL_TYPE,
			data,
		};
		const authId = typeof data.authId === 'string' ? data.authId.trim() : '';
		return new PhloTransport(context, credentials, resolveBaseUrl(data.baseUrl), { authId }, requestsPerSecond);
	}

	async send(request: PhloRequest, { itemIndex, timeout }: SendOptions): Promise<IDataObject> {
		let rateLimited = 0;
		let notSent = 0;
		for (;;) {
			await this.limiter.acquire();
			let answer: HttpAnswer;
			try {
				answer = await this.exchange(request, timeout);
			} catch (error) {
				const code = networkErrorCode(error);
				if (code && NOT_SENT_CODES.has(code) && notSent < NOT_SENT_RETRY_DELAYS_MS.length) {
					await this.pause(NOT_SENT_RETRY_DELAYS_MS[notSent++]);
					continue;
				}
				throw this.networkFailure(request, itemIndex, code, timeout);
			}
			if (answer.statusCode === 429 && rateLimited < RATE_LIMIT_RETRIES) {
				const wait = retryAfterMs(answer.headers, Date.now()) ?? 1_000 * 2 ** rateLimited;
				if (wait <= MAX_RETRY_AFTER_MS) {
					rateLimited++;
					this.limiter.backOff(Date.now() + wait);
					continue;
				}
			}
			return interpretAnswer(request, answer, itemIndex);
		}
	}

	private async exchange(request: PhloRequest, timeout: number): Promise<HttpAnswer> {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: `${this.baseUrl}${request.path}`,
			headers: { Accept: 'application/json' },
			timeout,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		if (request.body) {
			// Sent as text: n8n drops an empty object body, and Run PHLO must send `{}` as given.
			options.body = JSON.stringify(request.body);
			options.headers = { ...options.headers, 'Content-Type': 'application/json' };
		}
		const answer: unknown = await this.context.helpers.httpRequestWithAuthentication.call(
			this.context,
			CREDENTIAL_TYPE,
			options,
			{ credentialsDecrypted: this.credentials },
		);
		if (!isFullAnswer(answer)) throw new Error('Unexpected answer from the HTTP client');
		return answer;
	}

	private async pause(ms: number): Promise<void> {
		await abortableSleep(ms, this.context.getExecutionCancelSignal());
	}

	private networkFailure(
		request: PhloRequest,
		itemIndex: number,
		code: string | undefined,
		timeout: number,
	): PhloFailure {
		const outcome = code && NOT_SENT_CODES.has(code) ? 'not_sent' : 'unknown';
		const what =
			code === 'ETIMEDOUT' || code === 'ECONNABORTED'
				? `no answer within ${timeout} ms`
				: (code && NETWORK_DESCRIPTIONS[code]) ?? `the request failed${code ? ` (${code})` : ''}`;
		const host = new URL(this.baseUrl).host;
		return new PhloFailure(
			`Could not complete the request to Plivo PHLO at ${host}: ${what} [item ${itemIndex}]`,
			`${adviceFor(outcome, request.method === 'POST')} Request: ${request.method} ${request.path}.${code ? ` Network error code: ${code}.` : ''}`,
			failureDetails(outcome, itemIndex, request.target),
		);
	}
}
