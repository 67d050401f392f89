/**
 * Playing a fault: the answer (or the broken connection) that replaces the normal one. Which fault
 * applies is decided in `injection.ts`.
 */
import { randomUUID } from 'node:crypto';

import { MESSAGES } from './constants';
import type { Exchange } from './exchange';
import type { FoundFault } from './injection';
import { plivoError } from './routes';
import type { RecordedRequest } from './types';

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
};

const NON_JSON_BODY =
	'<!DOCTYPE html>\n<html><head><title>PHLO</title></head><body><p>Request accepted</p></body></html>\n';

export class FaultAnswers {
	/** Built once per size: a 5 MiB string per request would dominate a benchmark. */
	private readonly hugeBodies = new Map<number, string>();

	constructor(
		private readonly hugeBodyBytes: number,
		/** The route's success body, for the faults that send a broken copy of it. */
		private readonly successBody: (record: RecordedRequest) => Record<string, unknown>,
	) {}

	/** Plays the fault. A slow fault only adds delay: the caller still sends the normal answer. */
	apply(exchange: Exchange, { fault, applied }: FoundFault): void {
		const { record, req, res, recorder } = exchange;
		record.fault = applied;
		recorder.counters.faultsInjected++;
		const successStatus = record.method === 'POST' ? 201 : 200;
		switch (fault.type) {
			case 'plivo-error':
				exchange.answer(plivoError(fault.status, fault.error ?? `simulated error ${fault.status}`));
				return;
			case 'error-in-success':
				exchange.answer({ status: successStatus, body: { api_id: randomUUID(), error: fault.error ?? 'simulated error' } });
				return;
			case 'rate-limited': {
				const retryAfter = fault.retryAfterSeconds === undefined ? 1 : fault.retryAfterSeconds;
				exchange.answer(plivoError(429, MESSAGES.rateLimited, retryAfter === null ? undefined : { 'Retry-After': String(retryAfter) }));
				return;
			}
			case 'html-error': {
				const page = HTML_PAGES[fault.status] ?? HTML_PAGES[500];
				exchange.send(fault.status, page.body, page.contentType);
				return;
			}
			case 'slow':
				exchange.extraDelayMs += Math.max(0, fault.delayMs);
				return;
			case 'reset-before-body': {
				// Selected by `to`, the body had to be read; the client sees a request never received, so record it so.
				const remembered = record.bodyRead;
				record.body = '';
				record.bodyBytes = 0;
				record.bodyRead = false;
				record.json = undefined;
				record.bodyReadAt = undefined;
				if (!remembered) recorder.remember(record);
				recorder.counters.resets++;
				req.socket.resetAndDestroy();
				exchange.finish('reset-before-body', undefined);
				return;
			}
			case 'reset-after-body':
				exchange.later(exchange.latencyMs, () => {
					recorder.counters.resets++;
					req.socket.resetAndDestroy();
					exchange.finish('reset-after-body', undefined);
				});
				return;
			case 'truncated-json': {
				const text = JSON.stringify(this.successBody(record));
				exchange.send(successStatus, text.slice(0, Math.floor(text.length / 2)), 'application/json');
				return;
			}
			case 'closed-mid-body': {
				const text = JSON.stringify(this.successBody(record));
				exchange.later(exchange.latencyMs, () => {
					if (res.destroyed) return;
					res.writeHead(successStatus, {
						'Content-Type': 'application/json',
						'Content-Length': Buffer.byteLength(text),
					});
					res.write(text.slice(0, Math.floor(text.length / 2)), () => res.socket?.destroy());
					recorder.counters.resets++;
					recorder.countStatus(successStatus);
					exchange.finish('closed-mid-body', successStatus);
				});
				return;
			}
			case 'non-json':
				exchange.send(fault.status ?? successStatus, NON_JSON_BODY, 'text/html; charset=utf-8');
				return;
			case 'huge-body': {
				const bytes = Math.max(64, fault.bytes ?? this.hugeBodyBytes);
				let text = this.hugeBodies.get(bytes);
				if (text === undefined) {
					const head = `{"api_id":"${randomUUID()}","error":"","padding":"`;
					text = `${head}${'x'.repeat(Math.max(0, bytes - head.length - 2))}"}`;
					this.hugeBodies.set(bytes, text);
				}
				exchange.send(successStatus, text, 'application/json');
				return;
			}
		}
	}
}
