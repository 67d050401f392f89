import type { ICredentialsDecrypted, IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { backlogWarning, handedBack } from '../helpers/backlog';
import { resolveBaseUrl } from '../helpers/baseUrl';
import type { PaceSettings } from '../helpers/paceSettings';
import { CREDENTIAL_TYPE } from '../helpers/defaults';
import { networkErrorCode, networkFailure, neverReachedPlivo } from '../helpers/networkErrors';
import type { PhloAccount, PhloRequest } from '../helpers/requests';
import { interpretAnswer, retryAfterMs, type HttpAnswer } from '../helpers/responses';
import { abortableSleep } from './abortableSleep';
import { processPacers } from './pacing';
import type { PacerLease } from './turns';

/** How often a 429 is retried before the item fails, and the longest `Retry-After` honoured. */
const RATE_LIMIT_RETRIES = 3;
const MAX_RETRY_AFTER_MS = 60_000;
/** Waits before retrying a request that never reached Plivo (connection refused, DNS): 30 s in all, so a short outage loses nothing. */
const NOT_SENT_RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000, 15_000];

const isFullAnswer = (value: unknown): value is HttpAnswer =>
	typeof value === 'object' && value !== null && typeof (value as HttpAnswer).statusCode === 'number';

/** A request as a dry run shows it: what would be sent, and how long it would wait for its turn. */
export interface Rehearsal {
	method: string;
	url: string;
	body?: IDataObject;
	waitSeconds: number;
}

/**
 * The only place that talks to Plivo. It loads the credential once per execution and hands it to
 * n8n's `httpRequestWithAuthentication` with every request, so n8n still applies the credential
 * (its `authenticate` and its checks) without decrypting it again for every item. Requests are paced
 * with every other execution of this process that sends for the same account.
 */
export class PhloTransport {
	private constructor(
		private readonly context: IExecuteFunctions,
		private readonly credentials: ICredentialsDecrypted,
		private readonly baseUrl: string,
		readonly account: PhloAccount,
		private readonly pace: PacerLease,
		private readonly settings: PaceSettings,
	) {}

	static async open(context: IExecuteFunctions, settings: PaceSettings): Promise<PhloTransport> {
		const data = await context.getCredentials(CREDENTIAL_TYPE);
		const reference = context.getNode().credentials?.[CREDENTIAL_TYPE];
		const credentials: ICredentialsDecrypted = {
			id: reference?.id ?? '',
			name: reference?.name ?? '',
			type: CREDENTIAL_TYPE,
			data,
		};
		const authId = typeof data.authId === 'string' ? data.authId.trim() : '';
		const baseUrl = resolveBaseUrl(data.baseUrl);
		const host = new URL(baseUrl).host;
		const warn = (report: Parameters<typeof backlogWarning>[0]) => context.logger.warn(backlogWarning(report, { authId, host }));
		const pace = processPacers.join(baseUrl, authId, settings.requestsPerSecond, warn);
		return new PhloTransport(context, credentials, baseUrl, { authId }, pace, settings);
	}

	/** The run is over: its rate no longer paces the account's other executions. */
	close(): void {
		this.pace.leave();
	}

	/**
	 * Sends one request, paced with the account's other requests. Retried only where Plivo cannot have acted: a 429 (after
	 * `Retry-After`) and an error raised before the request was written. `timeout`: milliseconds to
	 * wait for Plivo's answer.
	 */
	async send(request: PhloRequest, timeout: number): Promise<IDataObject> {
		let rateLimited = 0;
		let notSent = 0;
		for (;;) {
			await this.takeTurn(request);
			let answer: HttpAnswer;
			try {
				answer = await this.exchange(request, timeout);
			} catch (error) {
				const code = networkErrorCode(error);
				if (neverReachedPlivo(code) && notSent < NOT_SENT_RETRY_DELAYS_MS.length) {
					await this.pause(NOT_SENT_RETRY_DELAYS_MS[notSent++]);
					continue;
				}
				throw networkFailure(request, code, { host: new URL(this.baseUrl).host, timeout });
			}
			if (answer.statusCode === 429 && rateLimited < RATE_LIMIT_RETRIES) {
				const wait = retryAfterMs(answer.headers, Date.now()) ?? 1_000 * 2 ** rateLimited;
				if (wait <= MAX_RETRY_AFTER_MS) {
					rateLimited++;
					this.pace.backOff(Date.now() + wait);
					continue;
				}
			}
			return interpretAnswer(request, answer);
		}
	}

	/** What `send` would do now, sending nothing and taking no turn: the request, and how long it would wait. */
	rehearse(request: PhloRequest): Rehearsal {
		const estimate = this.pace.peek();
		const { maxWaitSeconds } = this.settings;
		if (maxWaitSeconds > 0 && estimate.turnInMs > maxWaitSeconds * 1000) this.handBack(request, { ...estimate, retryInMs: estimate.turnInMs });
		const { method, path, body } = request;
		return { method, url: `${this.baseUrl}${path}`, ...(body ? { body } : {}), waitSeconds: Math.round(estimate.turnInMs) / 1000 };
	}

	private handBack(request: PhloRequest, refusal: Parameters<typeof handedBack>[0]): never {
		throw handedBack(refusal, { now: Date.now(), maxWaitSeconds: this.settings.maxWaitSeconds, target: request.target });
	}

	/** Waits for the request's turn on the account's pace, or fails it as held back when that is too far off. */
	private async takeTurn(request: PhloRequest): Promise<void> {
		const { maxWaitSeconds } = this.settings;
		const signal = this.context.getExecutionCancelSignal();
		const refusal = await this.pace.acquire({ signal, maxWaitMs: maxWaitSeconds > 0 ? maxWaitSeconds * 1000 : undefined });
		if (refusal) this.handBack(request, refusal);
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
