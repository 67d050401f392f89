/**
 * The simulator's public shapes: start options, recorded requests, counters, filters and the
 * `Simulator` handle that `startSimulator()` resolves to.
 */
import type { IncomingHttpHeaders } from 'node:http';

import type { FaultSpec, FaultType } from './faults';

export type RouteName =
	| 'multiPartyCall.dial'
	| 'multiPartyCall.member'
	| 'multiPartyCall.get'
	| 'phlo.run'
	| 'phlo.get'
	| 'account.get';

export interface RateLimit {
	/** Requests allowed in any sliding window of `windowMs`, per Auth ID sent. */
	limit: number;
	windowMs: number;
}

export interface MultiPartyCallNodeInit {
	nodeId?: string;
	name?: string;
	/** Plivo's format: `2018-12-04 03:22:20.763091+00:00`. */
	createdOn?: string;
}

export interface PhloInit {
	phloId?: string;
	name?: string;
	createdOn?: string;
	/** Multi-Party Call nodes of this PHLO. */
	nodes?: MultiPartyCallNodeInit[];
}

export interface SimulatorOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	authId?: string;
	authToken?: string;
	/** `name` of the account object returned by `GET /v1/Account/{auth_id}/`. */
	accountName?: string;
	/** Seed the demo PHLO and its node (default true). */
	seedDemoPhlo?: boolean;
	/** More PHLOs to register at start. */
	phlos?: PhloInit[];
	/** Fixed delay before every answer, in ms (default 0). */
	latencyMs?: number;
	/** Sliding-window rate limit; `true` means Plivo's 300 per 5 s. Default off. */
	rateLimit?: RateLimit | boolean;
	/** Keep requests in `requests` (default true). Counters in `stats` are always kept. */
	record?: boolean;
	/** At most this many recent requests are kept (default 10 000); the oldest go first, in chunks. */
	maxRecordedRequests?: number;
	/** Let `+1999555CCCC` destinations select faults (default true). */
	numberFaults?: boolean;
	/** Delay of fault code 0408, in ms (default 30 000). */
	slowDelayMs?: number;
	/** Size of the huge-body fault's answer (default 5 MiB). */
	hugeBodyBytes?: number;
	/** Serve the control API under `/__simulator/` (default true). */
	controlApi?: boolean;
	/** Called once per request when it is finished (answered, reset, or closed by the client). */
	onRequest?: RequestListener;
}

export type RequestOutcome =
	| 'pending'
	| 'answered'
	| 'reset-before-body'
	| 'reset-after-body'
	| 'closed-mid-body'
	| 'client-closed';

export interface AppliedFault {
	type: FaultType;
	/** `programmatic`: `addFault`; `number`: a `+1999555CCCC` destination; `rate-limit`: the limiter. */
	source: 'programmatic' | 'number' | 'rate-limit';
	/** The 4-digit code, for `number`. */
	code?: string;
}

export interface RecordedRequest {
	/** 0-based arrival order (control API requests excluded). */
	seq: number;
	method: string;
	/** Request target exactly as received (path and query). */
	url: string;
	/** Decoded path without query string and without a trailing slash. */
	path: string;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
	/** Body exactly as received (UTF-8); '' when empty or not read. */
	body: string;
	bodyBytes: number;
	/** False when the connection was reset before the body was read: the request was not received. */
	bodyRead: boolean;
	/** Parsed JSON body; undefined when empty or not valid JSON. */
	json: unknown;
	/** User of the Basic auth header (the Auth ID sent), undefined when absent or unreadable. */
	authUser: string | undefined;
	/** Whether the credentials were right (checked for every request, even ones a fault answered). */
	authenticated: boolean;
	/** The API route, undefined for unknown paths and wrong methods. */
	route: RouteName | undefined;
	phloId: string | undefined;
	nodeId: string | undefined;
	memberAddress: string | undefined;
	/** `action` of the JSON body, when a string. */
	action: string | undefined;
	/** `to` of the JSON body, when a string. */
	to: string | undefined;
	fault: AppliedFault | undefined;
	/** Status sent; undefined while pending or when no answer was sent (reset, client closed). */
	status: number | undefined;
	outcome: RequestOutcome;
	/** Date.now() when the request's headers arrived. */
	receivedAt: number;
	/** Date.now() when its body had been read. */
	bodyReadAt: number | undefined;
	/** Date.now() when the answer was written, the connection reset, or the client left. */
	finishedAt: number | undefined;
}

export type RequestListener = (request: RecordedRequest) => void;

/** A predicate, or fields that must all equal the request's. */
export type RequestFilter =
	| ((request: RecordedRequest) => boolean)
	| {
			/** Exact decoded path, as in `RecordedRequest.path`. */
			path?: string;
			route?: RouteName;
			action?: string;
			to?: string;
			status?: number;
	  };

export interface SimulatorStats {
	/** API requests whose headers arrived (control API excluded). */
	received: number;
	/** Answers sent, by status. */
	byStatus: Record<number, number>;
	/** 429s sent by the rate limiter (not by the 429 faults). */
	rateLimited: number;
	/** Requests a fault was applied to (rate limiter excluded). */
	faultsInjected: number;
	/** Connections reset or closed mid-body by a fault. */
	resets: number;
	/** Requests whose client left before the answer. */
	clientClosed: number;
}

export interface Simulator {
	/** `http://127.0.0.1:<port>`: the Base URL to give the node's credential. */
	readonly url: string;
	readonly port: number;
	readonly authId: string;
	readonly authToken: string;
	/** The node credential's fields for this simulator. */
	readonly credentials: { authId: string; authToken: string; baseUrl: string };
	/** Recorded requests, oldest first (same array until the simulator is closed). */
	readonly requests: readonly RecordedRequest[];
	readonly stats: SimulatorStats;
	readonly latencyMs: number;
	readonly rateLimit: RateLimit | undefined;
	readonly recording: boolean;
	/** True while `refuseConnections` keeps the port closed. */
	readonly refusing: boolean;
	close(): Promise<void>;
	/** Forgets requests (`seq` restarts at 0), counters, faults and rate-limit windows; restores the start options' latency, rate limit and recording; ends a refusal. */
	reset(): void;
	count(filter?: RequestFilter): number;
	filter(filter?: RequestFilter): RecordedRequest[];
	last(filter?: RequestFilter): RecordedRequest | undefined;
	/** Armed faults are tried in order, before fault numbers. */
	addFault(spec: FaultSpec): void;
	setLatency(ms: number): void;
	/** `true`: Plivo's default limit; `false`: off. Clears the windows. */
	setRateLimit(limit: RateLimit | boolean): void;
	setRecording(on: boolean): void;
	/**
	 * An outage as a client sees it: the port stops listening for `forMs` (connecting is refused,
	 * ECONNREFUSED), idle keep-alive connections are closed, answers still in flight close theirs; then
	 * it listens again on the same port. Calling it again while refusing extends the outage; `reset()`
	 * and `close()` end it. The control API is unreachable meanwhile.
	 */
	refuseConnections(forMs: number): void;
	/** Listener called once per finished request; returns a function that unsubscribes it. */
	onRequest(listener: RequestListener): () => void;
}
