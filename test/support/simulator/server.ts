/**
 * The simulator's HTTP server and its lifecycle: start, the path of each request through the rate
 * limiter, faults and routes, the settings tests change, and close.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import {
	DEFAULT_ACCOUNT_NAME,
	DEFAULT_AUTH_ID,
	DEFAULT_AUTH_TOKEN,
	DEFAULTS,
	KEEP_ALIVE_TIMEOUT_MS,
	MAX_BODY_BYTES,
	MESSAGES,
} from './constants';
import { CONTROL_PREFIX, handleControl } from './control';
import { Exchange, type ExchangeHost } from './exchange';
import { FaultAnswers } from './fault-answers';
import type { FaultSpec } from './faults';
import { ArmedFaults, numberFault, RateLimiter, type FoundFault } from './injection';
import { Recorder } from './recording';
import { PhloRegistry } from './registry';
import { openRecord, readBody, recordBody, splitTarget } from './request';
import { plivoError, Routes } from './routes';
import type {
	RateLimit,
	RecordedRequest,
	RequestFilter,
	RequestListener,
	Simulator,
	SimulatorOptions,
	SimulatorStats,
} from './types';

class PhloSimulator implements Simulator {
	url = '';
	port = 0;
	readonly authId: string;
	readonly authToken: string;

	private readonly server: Server;
	private readonly host: string;
	private readonly recorder: Recorder;
	private readonly limiter: RateLimiter;
	private readonly faults = new ArmedFaults();
	private readonly routes: Routes;
	private readonly faultAnswers: FaultAnswers;
	private readonly exchangeHost: ExchangeHost;
	private readonly numberFaults: boolean;
	private readonly slowDelayMs: number;
	private readonly controlApi: boolean;
	private readonly timers = new Set<NodeJS.Timeout>();
	private latency: number;
	private closed = false;
	/** Set while the port is closed by `refuseConnections`: the timer that listens again. */
	private reopenTimer: NodeJS.Timeout | undefined;
	private refusingUntil = 0;

	constructor(private readonly options: SimulatorOptions) {
		this.host = options.host ?? '127.0.0.1';
		this.authId = options.authId ?? DEFAULT_AUTH_ID;
		this.authToken = options.authToken ?? DEFAULT_AUTH_TOKEN;
		this.numberFaults = options.numberFaults ?? true;
		this.slowDelayMs = options.slowDelayMs ?? DEFAULTS.slowDelayMs;
		this.controlApi = options.controlApi ?? true;
		this.latency = options.latencyMs ?? 0;
		this.limiter = new RateLimiter(options.rateLimit);
		this.recorder = new Recorder({
			maxRecordedRequests: options.maxRecordedRequests ?? DEFAULTS.maxRecordedRequests,
			record: options.record ?? true,
		});
		if (options.onRequest) this.recorder.listen(options.onRequest);
		this.routes = new Routes(
			{ authId: this.authId, accountName: options.accountName ?? DEFAULT_ACCOUNT_NAME },
			new PhloRegistry(options),
		);
		this.faultAnswers = new FaultAnswers(options.hugeBodyBytes ?? DEFAULTS.hugeBodyBytes, (record) =>
			this.routes.successBody(record),
		);
		this.exchangeHost = {
			recorder: this.recorder,
			timers: this.timers,
			latencyMs: () => this.latency,
			refusing: () => this.refusing,
		};

		this.server = createServer((req, res) => this.handle(req, res));
		this.server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
		this.server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
	}

	async listen(): Promise<void> {
		await this.listenOn(this.options.port ?? 0);
		const address = this.server.address();
		if (address === null || typeof address === 'string') throw new Error('the simulator is not listening on a TCP port');
		this.port = address.port;
		const host = this.host.includes(':') ? `[${this.host}]` : this.host;
		this.url = `http://${host}:${this.port}`;
	}

	private async listenOn(port: number): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, this.host, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
	}

	get credentials(): { authId: string; authToken: string; baseUrl: string } {
		return { authId: this.authId, authToken: this.authToken, baseUrl: this.url };
	}

	get requests(): readonly RecordedRequest[] {
		return this.recorder.requests;
	}

	get stats(): SimulatorStats {
		return this.recorder.stats();
	}

	get latencyMs(): number {
		return this.latency;
	}

	get rateLimit(): RateLimit | undefined {
		return this.limiter.rule;
	}

	get recording(): boolean {
		return this.recorder.recording;
	}

	get refusing(): boolean {
		return this.reopenTimer !== undefined;
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		clearTimeout(this.reopenTimer);
		this.reopenTimer = undefined;
		await new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	reset(): void {
		this.recorder.clear();
		this.faults.clear();
		this.latency = this.options.latencyMs ?? 0;
		this.limiter.set(this.options.rateLimit);
		this.recorder.recording = this.options.record ?? true;
		if (this.refusing) this.scheduleReopen(0);
	}

	count(filter?: RequestFilter): number {
		return this.recorder.count(filter);
	}

	filter(filter?: RequestFilter): RecordedRequest[] {
		return this.recorder.filter(filter);
	}

	last(filter?: RequestFilter): RecordedRequest | undefined {
		return this.recorder.last(filter);
	}

	addFault(spec: FaultSpec): void {
		this.faults.add(spec);
	}

	setLatency(ms: number): void {
		if (!(ms >= 0)) throw new Error('setLatency: ms must be >= 0');
		this.latency = ms;
	}

	setRateLimit(limit: RateLimit | boolean): void {
		this.limiter.set(limit);
	}

	setRecording(on: boolean): void {
		this.recorder.recording = on;
	}

	onRequest(listener: RequestListener): () => void {
		return this.recorder.listen(listener);
	}

	refuseConnections(forMs: number): void {
		if (!(forMs > 0)) throw new Error('refuseConnections: forMs must be positive');
		if (this.closed) return;
		this.refusingUntil = Math.max(this.refusingUntil, Date.now() + forMs);
		if (this.server.listening) {
			// Closing the listening socket is what makes connecting fail at once with ECONNREFUSED, as a
			// stopped server does; idle keep-alive connections would otherwise still reach us.
			this.server.close();
			this.server.closeIdleConnections();
		}
		this.scheduleReopen(this.refusingUntil - Date.now());
	}

	/** Listens again on the same port after `ms`; should the port be taken meanwhile, tries again shortly. */
	private scheduleReopen(ms: number): void {
		clearTimeout(this.reopenTimer);
		const timer = setTimeout(() => {
			if (this.closed || this.reopenTimer !== timer) return;
			this.listenOn(this.port).then(
				() => {
					if (this.reopenTimer !== timer) return;
					this.reopenTimer = undefined;
					this.refusingUntil = 0;
				},
				() => {
					if (!this.closed && this.reopenTimer === timer) this.scheduleReopen(100);
				},
			);
		}, ms);
		this.reopenTimer = timer;
	}

	private handle(req: IncomingMessage, res: ServerResponse): void {
		const { rawPath, rawQuery } = splitTarget(req.url ?? '/');
		if (this.controlApi && rawPath.startsWith(CONTROL_PREFIX)) {
			readBody(req, MAX_BODY_BYTES, (body) => handleControl(this, req.method ?? 'GET', rawPath, rawQuery, body, res));
			return;
		}

		this.recorder.counters.received++;
		const { record, parsed } = openRecord(req, this.recorder.nextSeq(), this);
		const exchange = new Exchange(req, res, record, parsed, this.exchangeHost);

		// Faults that act before the body is read: an armed reset-before-body fault without a `to`
		// to check, and a fault number in the member address of the path.
		if (this.faults.size > 0 || (this.numberFaults && parsed.memberAddress !== undefined)) {
			const early = this.findFault(record, true);
			if (early && early.fault.type === 'reset-before-body') {
				this.faultAnswers.apply(exchange, early);
				return;
			}
		}

		readBody(req, MAX_BODY_BYTES, (body, bytes, tooLarge) => this.afterBody(exchange, body, bytes, tooLarge));
	}

	private afterBody(exchange: Exchange, body: string, bytes: number, tooLarge: boolean): void {
		const { record } = exchange;
		const jsonError = recordBody(record, body, bytes, tooLarge);
		this.recorder.remember(record);

		if (tooLarge) {
			exchange.answer(plivoError(413, MESSAGES.bodyTooLarge));
			return;
		}

		const waitMs = this.limiter.take(record.authUser ?? '');
		if (waitMs > 0) {
			this.recorder.counters.rateLimited++;
			record.fault = { type: 'rate-limited', source: 'rate-limit' };
			exchange.answer(plivoError(429, MESSAGES.rateLimited, { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) }));
			return;
		}

		if (this.faults.size > 0 || this.numberFaults) {
			const found = this.findFault(record, false);
			if (found) {
				this.faultAnswers.apply(exchange, found);
				// A slow fault delays the normal answer, which still validates the request.
				if (found.fault.type !== 'slow') return;
			}
		}

		exchange.answer(this.routes.answer(record, exchange.parsed, jsonError));
	}

	/** Armed faults first, in the order they were added, then the fault number; `early`: before the body is read. */
	private findFault(record: RecordedRequest, early: boolean): FoundFault | undefined {
		return this.faults.take(record, early) ?? (this.numberFaults ? numberFault(record, early, this.slowDelayMs) : undefined);
	}
}

/** Starts a simulator on 127.0.0.1 (a free port unless `port` is given). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const simulator = new PhloSimulator(options);
	await simulator.listen();
	return simulator;
}
