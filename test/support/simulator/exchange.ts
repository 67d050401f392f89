/**
 * One request in flight, from its headers to the moment it is finished: writing the answer after the
 * configured latency, noticing a client that leaves first, and recording the outcome exactly once.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

import type { Recorder } from './recording';
import type { ParsedPath } from './request';
import type { Answer } from './routes';
import type { RecordedRequest, RequestOutcome } from './types';

/** What an exchange needs of the simulator that owns it. */
export interface ExchangeHost {
	readonly recorder: Recorder;
	/** Pending timers, cleared when the simulator closes. */
	readonly timers: Set<NodeJS.Timeout>;
	/** Read at answer time, so that `setLatency` also affects requests already being read. */
	latencyMs(): number;
	/** While the simulator refuses connections, answers close theirs, so that no client keeps one open through the outage. */
	refusing(): boolean;
}

export class Exchange {
	/** Extra delay from a slow fault. */
	extraDelayMs = 0;
	private timer: NodeJS.Timeout | undefined;

	constructor(
		readonly req: IncomingMessage,
		readonly res: ServerResponse,
		readonly record: RecordedRequest,
		readonly parsed: ParsedPath,
		private readonly host: ExchangeHost,
	) {}

	get recorder(): Recorder {
		return this.host.recorder;
	}

	get latencyMs(): number {
		return this.host.latencyMs();
	}

	answer({ status, body, headers }: Answer): void {
		this.send(status, JSON.stringify(body), 'application/json', headers);
	}

	/** Writes the answer after the latency and any slow-fault delay. */
	send(status: number, body: string, contentType: string, headers?: OutgoingHttpHeaders): void {
		const delay = this.latencyMs + this.extraDelayMs;
		if (delay > 0) {
			this.later(delay, () => this.write(status, body, contentType, headers));
		} else {
			this.write(status, body, contentType, headers);
		}
	}

	private write(status: number, body: string, contentType: string, headers?: OutgoingHttpHeaders): void {
		const { res } = this;
		if (res.destroyed) {
			if (this.record.outcome === 'pending') this.recorder.counters.clientClosed++;
			this.finish('client-closed', undefined);
			return;
		}
		res.writeHead(status, {
			...headers,
			...(this.host.refusing() ? { Connection: 'close' } : {}),
			'Content-Type': contentType,
			'Content-Length': Buffer.byteLength(body),
		});
		res.end(body);
		this.recorder.countStatus(status);
		this.finish('answered', status);
	}

	/** Runs `action` after `ms` (at once when 0); if the client leaves first, records that instead. */
	later(ms: number, action: () => void): void {
		if (ms <= 0) {
			action();
			return;
		}
		const { timers } = this.host;
		const onClose = (): void => {
			if (this.timer !== undefined) {
				clearTimeout(this.timer);
				timers.delete(this.timer);
				this.timer = undefined;
			}
			if (this.record.outcome === 'pending') {
				this.recorder.counters.clientClosed++;
				this.finish('client-closed', undefined);
			}
		};
		this.res.once('close', onClose);
		const timer = setTimeout(() => {
			timers.delete(timer);
			this.timer = undefined;
			this.res.off('close', onClose);
			action();
		}, ms);
		this.timer = timer;
		timers.add(timer);
	}

	/** Records how the request ended and tells the listeners; later calls are ignored. */
	finish(outcome: RequestOutcome, status: number | undefined): void {
		const { record } = this;
		if (record.outcome !== 'pending') return;
		record.outcome = outcome;
		record.status = status;
		record.finishedAt = Date.now();
		this.recorder.notify(record);
	}
}
