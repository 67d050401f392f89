/**
 * The simulator's control API, for a process that did not start it (a CLI-run simulator, as
 * `scripts/bench.ts` uses). No authentication: the simulator listens on loopback only. Not part of
 * Plivo's API; its requests are neither recorded nor counted.
 *
 *   GET  /__simulator/requests?since=N  recorded requests with seq >= N
 *   POST /__simulator/reset             Simulator.reset()
 *   PUT  /__simulator/config            {"latencyMs":N,"rateLimit":{"limit":N,"windowMs":N}|true|false,"record":bool}
 */
import type { ServerResponse } from 'node:http';

import { isObject } from './request';
import type { RateLimit, Simulator } from './types';

export const CONTROL_PREFIX = '/__simulator/';

/** The part of a simulator the control API drives. */
export type ControlTarget = Pick<
	Simulator,
	'requests' | 'reset' | 'latencyMs' | 'rateLimit' | 'recording' | 'setLatency' | 'setRateLimit' | 'setRecording'
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
		} else {
			reply(res, 404, { error: `unknown control endpoint ${method} ${rawPath}` });
		}
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		reply(res, error instanceof ControlError ? 400 : 500, { error: message });
	}
}
