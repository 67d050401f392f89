/**
 * PHLO simulator: a fake of Plivo's PHLO runner (https://phlorunner.plivo.com) on 127.0.0.1.
 *
 * Stateless apart from the PHLO registry, the recorded requests, the counters, the armed faults and
 * the rate-limit windows. See README.md beside this file for what is faked and what is assumed.
 * Only Node's built-in modules are used.
 */
import { randomUUID } from 'node:crypto';
import {
	createServer,
	type IncomingHttpHeaders,
	type IncomingMessage,
	type OutgoingHttpHeaders,
	type Server,
	type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

import { CONTROL_PREFIX, handleControl } from './control';
import {
	faultForAddress,
	needsBody,
	type Fault,
	type FaultMatch,
	type FaultRequestInfo,
	type FaultType,
	type RouteName,
} from './faults';

export {
	FAULT_CODES,
	FAULT_NUMBER_PREFIX,
	faultForAddress,
	faultNumber,
	type Fault,
	type FaultCode,
	type FaultMatch,
	type FaultRequestInfo,
	type FaultType,
	type RouteName,
} from './faults';
export { CONTROL_PREFIX } from './control';

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

/** Plivo Auth IDs are 20 characters starting with MA (accounts) or SA (subaccounts). */
export const DEFAULT_AUTH_ID = 'MAXXXXXXXXXXXXXXXXXX';
/** Plivo Auth Tokens are 40 characters. Not a secret: the simulator's published default. */
export const DEFAULT_AUTH_TOKEN = 'SimulatorAuthTokenXXXXXXXXXXXXXXXXXXXXXX';
export const DEFAULT_ACCOUNT_NAME = 'PHLO Simulator';

/** The PHLO seeded in every simulator (unless `seedDemoPhlo: false`); fixed so demo workflows can name it. */
export const DEMO_PHLO_ID = '3c5e8d2a-6f1b-4a7e-9d40-1b2c3d4e5f60';
export const DEMO_PHLO_NAME = 'Demo call center';
/** The demo PHLO's Multi-Party Call node. */
export const DEMO_NODE_ID = '8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d';
export const DEMO_NODE_NAME = 'Multi-Party Call_1';
const DEMO_CREATED_ON = '2024-05-14 09:12:44.120573+00:00';

/** Plivo's default API rate limit, as the brief states it: 300 requests per 5 seconds. */
export const PLIVO_DEFAULT_RATE_LIMIT: RateLimit = { limit: 300, windowMs: 5_000 };

export const DIAL_ACTIONS = ['call', 'warm_transfer', 'cold_transfer'] as const;
export const MEMBER_ACTIONS = ['abort_transfer', 'hold', 'unhold', 'hangup', 'resume_call', 'voicemail_drop'] as const;
export const ROLES = ['agent', 'customer'] as const;

/** The `error` texts of the simulator's own answers (fault answers use the texts in FAULT_CODES). */
export const MESSAGES = {
	unauthorized: 'Authentication failed',
	accountMismatch: 'Authentication failed: the Auth ID in the URL is not the authenticated account',
	notFound: 'not found',
	phloNotFound: 'PHLO not found',
	nodeNotFound: 'multi party call node not found in this PHLO',
	methodNotAllowed: 'method not allowed',
	invalidJson: 'invalid JSON in the request body',
	bodyNotObject: 'the request body must be a JSON object',
	payloadNotObject: 'the PHLO payload must be a JSON object',
	bodyTooLarge: 'request body too large',
	missingAction: "'action' is required",
	invalidDialAction: (action: string): string =>
		`invalid action '${action}': use one of ${DIAL_ACTIONS.join(', ')} (member actions go to /members/{member_address})`,
	invalidMemberAction: (action: string): string =>
		`invalid action '${action}' for a member: use one of ${MEMBER_ACTIONS.join(', ')}`,
	missingTo: "'to' is required",
	missingTriggerSource: "'trigger_source' is required",
	invalidRole: (role: string): string => `invalid role '${role}': use agent or customer`,
	rateLimited: 'too many requests: rate limit exceeded',
	runStarted: (runId: string): string => `PHLO run started - phlo_run_id ${runId}`,
} as const;

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

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

export interface MultiPartyCallNode {
	nodeId: string;
	phloId: string;
	name: string;
	createdOn: string;
}

export interface Phlo {
	phloId: string;
	name: string;
	createdOn: string;
	nodes: MultiPartyCallNode[];
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
	/** Seed {@link DEMO_PHLO_ID} with node {@link DEMO_NODE_ID} (default true). */
	seedDemoPhlo?: boolean;
	/** More PHLOs to register at start (and again on `reset()`). */
	phlos?: PhloInit[];
	/** Fixed delay before every answer, in ms (default 0). */
	latencyMs?: number;
	/** Sliding-window rate limit; `true` means {@link PLIVO_DEFAULT_RATE_LIMIT}. Default off. */
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
	/** Larger request bodies get 413 (default 10 MiB). */
	maxBodyBytes?: number;
	/** Idle keep-alive connections are closed after this (default 60 000 ms, like a cloud load balancer). */
	keepAliveTimeoutMs?: number;
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
	/** The `FaultHandle.id`, for `programmatic`. */
	faultId?: number;
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

export type RequestFilter =
	| ((request: RecordedRequest) => boolean)
	| {
			method?: string;
			path?: string | RegExp;
			route?: RouteName;
			phloId?: string;
			nodeId?: string;
			memberAddress?: string;
			action?: string;
			to?: string;
			status?: number;
			outcome?: RequestOutcome;
			/** true: only requests a fault (or the rate limiter) answered; false: only the others. */
			faulted?: boolean;
	  };

export interface FaultSpec {
	/** Criteria; all requests when omitted. */
	match?: FaultMatch;
	fault: Fault;
	/** How many requests it applies to (default: unlimited). */
	times?: number;
}

export interface FaultHandle {
	readonly id: number;
	readonly match: FaultMatch;
	readonly fault: Fault;
	/** Requests it has been applied to. */
	readonly hits: number;
	/** Applications left (Infinity when unlimited). */
	readonly remaining: number;
	remove(): void;
}

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
	readonly host: string;
	readonly authId: string;
	readonly authToken: string;
	/** The node credential's fields for this simulator. */
	readonly credentials: { authId: string; authToken: string; baseUrl: string };
	/** `Basic …` header value for the configured credentials. */
	readonly authorization: string;
	/** Recorded requests, oldest first (same array until the simulator is closed). */
	readonly requests: readonly RecordedRequest[];
	readonly stats: SimulatorStats;
	readonly faults: readonly FaultHandle[];
	readonly latencyMs: number;
	readonly rateLimit: RateLimit | undefined;
	readonly recording: boolean;
	close(): Promise<void>;
	/** Forgets requests (`seq` restarts at 0), counters, faults and rate-limit windows; restores the start options' registry, latency, rate limit and recording. */
	reset(): void;
	count(filter?: RequestFilter): number;
	filter(filter?: RequestFilter): RecordedRequest[];
	last(filter?: RequestFilter): RecordedRequest | undefined;
	/** Resolves once `count` finished recorded requests match, rejects after `timeoutMs` (default 5 000). */
	waitForRequests(count: number, options?: { filter?: RequestFilter; timeoutMs?: number }): Promise<RecordedRequest[]>;
	addFault(spec: FaultSpec): FaultHandle;
	clearFaults(): void;
	addPhlo(init?: PhloInit): Phlo;
	addMultiPartyCallNode(phloId: string, init?: MultiPartyCallNodeInit): MultiPartyCallNode;
	removePhlo(phloId: string): boolean;
	getPhlo(phloId: string): Phlo | undefined;
	listPhlos(): Phlo[];
	setLatency(ms: number): void;
	/** `true`: Plivo's default limit; `false`: off. Clears the windows. */
	setRateLimit(limit: RateLimit | boolean): void;
	setRecording(on: boolean): void;
	/** Listener called once per finished request; returns a function that unsubscribes it. */
	onRequest(listener: RequestListener): () => void;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Plivo's `created_on` format (Python's str(datetime) in UTC): `2018-11-14 04:41:31.827796+00:00`. */
export function plivoTimestamp(date: Date = new Date()): string {
	const iso = date.toISOString(); // 2024-01-02T03:04:05.678Z
	return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000+00:00`;
}

export function basicAuthorization(authId: string, authToken: string): string {
	return `Basic ${Buffer.from(`${authId}:${authToken}`, 'utf8').toString('base64')}`;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const stringField = (json: unknown, key: string): string | undefined => {
	if (!isObject(json)) return undefined;
	const value = json[key];
	return typeof value === 'string' ? value : undefined;
};

function parseQuery(raw: string): Record<string, string> {
	const query: Record<string, string> = {};
	if (raw === '') return query;
	for (const [key, value] of new URLSearchParams(raw)) query[key] = value;
	return query;
}

function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
	if (header === undefined || header.length < 7 || header.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
	const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

type RoutePattern = 'phlo' | 'multiPartyCall' | 'member' | 'run' | 'account';

interface ParsedPath {
	path: string;
	pattern: RoutePattern | undefined;
	phloId?: string;
	nodeId?: string;
	memberAddress?: string;
	accountId?: string;
}

const ALLOWED_METHODS: Readonly<Record<RoutePattern, readonly string[]>> = {
	phlo: ['GET', 'HEAD'],
	multiPartyCall: ['GET', 'HEAD', 'POST'],
	member: ['POST'],
	run: ['POST'],
	account: ['GET', 'HEAD'],
};

function routeOf(pattern: RoutePattern | undefined, method: string): RouteName | undefined {
	if (pattern === undefined || !ALLOWED_METHODS[pattern].includes(method)) return undefined;
	switch (pattern) {
		case 'phlo':
			return 'phlo.get';
		case 'multiPartyCall':
			return method === 'POST' ? 'multiPartyCall.dial' : 'multiPartyCall.get';
		case 'member':
			return 'multiPartyCall.member';
		case 'run':
			return 'phlo.run';
		case 'account':
			return 'account.get';
	}
}

/** Splits and decodes the path; one trailing slash is ignored, as Plivo's SDKs add it to GETs. */
function parsePath(rawPath: string): ParsedPath {
	const trimmed = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
	const raw = trimmed.split('/');
	const parts: string[] = [];
	try {
		for (const part of raw) parts.push(part.indexOf('%') < 0 ? part : decodeURIComponent(part));
	} catch {
		return { path: trimmed, pattern: undefined };
	}
	const path = parts.join('/');
	const n = parts.length;
	if (parts[0] !== '' || parts[1] !== 'v1' || parts.some((part, i) => i > 0 && part === '')) {
		return { path, pattern: undefined };
	}
	if (parts[2] === 'phlo') {
		if (n === 4) return { path, pattern: 'phlo', phloId: parts[3] };
		if (parts[4] === 'multi_party_call') {
			if (n === 6) return { path, pattern: 'multiPartyCall', phloId: parts[3], nodeId: parts[5] };
			if (n === 8 && parts[6] === 'members') {
				return { path, pattern: 'member', phloId: parts[3], nodeId: parts[5], memberAddress: parts[7] };
			}
		}
	} else if (parts[2] === 'account' && n === 6 && parts[4] === 'phlo') {
		return { path, pattern: 'run', accountId: parts[3], phloId: parts[5] };
	} else if (parts[2] === 'Account' && n === 4) {
		return { path, pattern: 'account', accountId: parts[3] };
	}
	return { path, pattern: undefined };
}

class SlidingWindow {
	private readonly stamps: Float64Array;
	private head = 0;
	private size = 0;

	constructor(private readonly rule: RateLimit) {
		this.stamps = new Float64Array(Math.max(1, rule.limit));
	}

	/** 0 when the request is allowed (and counted); otherwise ms until a slot frees. Refused requests are not counted. */
	take(now: number): number {
		const { limit, windowMs } = this.rule;
		const capacity = this.stamps.length;
		while (this.size > 0 && this.stamps[this.head] <= now - windowMs) {
			this.head = (this.head + 1) % capacity;
			this.size--;
		}
		if (limit <= 0) return windowMs;
		if (this.size < limit) {
			this.stamps[(this.head + this.size) % capacity] = now;
			this.size++;
			return 0;
		}
		return this.stamps[this.head] + windowMs - now;
	}
}

const HTML_PAGES: Readonly<Record<number, { contentType: string; body: string }>> = {
	500: {
		contentType: 'text/html; charset=utf-8',
		body:
			'<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n' +
			'<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n',
	},
	502: {
		contentType: 'text/html',
		body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
	},
	503: {
		contentType: 'text/html',
		body: '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
	},
	504: {
		contentType: 'text/html',
		body: '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
	},
};

const NON_JSON_BODY =
	'<!DOCTYPE html>\n<html><head><title>PHLO</title></head><body><p>Request accepted</p></body></html>\n';

interface ArmedFault {
	id: number;
	match: FaultMatch;
	fault: Fault;
	remaining: number;
	hits: number;
	bodyFree: boolean;
}

/** One request in flight. */
interface Exchange {
	req: IncomingMessage;
	res: ServerResponse;
	record: RecordedRequest;
	parsed: ParsedPath;
	/** Extra delay from a slow fault. */
	extraDelayMs: number;
	timer: NodeJS.Timeout | undefined;
}

function matchesFault(match: FaultMatch, info: FaultRequestInfo, action: string | undefined, to: string | undefined): boolean {
	if (match.method !== undefined && match.method.toUpperCase() !== info.method) return false;
	if (match.path !== undefined) {
		if (typeof match.path === 'string' ? match.path !== info.path : !match.path.test(info.path)) return false;
	}
	if (match.route !== undefined && match.route !== info.route) return false;
	if (match.phloId !== undefined && match.phloId.toLowerCase() !== info.phloId?.toLowerCase()) return false;
	if (match.nodeId !== undefined && match.nodeId.toLowerCase() !== info.nodeId?.toLowerCase()) return false;
	if (match.memberAddress !== undefined && match.memberAddress !== info.memberAddress) return false;
	if (match.action !== undefined && match.action !== action) return false;
	if (match.to !== undefined && match.to !== to) return false;
	if (match.predicate !== undefined && !match.predicate(info)) return false;
	return true;
}

export function matchesFilter(request: RecordedRequest, filter: RequestFilter | undefined): boolean {
	if (filter === undefined) return true;
	if (typeof filter === 'function') return filter(request);
	if (filter.method !== undefined && filter.method.toUpperCase() !== request.method) return false;
	if (filter.path !== undefined) {
		if (typeof filter.path === 'string' ? filter.path !== request.path : !filter.path.test(request.path)) return false;
	}
	if (filter.route !== undefined && filter.route !== request.route) return false;
	if (filter.phloId !== undefined && filter.phloId !== request.phloId) return false;
	if (filter.nodeId !== undefined && filter.nodeId !== request.nodeId) return false;
	if (filter.memberAddress !== undefined && filter.memberAddress !== request.memberAddress) return false;
	if (filter.action !== undefined && filter.action !== request.action) return false;
	if (filter.to !== undefined && filter.to !== request.to) return false;
	if (filter.status !== undefined && filter.status !== request.status) return false;
	if (filter.outcome !== undefined && filter.outcome !== request.outcome) return false;
	if (filter.faulted !== undefined && filter.faulted !== (request.fault !== undefined)) return false;
	return true;
}

interface PhloEntry {
	phlo: Omit<Phlo, 'nodes'>;
	nodes: Map<string, MultiPartyCallNode>;
}

const copyPhlo = (entry: PhloEntry): Phlo => ({
	...entry.phlo,
	nodes: [...entry.nodes.values()].map((node) => ({ ...node })),
});

const emptyStats = (): SimulatorStats => ({
	received: 0,
	byStatus: {},
	rateLimited: 0,
	faultsInjected: 0,
	resets: 0,
	clientClosed: 0,
});

const resolveRateLimit = (value: RateLimit | boolean | undefined): RateLimit | undefined => {
	if (value === undefined || value === false) return undefined;
	if (value === true) return { ...PLIVO_DEFAULT_RATE_LIMIT };
	if (!(value.limit >= 0) || !(value.windowMs > 0)) throw new Error('rateLimit needs limit >= 0 and windowMs > 0');
	return { limit: Math.floor(value.limit), windowMs: value.windowMs };
};

// ---------------------------------------------------------------------------------------------
// The simulator
// ---------------------------------------------------------------------------------------------

class PhloSimulator implements Simulator {
	url = '';
	port = 0;
	readonly host: string;
	readonly authId: string;
	readonly authToken: string;
	readonly authorization: string;

	private readonly server: Server;
	private readonly accountName: string;
	private readonly initialPhlos: PhloInit[];
	private readonly registry = new Map<string, PhloEntry>();
	private readonly recorded: RecordedRequest[] = [];
	private readonly maxRecorded: number;
	private readonly numberFaults: boolean;
	private readonly slowDelayMs: number;
	private readonly hugeBodyBytes: number;
	private readonly maxBodyBytes: number;
	private readonly controlApi: boolean;
	private readonly listeners = new Set<RequestListener>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly windows = new Map<string, SlidingWindow>();
	private readonly hugeBodies = new Map<number, string>();
	private armed: ArmedFault[] = [];
	private nextFaultId = 1;
	private seq = 0;
	private counters: SimulatorStats = emptyStats();
	private latency: number;
	private limit: RateLimit | undefined;
	private record: boolean;
	private closed = false;

	constructor(private readonly options: SimulatorOptions) {
		this.host = options.host ?? '127.0.0.1';
		this.authId = options.authId ?? DEFAULT_AUTH_ID;
		this.authToken = options.authToken ?? DEFAULT_AUTH_TOKEN;
		this.authorization = basicAuthorization(this.authId, this.authToken);
		this.accountName = options.accountName ?? DEFAULT_ACCOUNT_NAME;
		this.maxRecorded = Math.max(1, options.maxRecordedRequests ?? 10_000);
		this.numberFaults = options.numberFaults ?? true;
		this.slowDelayMs = options.slowDelayMs ?? 30_000;
		this.hugeBodyBytes = options.hugeBodyBytes ?? 5 * 1024 * 1024;
		this.maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
		this.controlApi = options.controlApi ?? true;
		this.latency = options.latencyMs ?? 0;
		this.limit = resolveRateLimit(options.rateLimit);
		this.record = options.record ?? true;
		if (options.onRequest) this.listeners.add(options.onRequest);

		// IDs are fixed here so that reset() restores the same registry.
		const seeds: PhloInit[] = [];
		if (options.seedDemoPhlo ?? true) {
			seeds.push({
				phloId: DEMO_PHLO_ID,
				name: DEMO_PHLO_NAME,
				createdOn: DEMO_CREATED_ON,
				nodes: [{ nodeId: DEMO_NODE_ID, name: DEMO_NODE_NAME, createdOn: DEMO_CREATED_ON }],
			});
		}
		for (const init of options.phlos ?? []) seeds.push(init);
		this.initialPhlos = seeds.map((init) => {
			const phlo = this.addPhlo(init);
			return { ...phlo, nodes: phlo.nodes.map((node) => ({ ...node })) };
		});

		this.server = createServer((req, res) => this.handle(req, res));
		this.server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 60_000;
		this.server.headersTimeout = this.server.keepAliveTimeout + 1_000;
	}

	async listen(): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.port ?? 0, this.host, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		const address = this.server.address() as AddressInfo;
		this.port = address.port;
		const host = this.host.includes(':') ? `[${this.host}]` : this.host;
		this.url = `http://${host}:${this.port}`;
	}

	get credentials(): { authId: string; authToken: string; baseUrl: string } {
		return { authId: this.authId, authToken: this.authToken, baseUrl: this.url };
	}

	get requests(): readonly RecordedRequest[] {
		return this.recorded;
	}

	get stats(): SimulatorStats {
		return { ...this.counters, byStatus: { ...this.counters.byStatus } };
	}

	get faults(): readonly FaultHandle[] {
		return this.armed.map((fault) => this.handleOf(fault));
	}

	get latencyMs(): number {
		return this.latency;
	}

	get rateLimit(): RateLimit | undefined {
		return this.limit ? { ...this.limit } : undefined;
	}

	get recording(): boolean {
		return this.record;
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		await new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	reset(): void {
		this.recorded.length = 0;
		this.seq = 0;
		this.counters = emptyStats();
		this.armed = [];
		this.windows.clear();
		this.latency = this.options.latencyMs ?? 0;
		this.limit = resolveRateLimit(this.options.rateLimit);
		this.record = this.options.record ?? true;
		this.registry.clear();
		for (const init of this.initialPhlos) this.addPhlo(init);
	}

	count(filter?: RequestFilter): number {
		if (filter === undefined) return this.recorded.length;
		let n = 0;
		for (const request of this.recorded) if (matchesFilter(request, filter)) n++;
		return n;
	}

	filter(filter?: RequestFilter): RecordedRequest[] {
		return this.recorded.filter((request) => matchesFilter(request, filter));
	}

	last(filter?: RequestFilter): RecordedRequest | undefined {
		for (let i = this.recorded.length - 1; i >= 0; i--) {
			if (matchesFilter(this.recorded[i], filter)) return this.recorded[i];
		}
		return undefined;
	}

	waitForRequests(
		count: number,
		options: { filter?: RequestFilter; timeoutMs?: number } = {},
	): Promise<RecordedRequest[]> {
		const finished = (): RecordedRequest[] =>
			this.recorded.filter((request) => request.outcome !== 'pending' && matchesFilter(request, options.filter));
		const now = finished();
		if (now.length >= count) return Promise.resolve(now);
		return new Promise((resolve, reject) => {
			const timeoutMs = options.timeoutMs ?? 5_000;
			const timer = setTimeout(() => {
				unsubscribe();
				reject(new Error(`waitForRequests: ${finished().length} of ${count} requests after ${timeoutMs} ms`));
			}, timeoutMs);
			const unsubscribe = this.onRequest(() => {
				const done = finished();
				if (done.length < count) return;
				clearTimeout(timer);
				unsubscribe();
				resolve(done);
			});
		});
	}

	addFault(spec: FaultSpec): FaultHandle {
		const times = spec.times ?? Infinity;
		if (!(times > 0)) throw new Error('addFault: times must be positive');
		const match = spec.match ?? {};
		const armed: ArmedFault = {
			id: this.nextFaultId++,
			match,
			fault: spec.fault,
			remaining: times,
			hits: 0,
			bodyFree: !needsBody(match),
		};
		this.armed.push(armed);
		return this.handleOf(armed);
	}

	clearFaults(): void {
		this.armed = [];
	}

	addPhlo(init: PhloInit = {}): Phlo {
		const phloId = init.phloId ?? randomUUID();
		const key = phloId.toLowerCase();
		if (this.registry.has(key)) throw new Error(`addPhlo: PHLO ${phloId} already exists`);
		this.registry.set(key, {
			phlo: { phloId, name: init.name ?? `PHLO ${this.registry.size + 1}`, createdOn: init.createdOn ?? plivoTimestamp() },
			nodes: new Map(),
		});
		for (const node of init.nodes ?? []) this.addMultiPartyCallNode(phloId, node);
		const entry = this.registry.get(key);
		if (!entry) throw new Error('unreachable');
		return copyPhlo(entry);
	}

	addMultiPartyCallNode(phloId: string, init: MultiPartyCallNodeInit = {}): MultiPartyCallNode {
		const entry = this.registry.get(phloId.toLowerCase());
		if (!entry) throw new Error(`addMultiPartyCallNode: no PHLO ${phloId}`);
		const nodeId = init.nodeId ?? randomUUID();
		const key = nodeId.toLowerCase();
		if (entry.nodes.has(key)) throw new Error(`addMultiPartyCallNode: node ${nodeId} already exists`);
		const node: MultiPartyCallNode = {
			nodeId,
			phloId: entry.phlo.phloId,
			name: init.name ?? `Multi-Party Call_${entry.nodes.size + 1}`,
			createdOn: init.createdOn ?? plivoTimestamp(),
		};
		entry.nodes.set(key, node);
		return { ...node };
	}

	removePhlo(phloId: string): boolean {
		return this.registry.delete(phloId.toLowerCase());
	}

	getPhlo(phloId: string): Phlo | undefined {
		const entry = this.registry.get(phloId.toLowerCase());
		return entry ? copyPhlo(entry) : undefined;
	}

	listPhlos(): Phlo[] {
		return [...this.registry.values()].map(copyPhlo);
	}

	setLatency(ms: number): void {
		if (!(ms >= 0)) throw new Error('setLatency: ms must be >= 0');
		this.latency = ms;
	}

	setRateLimit(limit: RateLimit | boolean): void {
		this.limit = resolveRateLimit(limit);
		this.windows.clear();
	}

	setRecording(on: boolean): void {
		this.record = on;
	}

	onRequest(listener: RequestListener): () => void {
		this.listeners.add(listener);
		return () => {
			this.listeners.delete(listener);
		};
	}

	// -------------------------------------------------------------------------------------------
	// Request handling
	// -------------------------------------------------------------------------------------------

	private handleOf(armed: ArmedFault): FaultHandle {
		return {
			id: armed.id,
			match: armed.match,
			fault: armed.fault,
			get hits() {
				return armed.hits;
			},
			get remaining() {
				return armed.remaining;
			},
			remove: () => {
				this.armed = this.armed.filter((candidate) => candidate !== armed);
			},
		};
	}

	private handle(req: IncomingMessage, res: ServerResponse): void {
		const receivedAt = Date.now();
		const rawUrl = req.url ?? '/';
		const q = rawUrl.indexOf('?');
		const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
		const method = req.method ?? 'GET';

		if (this.controlApi && rawPath.startsWith(CONTROL_PREFIX)) {
			this.readBody(req, (body) => handleControl(this, method, rawPath, q < 0 ? '' : rawUrl.slice(q + 1), body, res));
			return;
		}

		this.counters.received++;
		const parsed = parsePath(rawPath);
		const auth = parseBasicAuth(req.headers.authorization);
		const record: RecordedRequest = {
			seq: this.seq++,
			method,
			url: rawUrl,
			path: parsed.path,
			query: q < 0 ? {} : parseQuery(rawUrl.slice(q + 1)),
			headers: req.headers,
			body: '',
			bodyBytes: 0,
			bodyRead: false,
			json: undefined,
			authUser: auth?.user,
			authenticated: auth !== undefined && auth.user === this.authId && auth.password === this.authToken,
			route: routeOf(parsed.pattern, method),
			phloId: parsed.phloId,
			nodeId: parsed.nodeId,
			memberAddress: parsed.memberAddress,
			action: undefined,
			to: undefined,
			fault: undefined,
			status: undefined,
			outcome: 'pending',
			receivedAt,
			bodyReadAt: undefined,
			finishedAt: undefined,
		};
		const exchange: Exchange = { req, res, record, parsed, extraDelayMs: 0, timer: undefined };

		// Faults that act before the body is read: programmatic ones whose criteria are all outside
		// the body, and a fault number in the member address of the path.
		if (this.armed.length > 0 || (this.numberFaults && parsed.memberAddress !== undefined)) {
			const early = this.findFault(exchange, true);
			if (early && early.fault.type === 'reset-before-body') {
				this.applyFault(exchange, early.fault, early.applied);
				return;
			}
		}

		this.readBody(req, (body, bytes, tooLarge) => this.afterBody(exchange, body, bytes, tooLarge));
	}

	private readBody(req: IncomingMessage, done: (body: string, bytes: number, tooLarge: boolean) => void): void {
		const chunks: Buffer[] = [];
		let bytes = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			bytes += chunk.length;
			if (bytes <= this.maxBodyBytes) chunks.push(chunk);
			else tooLarge = true;
		});
		req.on('end', () => {
			const body =
				chunks.length === 0 ? '' : chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
			done(body, bytes, tooLarge);
		});
	}

	private afterBody(exchange: Exchange, body: string, bytes: number, tooLarge: boolean): void {
		const { record } = exchange;
		record.bodyReadAt = Date.now();
		record.bodyRead = true;
		record.body = tooLarge ? '' : body;
		record.bodyBytes = bytes;
		let jsonError = false;
		if (!tooLarge && body.length > 0 && /\S/.test(body)) {
			try {
				record.json = JSON.parse(body) as unknown;
			} catch {
				jsonError = true;
			}
		}
		record.action = stringField(record.json, 'action');
		record.to = stringField(record.json, 'to');
		this.remember(record);

		if (tooLarge) {
			this.sendPlivoError(exchange, 413, MESSAGES.bodyTooLarge);
			return;
		}

		if (this.limit) {
			const key = record.authUser ?? '';
			let window = this.windows.get(key);
			if (!window) {
				window = new SlidingWindow(this.limit);
				this.windows.set(key, window);
			}
			const waitMs = window.take(Date.now());
			if (waitMs > 0) {
				this.counters.rateLimited++;
				record.fault = { type: 'rate-limited', source: 'rate-limit' };
				this.sendJson(exchange, 429, { api_id: randomUUID(), error: MESSAGES.rateLimited }, {
					'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))),
				});
				return;
			}
		}

		if (this.armed.length > 0 || this.numberFaults) {
			const found = this.findFault(exchange, false);
			if (found) {
				this.applyFault(exchange, found.fault, found.applied);
				if (found.fault.type !== 'slow') return;
			}
		}

		this.respond(exchange, jsonError);
	}

	private remember(record: RecordedRequest): void {
		if (!this.record) return;
		if (this.recorded.length >= this.maxRecorded) {
			this.recorded.splice(0, Math.max(1, Math.ceil(this.maxRecorded / 10)));
		}
		this.recorded.push(record);
	}

	/** The first armed fault that matches (then the fault number, if any); `early`: before the body is read. */
	private findFault(exchange: Exchange, early: boolean): { fault: Fault; applied: AppliedFault } | undefined {
		const { record } = exchange;
		if (this.armed.length > 0) {
			const info: FaultRequestInfo = {
				method: record.method,
				path: record.path,
				query: record.query,
				route: record.route,
				phloId: record.phloId,
				nodeId: record.nodeId,
				memberAddress: record.memberAddress,
				json: record.json,
				seq: record.seq,
			};
			for (const armed of this.armed) {
				if (early && (!armed.bodyFree || armed.fault.type !== 'reset-before-body')) continue;
				if (!matchesFault(armed.match, info, record.action, record.to)) continue;
				armed.hits++;
				armed.remaining--;
				if (armed.remaining <= 0) this.armed = this.armed.filter((candidate) => candidate !== armed);
				return { fault: armed.fault, applied: { type: armed.fault.type, source: 'programmatic', faultId: armed.id } };
			}
		}
		if (!this.numberFaults) return undefined;
		const addresses = early ? [record.memberAddress] : [record.memberAddress, record.to];
		for (const address of addresses) {
			const found = faultForAddress(address, this.slowDelayMs);
			if (!found) continue;
			if (early && found.fault.type !== 'reset-before-body') return undefined;
			return { fault: found.fault, applied: { type: found.fault.type, source: 'number', code: found.code } };
		}
		return undefined;
	}

	private applyFault(exchange: Exchange, fault: Fault, applied: AppliedFault): void {
		const { record, req, res } = exchange;
		record.fault = applied;
		this.counters.faultsInjected++;
		const method = record.method;
		const successStatus = method === 'POST' ? 201 : 200;
		switch (fault.type) {
			case 'plivo-error':
				this.sendPlivoError(exchange, fault.status, fault.error ?? `simulated error ${fault.status}`);
				return;
			case 'error-in-success':
				this.sendJson(exchange, successStatus, { api_id: randomUUID(), error: fault.error ?? 'simulated error' });
				return;
			case 'rate-limited': {
				const retryAfter = fault.retryAfterSeconds === undefined ? 1 : fault.retryAfterSeconds;
				this.sendJson(
					exchange,
					429,
					{ api_id: randomUUID(), error: MESSAGES.rateLimited },
					retryAfter === null ? undefined : { 'Retry-After': String(retryAfter) },
				);
				return;
			}
			case 'html-error': {
				const page = HTML_PAGES[fault.status] ?? HTML_PAGES[500];
				this.send(exchange, fault.status, page.body, page.contentType);
				return;
			}
			case 'slow':
				exchange.extraDelayMs += Math.max(0, fault.delayMs);
				return;
			case 'reset-before-body': {
				const remembered = record.bodyRead;
				record.body = '';
				record.bodyBytes = 0;
				record.bodyRead = false;
				record.json = undefined;
				record.bodyReadAt = undefined;
				if (!remembered) this.remember(record);
				this.counters.resets++;
				req.socket.resetAndDestroy();
				this.finish(exchange, 'reset-before-body', undefined);
				return;
			}
			case 'reset-after-body':
				this.later(exchange, this.latency, () => {
					this.counters.resets++;
					req.socket.resetAndDestroy();
					this.finish(exchange, 'reset-after-body', undefined);
				});
				return;
			case 'truncated-json': {
				const text = JSON.stringify(this.successBody(record));
				this.send(exchange, successStatus, text.slice(0, Math.floor(text.length / 2)), 'application/json');
				return;
			}
			case 'closed-mid-body': {
				const text = JSON.stringify(this.successBody(record));
				this.later(exchange, this.latency, () => {
					if (res.destroyed) return;
					res.writeHead(successStatus, {
						'Content-Type': 'application/json',
						'Content-Length': Buffer.byteLength(text),
					});
					res.write(text.slice(0, Math.floor(text.length / 2)), () => res.socket?.destroy());
					this.counters.resets++;
					this.countStatus(successStatus);
					this.finish(exchange, 'closed-mid-body', successStatus);
				});
				return;
			}
			case 'non-json':
				this.send(exchange, fault.status ?? successStatus, NON_JSON_BODY, 'text/html; charset=utf-8');
				return;
			case 'huge-body': {
				const bytes = Math.max(64, fault.bytes ?? this.hugeBodyBytes);
				let text = this.hugeBodies.get(bytes);
				if (text === undefined) {
					const head = `{"api_id":"${randomUUID()}","error":"","padding":"`;
					text = `${head}${'x'.repeat(Math.max(0, bytes - head.length - 2))}"}`;
					this.hugeBodies.set(bytes, text);
				}
				this.send(exchange, successStatus, text, 'application/json');
				return;
			}
		}
	}

	private countStatus(status: number): void {
		this.counters.byStatus[status] = (this.counters.byStatus[status] ?? 0) + 1;
	}

	/** The body the route answers on success: what truncated and cut-off faults send part of. */
	private successBody(record: RecordedRequest): Record<string, unknown> {
		const apiId = randomUUID();
		const entry = record.phloId === undefined ? undefined : this.registry.get(record.phloId.toLowerCase());
		switch (record.route) {
			case 'phlo.get':
				return { api_id: apiId, phlo_id: record.phloId, name: entry?.phlo.name ?? 'PHLO', created_on: entry?.phlo.createdOn ?? plivoTimestamp() };
			case 'phlo.run':
				return { api_id: apiId, phlo_id: record.phloId, name: entry?.phlo.name ?? 'PHLO', message: MESSAGES.runStarted(apiId) };
			case 'account.get':
				return this.accountObject(apiId);
			case 'multiPartyCall.get': {
				const node = record.nodeId === undefined ? undefined : entry?.nodes.get(record.nodeId.toLowerCase());
				return {
					api_id: apiId,
					node_id: record.nodeId,
					phlo_id: record.phloId,
					name: node?.name ?? 'Multi-Party Call_1',
					node_type: 'multi_party_call',
					created_on: node?.createdOn ?? plivoTimestamp(),
				};
			}
			default:
				return { api_id: apiId, error: '' };
		}
	}

	private accountObject(apiId: string): Record<string, unknown> {
		return {
			account_type: 'standard',
			address: '',
			api_id: apiId,
			auth_id: this.authId,
			auto_recharge: false,
			billing_mode: 'prepaid',
			cash_credits: '10.00000',
			city: '',
			name: this.accountName,
			resource_uri: `/v1/Account/${this.authId}/`,
			state: '',
			timezone: 'Etc/UTC',
		};
	}

	/** The normal answer: route, method, credentials, registry, body validation, in that order. */
	private respond(exchange: Exchange, jsonError: boolean): void {
		const { record, parsed } = exchange;
		if (parsed.pattern === undefined) {
			this.sendPlivoError(exchange, 404, MESSAGES.notFound);
			return;
		}
		if (record.route === undefined) {
			this.sendPlivoError(exchange, 405, MESSAGES.methodNotAllowed, {
				Allow: ALLOWED_METHODS[parsed.pattern].join(', '),
			});
			return;
		}
		if (!record.authenticated) {
			this.sendPlivoError(exchange, 401, MESSAGES.unauthorized);
			return;
		}
		if (parsed.accountId !== undefined && parsed.accountId !== this.authId) {
			this.sendPlivoError(exchange, 401, MESSAGES.accountMismatch);
			return;
		}
		if (record.route === 'account.get') {
			this.sendJson(exchange, 200, this.accountObject(randomUUID()));
			return;
		}

		const entry = this.registry.get((parsed.phloId ?? '').toLowerCase());
		if (!entry) {
			this.sendPlivoError(exchange, 404, MESSAGES.phloNotFound);
			return;
		}
		const { phlo } = entry;
		if (record.route === 'phlo.get') {
			this.sendJson(exchange, 200, { api_id: randomUUID(), phlo_id: phlo.phloId, name: phlo.name, created_on: phlo.createdOn });
			return;
		}
		if (record.route === 'phlo.run') {
			if (jsonError) {
				this.sendPlivoError(exchange, 400, MESSAGES.invalidJson);
				return;
			}
			// No body, or `""` (what the plivo SDK sends for run() without a payload), is an empty payload.
			const payload = record.json === undefined || record.json === '' ? {} : record.json;
			if (!isObject(payload)) {
				this.sendPlivoError(exchange, 400, MESSAGES.payloadNotObject);
				return;
			}
			const apiId = randomUUID();
			this.sendJson(exchange, 201, { api_id: apiId, phlo_id: phlo.phloId, name: phlo.name, message: MESSAGES.runStarted(apiId) });
			return;
		}

		const node = entry.nodes.get((parsed.nodeId ?? '').toLowerCase());
		if (!node) {
			this.sendPlivoError(exchange, 404, MESSAGES.nodeNotFound);
			return;
		}
		if (record.route === 'multiPartyCall.get') {
			this.sendJson(exchange, 200, {
				api_id: randomUUID(),
				node_id: node.nodeId,
				phlo_id: node.phloId,
				name: node.name,
				node_type: 'multi_party_call',
				created_on: node.createdOn,
			});
			return;
		}

		// POST to the node or to a member: validate the body.
		const invalid = jsonError ? MESSAGES.invalidJson : this.validateAction(record);
		if (invalid !== undefined) {
			this.sendPlivoError(exchange, 400, invalid);
			return;
		}
		this.sendJson(exchange, 201, { api_id: randomUUID(), error: '' });
	}

	private validateAction(record: RecordedRequest): string | undefined {
		const json = record.json;
		if (!isObject(json)) return MESSAGES.bodyNotObject;
		const action = json.action;
		if (action === undefined || action === null || action === '') return MESSAGES.missingAction;
		const actionText = typeof action === 'string' ? action : JSON.stringify(action);
		if (record.route === 'multiPartyCall.member') {
			return (MEMBER_ACTIONS as readonly unknown[]).includes(action) ? undefined : MESSAGES.invalidMemberAction(actionText);
		}
		if (!(DIAL_ACTIONS as readonly unknown[]).includes(action)) return MESSAGES.invalidDialAction(actionText);
		if (typeof json.to !== 'string' || json.to.trim() === '') return MESSAGES.missingTo;
		if (typeof json.trigger_source !== 'string' || json.trigger_source.trim() === '') return MESSAGES.missingTriggerSource;
		if (!(ROLES as readonly unknown[]).includes(json.role)) {
			return MESSAGES.invalidRole(typeof json.role === 'string' ? json.role : String(JSON.stringify(json.role)));
		}
		return undefined;
	}

	// -------------------------------------------------------------------------------------------
	// Answers
	// -------------------------------------------------------------------------------------------

	private sendPlivoError(exchange: Exchange, status: number, error: string, headers?: OutgoingHttpHeaders): void {
		this.sendJson(exchange, status, { api_id: randomUUID(), error }, headers);
	}

	private sendJson(exchange: Exchange, status: number, body: Record<string, unknown>, headers?: OutgoingHttpHeaders): void {
		this.send(exchange, status, JSON.stringify(body), 'application/json', headers);
	}

	private send(exchange: Exchange, status: number, body: string, contentType: string, headers?: OutgoingHttpHeaders): void {
		const delay = this.latency + exchange.extraDelayMs;
		if (delay > 0) {
			this.later(exchange, delay, () => this.write(exchange, status, body, contentType, headers));
		} else {
			this.write(exchange, status, body, contentType, headers);
		}
	}

	private write(exchange: Exchange, status: number, body: string, contentType: string, headers?: OutgoingHttpHeaders): void {
		const { res } = exchange;
		if (res.destroyed) {
			if (exchange.record.outcome === 'pending') this.counters.clientClosed++;
			this.finish(exchange, 'client-closed', undefined);
			return;
		}
		res.writeHead(status, {
			...headers,
			'Content-Type': contentType,
			'Content-Length': Buffer.byteLength(body),
		});
		res.end(body);
		this.countStatus(status);
		this.finish(exchange, 'answered', status);
	}

	/** Runs `action` after `ms` (at once when 0); if the client leaves first, records that instead. */
	private later(exchange: Exchange, ms: number, action: () => void): void {
		if (ms <= 0) {
			action();
			return;
		}
		const onClose = (): void => {
			if (exchange.timer !== undefined) {
				clearTimeout(exchange.timer);
				this.timers.delete(exchange.timer);
				exchange.timer = undefined;
			}
			if (exchange.record.outcome === 'pending') {
				this.counters.clientClosed++;
				this.finish(exchange, 'client-closed', undefined);
			}
		};
		exchange.res.once('close', onClose);
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			exchange.timer = undefined;
			exchange.res.off('close', onClose);
			action();
		}, ms);
		exchange.timer = timer;
		this.timers.add(timer);
	}

	private finish(exchange: Exchange, outcome: RequestOutcome, status: number | undefined): void {
		const { record } = exchange;
		if (record.outcome !== 'pending') return;
		record.outcome = outcome;
		record.status = status;
		record.finishedAt = Date.now();
		if (this.listeners.size === 0) return;
		for (const listener of this.listeners) {
			try {
				listener(record);
			} catch {
				// A listener's failure must not break the exchange.
			}
		}
	}
}

/** Starts a simulator on 127.0.0.1 (a free port unless `port` is given). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const simulator = new PhloSimulator(options);
	await simulator.listen();
	return simulator;
}
