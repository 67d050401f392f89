import * as n8nWorkflow from 'n8n-workflow';
import type { ICredentialsDecrypted, IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { resolveBaseUrl } from '../helpers/baseUrl';
import { CREDENTIAL_TYPE } from '../helpers/defaults';
import { RateLimiter } from '../helpers/limiter';
import { networkErrorCode, networkFailure, neverReachedPlivo } from '../helpers/networkErrors';
import type { PhloAccount, PhloRequest } from '../helpers/requests';
import { interpretAnswer, retryAfterMs, type HttpAnswer } from '../helpers/responses';

type AbortableSleep = (ms: number, abortSignal?: AbortSignal) => Promise<void>;
const workflowHelpers = n8nWorkflow as unknown as { sleep: AbortableSleep; sleepWithAbort?: AbortableSleep };
/** n8n 1.x waits with `sleepWithAbort`; 2.x removed it and gave `sleep` the abort signal instead. */
const abortableSleep: AbortableSleep = workflowHelpers.sleepWithAbort ?? workflowHelpers.sleep;

/** How often a 429 is retried before the item fails, and the longest `Retry-After` honoured. */
const RATE_LIMIT_RETRIES = 3;
const MAX_RETRY_AFTER_MS = 60_000;
/** Waits before retrying a request that never reached Plivo (connection refused, DNS). */
const NOT_SENT_RETRY_DELAYS_MS = [500, 2_000];

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
	private readonly limiter: RateLimiter;

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

	/**
	 * Sends one request, paced by the limiter. Retried only where Plivo cannot have acted: a 429 (after
	 * `Retry-After`) and an error raised before the request was written.
	 */
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
				if (neverReachedPlivo(code) && notSent < NOT_SENT_RETRY_DELAYS_MS.length) {
					await this.pause(NOT_SENT_RETRY_DELAYS_MS[notSent++]);
					continue;
				}
				throw networkFailure(request, itemIndex, code, { host: new URL(this.baseUrl).host, timeout });
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
}
