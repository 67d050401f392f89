import { failureFacts, HeldBackFailure, type RequestTarget } from './failures';

/** Where the package's documentation explains bursts, their memory cost and the settings that bound it. */
export const BURSTS_DOC_URL =
	'https://github.com/plivo-phlo-n8n/n8n-nodes-plivo-phlo/blob/main/docs/performance.md#bursts-larger-than-the-pace';

/**
 * Resident memory one waiting execution holds in n8n, measured: 600 single-event webhook executions
 * waiting on the pace in n8n 2.41.1 added 5.7 GB (n8n's own Wait node: 10.7 MB each).
 */
export const MEMORY_PER_WAITING_EXECUTION_MB = 11;

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

const perSecond = (rate: number): string => (rate > 0 ? `${Math.round(rate * 1000) / 1000} per second` : 'no set rate');

/** The turn a request was refused, as the pacer saw it. */
export interface Refusal {
	waiting: number;
	turnInMs: number;
	retryInMs: number;
	requestsPerSecond: number;
}

/**
 * An item whose turn on the account's pace was further off than Max Wait for Turn: nothing was sent,
 * and the failure says when to send it again, in words and in `retryAt`/`retryAfterSeconds`, which a
 * Webhook workflow passes to its sender as `Retry-After`.
 */
export function handedBack(refusal: Refusal, context: { now: number; maxWaitSeconds: number; target: RequestTarget }): HeldBackFailure {
	const retryAfterSeconds = Math.ceil(refusal.retryInMs / 1000);
	const retryAt = new Date(context.now + retryAfterSeconds * 1000).toISOString();
	const waiting = refusal.waiting === 1 ? '1 request waits' : `${refusal.waiting} requests wait`;
	return new HeldBackFailure(
		{
			summary: "The Plivo account's pace has a backlog",
			detail: `${waiting} for a turn at ${perSecond(refusal.requestsPerSecond)}, so this one would start in ${seconds(refusal.turnInMs)}, past Max Wait for Turn (${context.maxWaitSeconds} s). Nothing was sent: send it again in ${retryAfterSeconds} s (${retryAt})`,
		},
		failureFacts('not_sent', context.target, { retryAt, retryAfterSeconds }),
	);
}

/** The log line an operator sees while many executions wait on one account's pace. No secret: the Auth ID is shown by its last characters. */
export function backlogWarning(
	report: { executions: number; requests: number; requestsPerSecond: number },
	account: { authId: string; host: string },
): string {
	const backlogMs = report.requestsPerSecond > 0 ? (report.requests / report.requestsPerSecond) * 1000 : 0;
	const memory = report.executions * MEMORY_PER_WAITING_EXECUTION_MB;
	return (
		`Plivo PHLO: ${report.executions} executions (${report.requests} requests) are waiting for their turn on the pace of Plivo account …${account.authId.slice(-4)} at ${account.host} ` +
		`(${perSecond(report.requestsPerSecond)}, about ${seconds(backlogMs)} of backlog). Each waiting execution holds memory in n8n: about ${MEMORY_PER_WAITING_EXECUTION_MB} MB each, ${memory} MB now. ` +
		`To hand a burst back to its sender instead of holding it, set Max Wait for Turn: ${BURSTS_DOC_URL}`
	);
}
