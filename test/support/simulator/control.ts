/**
 * The simulator's control API, for a process that did not start it (a CLI-run simulator, as
 * `scripts/bench.ts` uses). No authentication: the simulator listens on loopback only. Not part of
 * Plivo's API; its requests are neither recorded nor counted.
 *
 *   GET  /__simulator/requests?since=N  recorded requests with seq >= N
 *   POST /__simulator/reset             Simulator.reset()
 *   PUT  /__simulator/config            {"latencyMs":N,"rateLimit":{"limit":N,"windowMs":N}|true|false,"record":bool}
 *   POST /__simulator/faults            a FaultSpec: {"fault":{"type",…},"match":{"to"},"times","afterMs","forMs"}
 *   POST /__simulator/refuse            {"forMs":N}: answers, then refuses connections for N ms (this API too)
 */
import type { ServerResponse } from 'node:http';

import type { Fault, FaultSpec } from './faults';
import { isObject } from './request';
import type { RateLimit, Simulator } from './types';

export const CONTROL_PREFIX = '/__simulator/';

/** The part of a simulator the control API drives. */
export type ControlTarget = Pick<
	Simulator,
	| 'requests'
	| 'reset'
	| 'latencyMs'
	| 'rateLimit'
	| 'recording'
	| 'setLatency'
	| 'setRateLimit'
	| 'setRecording'
	| 'addFault'
	| 'refuseConnections'
>;

/** A mistake in the caller's request: 400, where anything else thrown is the simulator's own 500. */
class ControlError extends Error {}

function optionalNumber(source: Record<string, unknown>, key: string): number | undefined {
	const value = source[key];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'number' || !Number.isFinite(value)) throw new ControlError(`${key} must be a number`);
	return value;
}

function requiredNumber(source: Record<string, unknown>, key: string): number {
	const value = optionalNumber(source, key);
	if (value === undefined) throw new ControlError(`${key} is required`);
	return value;
}

function optionalString(source: Record<string, unknown>, key: string): string | undefined {
	const value = source[key];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw new ControlError(`${key} must be a string`);
	return value;
}

/** A fault as `addFault` takes it, read field by field from JSON: only the fields its type has. */
function parseFault(value: unknown): Fault {
	if (!isObject(value)) throw new ControlError('fault must be an object with a "type"');
	const { type } = value;
	switch (type) {
		case 'plivo-error':
			return { type, status: requiredNumber(value, 'status'), error: optionalString(value, 'error') };
		case 'error-in-success':
			return { type, error: optionalString(value, 'error') };
		case 'rate-limited':
			// null means "no Retry-After header", which is not the same as leaving it out (1 s).
			return { type, retryAfterSeconds: value.retryAfterSeconds === null ? null : optionalNumber(value, 'retryAfterSeconds') };
		case 'html-error':
			return { type, status: requiredNumber(value, 'status') };
		case 'slow':
			return { type, delayMs: requiredNumber(value, 'delayMs') };
		case 'non-json':
			return { type, status: optionalNumber(value, 'status') };
		case 'huge-body':
			return { type, bytes: optionalNumber(value, 'bytes') };
		case 'reset-before-body':
		case 'reset-after-body':
		case 'truncated-json':
		case 'closed-mid-body':
			return { type };
		default:
			throw new ControlError(`unknown fault type ${JSON.stringify(type)}`);
	}
}

function parseFaultSpec(body: string): FaultSpec {
	const spec = parseJsonBody(body);
	if (!isObject(spec)) throw new ControlError('the body must be an object');
	let match: FaultSpec['match'];
	if (spec.match !== undefined && spec.match !== null) {
		if (!isObject(spec.match)) throw new ControlError('match must be an object');
		match = { to: optionalString(spec.match, 'to') };
	}
	return {
		fault: parseFault(spec.fault),
		match,
		times: optionalNumber(spec, 'times'),
		afterMs: optionalNumber(spec, 'afterMs'),
		forMs: optionalNumber(spec, 'forMs'),
	};
}

function parseRateLimit(value: unknown): RateLimit | boolean {
	if (typeof value === 'boolean') return value;
	if (!isObject(value)) throw new ControlError('rateLimit must be true, false or {"limit","windowMs"}');
	return { limit: requiredNumber(value, 'limit'), windowMs: requiredNumber(value, 'windowMs') };
}

function parseJsonBody(body: string): unknown {
	if (body.trim() === '') return {};
	try {
		return JSON.parse(body) as unknown;
	} catch {
		throw new ControlError('the body is not valid JSON');
	}
}

function reply(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
	res.end(text);
}

function configure(sim: ControlTarget, body: string): void {
	const config = parseJsonBody(body);
	if (!isObject(config)) throw new ControlError('the body must be an object');
	const latency = optionalNumber(config, 'latencyMs');
	if (latency !== undefined) sim.setLatency(latency);
	if (config.rateLimit !== undefined) sim.setRateLimit(parseRateLimit(config.rateLimit));
	if (config.record !== undefined) {
		if (typeof config.record !== 'boolean') throw new ControlError('record must be a boolean');
		sim.setRecording(config.record);
	}
}

export function handleControl(
	sim: ControlTarget,
	method: string,
	rawPath: string,
	rawQuery: string,
	body: string,
	res: ServerResponse,
): void {
	const path = rawPath.slice(CONTROL_PREFIX.length).replace(/\/+$/, '');
	try {
		if (method === 'GET' && path === 'requests') {
			const since = Number(new URLSearchParams(rawQuery).get('since') ?? '0');
			reply(res, 200, { requests: sim.requests.filter((request) => request.seq >= (Number.isFinite(since) ? since : 0)) });
		} else if (method === 'POST' && path === 'reset') {
			sim.reset();
			reply(res, 200, { ok: true });
		} else if (method === 'PUT' && path === 'config') {
			configure(sim, body);
			reply(res, 200, { latencyMs: sim.latencyMs, rateLimit: sim.rateLimit ?? null, recording: sim.recording });
		} else if (method === 'POST' && path === 'faults') {
			const spec = parseFaultSpec(body);
			try {
				sim.addFault(spec);
			} catch (error) {
				// Values addFault refuses (times 0, a negative afterMs) are the caller's mistake too.
				throw new ControlError(error instanceof Error ? error.message : String(error));
			}
			reply(res, 200, { armed: spec });
		} else if (method === 'POST' && path === 'refuse') {
			const config = parseJsonBody(body);
			if (!isObject(config)) throw new ControlError('the body must be an object');
			const forMs = requiredNumber(config, 'forMs');
			if (!(forMs > 0)) throw new ControlError('forMs must be positive');
			// The answer goes out first, closing its connection: once the port is closed, this caller
			// could not hear it, and a kept-alive connection would reach the simulator through the outage.
			res.setHeader('Connection', 'close');
			res.once('finish', () => sim.refuseConnections(forMs));
			reply(res, 200, { refusingForMs: forMs });
		} else {
			reply(res, 404, { error: `unknown control endpoint ${method} ${rawPath}` });
		}
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		reply(res, error instanceof ControlError ? 400 : 500, { error: message });
	}
}
