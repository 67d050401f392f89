/**
 * What the simulator remembers about the requests it saw: the recorded requests (capped), the
 * counters, the listeners told of each finished request, and the filters tests query them with.
 */
import type { RecordedRequest, RequestFilter, RequestListener, SimulatorStats } from './types';

const emptyStats = (): SimulatorStats => ({
	received: 0,
	byStatus: {},
	rateLimited: 0,
	faultsInjected: 0,
	resets: 0,
	clientClosed: 0,
});

function matchesFilter(request: RecordedRequest, filter: RequestFilter | undefined): boolean {
	if (filter === undefined) return true;
	if (typeof filter === 'function') return filter(request);
	if (filter.path !== undefined && filter.path !== request.path) return false;
	if (filter.route !== undefined && filter.route !== request.route) return false;
	if (filter.action !== undefined && filter.action !== request.action) return false;
	if (filter.to !== undefined && filter.to !== request.to) return false;
	if (filter.status !== undefined && filter.status !== request.status) return false;
	return true;
}

export class Recorder {
	/** Kept as one array for the simulator's life: tests may hold on to `sim.requests`. */
	readonly requests: RecordedRequest[] = [];
	/** Replaced on clear(); requests still in flight then count in the new one, as they finish after it. */
	counters: SimulatorStats = emptyStats();
	recording: boolean;
	private readonly max: number;
	private readonly listeners = new Set<RequestListener>();
	private seq = 0;

	constructor(options: { maxRecordedRequests: number; record: boolean }) {
		this.max = Math.max(1, options.maxRecordedRequests);
		this.recording = options.record;
	}

	nextSeq(): number {
		return this.seq++;
	}

	/** Forgets requests and counters; `seq` restarts at 0. Listeners stay. */
	clear(): void {
		this.requests.length = 0;
		this.seq = 0;
		this.counters = emptyStats();
	}

	/** A copy, so that a caller's snapshot does not change under it. */
	stats(): SimulatorStats {
		return { ...this.counters, byStatus: { ...this.counters.byStatus } };
	}

	countStatus(status: number): void {
		this.counters.byStatus[status] = (this.counters.byStatus[status] ?? 0) + 1;
	}

	/** Keeps the request, if recording; past the cap the oldest tenth goes at once, so that splicing stays rare. */
	remember(record: RecordedRequest): void {
		if (!this.recording) return;
		if (this.requests.length >= this.max) this.requests.splice(0, Math.max(1, Math.ceil(this.max / 10)));
		this.requests.push(record);
	}

	count(filter?: RequestFilter): number {
		if (filter === undefined) return this.requests.length;
		let n = 0;
		for (const request of this.requests) if (matchesFilter(request, filter)) n++;
		return n;
	}

	filter(filter?: RequestFilter): RecordedRequest[] {
		return this.requests.filter((request) => matchesFilter(request, filter));
	}

	last(filter?: RequestFilter): RecordedRequest | undefined {
		for (let i = this.requests.length - 1; i >= 0; i--) {
			if (matchesFilter(this.requests[i], filter)) return this.requests[i];
		}
		return undefined;
	}

	listen(listener: RequestListener): () => void {
		this.listeners.add(listener);
		return () => {
			this.listeners.delete(listener);
		};
	}

	notify(record: RecordedRequest): void {
		for (const listener of this.listeners) {
			try {
				listener(record);
			} catch {
				// A listener's failure must not break the exchange.
			}
		}
	}
}
