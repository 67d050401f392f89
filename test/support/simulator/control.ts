/**
 * The simulator's control API, for a process that did not start it (the CLI's users: e2e tests in
 * real n8n, benchmarks). No authentication: the simulator listens on loopback only. Not part of
 * Plivo's API; its requests are neither recorded nor counted.
 *
 *   GET    /__simulator/state             settings, counters, faults, PHLOs
 *   GET    /__simulator/stats             counters only
 *   GET    /__simulator/requests?since=N  recorded requests with seq >= N
 *   POST   /__simulator/reset             Simulator.reset()
 *   POST   /__simulator/faults            {"match":{…},"fault":{…},"times":N} -> {"id":…}
 *   DELETE /__simulator/faults[/ID]       remove all faults, or one
 *   PUT    /__simulator/config            {"latencyMs":N,"rateLimit":{"limit":N,"windowMs":N}|true|false,"record":bool}
 *   POST   /__simulator/phlos             {"phloId"?,"name"?,"nodes":[{"nodeId"?,"name"?}]} -> the PHLO
 *
 * In a fault's `match`, `path` is an exact path and `pathPattern` a RegExp source.
 */
import type { ServerResponse } from 'node:http';

import type { Fault, FaultMatch, FaultType, RouteName } from './faults';
import type { FaultHandle, MultiPartyCallNodeInit, PhloInit, RateLimit, Simulator } from '.';

export const CONTROL_PREFIX = '/__simulator/';

const FAULT_TYPES: readonly FaultType[] = [
	'plivo-error',
	'error-in-success',
	'rate-limited',
	'html-error',
	'slow',
	'reset-before-body',
	'reset-after-body',
	'truncated-json',
	'closed-mid-body',
	'non-json',
	'huge-body',
];
const ROUTE_NAMES: readonly RouteName[] = [
	'multiPartyCall.dial',
	'multiPartyCall.member',
	'multiPartyCall.get',
	'phlo.run',
	'phlo.get',
	'account.get',
];

class ControlError extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

function optionalString(source: Record<string, unknown>, key: string): string | undefined {
	const value = source[key];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw new ControlError(`${key} must be a string`);
	return value;
}

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

export function parseFault(value: unknown): Fault {
	if (!isObject(value)) throw new ControlError('fault must be an object with a type');
	const type = value.type;
	const known = FAULT_TYPES.find((candidate) => candidate === type);
	if (known === undefined) throw new ControlError(`fault.type must be one of ${FAULT_TYPES.join(', ')}`);
	switch (known) {
		case 'plivo-error':
			return { type: known, status: requiredNumber(value, 'status'), error: optionalString(value, 'error') };
		case 'error-in-success':
			return { type: known, error: optionalString(value, 'error') };
		case 'rate-limited':
			return {
				type: known,
				retryAfterSeconds: value.retryAfterSeconds === null ? null : optionalNumber(value, 'retryAfterSeconds'),
			};
		case 'html-error':
			return { type: known, status: requiredNumber(value, 'status') };
		case 'slow':
			return { type: known, delayMs: requiredNumber(value, 'delayMs') };
		case 'non-json':
			return { type: known, status: optionalNumber(value, 'status') };
		case 'huge-body':
			return { type: known, bytes: optionalNumber(value, 'bytes') };
		case 'reset-before-body':
		case 'reset-after-body':
		case 'truncated-json':
		case 'closed-mid-body':
			return { type: known };
	}
}

export function parseFaultMatch(value: unknown): FaultMatch {
	if (value === undefined || value === null) return {};
	if (!isObject(value)) throw new ControlError('match must be an object');
	const match: FaultMatch = {};
	const method = optionalString(value, 'method');
	if (method !== undefined) match.method = method;
	const path = optionalString(value, 'path');
	const pattern = optionalString(value, 'pathPattern');
	if (path !== undefined) match.path = path;
	if (pattern !== undefined) match.path = new RegExp(pattern);
	const route = optionalString(value, 'route');
	if (route !== undefined) {
		const known = ROUTE_NAMES.find((candidate) => candidate === route);
		if (known === undefined) throw new ControlError(`match.route must be one of ${ROUTE_NAMES.join(', ')}`);
		match.route = known;
	}
	for (const key of ['phloId', 'nodeId', 'memberAddress', 'action', 'to'] as const) {
		const text = optionalString(value, key);
		if (text !== undefined) match[key] = text;
	}
	return match;
}

export function parsePhloInit(value: unknown): PhloInit {
	if (!isObject(value)) throw new ControlError('the PHLO must be an object');
	const nodes: MultiPartyCallNodeInit[] = [];
	if (value.nodes !== undefined) {
		if (!Array.isArray(value.nodes)) throw new ControlError('nodes must be an array');
		for (const node of value.nodes as unknown[]) {
			if (!isObject(node)) throw new ControlError('each node must be an object');
			nodes.push({
				nodeId: optionalString(node, 'nodeId'),
				name: optionalString(node, 'name'),
				createdOn: optionalString(node, 'createdOn'),
			});
		}
	}
	return {
		phloId: optionalString(value, 'phloId'),
		name: optionalString(value, 'name'),
		createdOn: optionalString(value, 'createdOn'),
		nodes,
	};
}

function parseRateLimit(value: unknown): RateLimit | boolean {
	if (typeof value === 'boolean') return value;
	if (!isObject(value)) throw new ControlError('rateLimit must be true, false or {"limit","windowMs"}');
	return { limit: requiredNumber(value, 'limit'), windowMs: requiredNumber(value, 'windowMs') };
}

export function describeFault(handle: FaultHandle): Record<string, unknown> {
	const { path, predicate, ...rest } = handle.match;
	const match: Record<string, unknown> = { ...rest };
	if (typeof path === 'string') match.path = path;
	else if (path instanceof RegExp) match.pathPattern = path.source;
	if (predicate) match.predicate = '(function)';
	return {
		id: handle.id,
		match,
		fault: handle.fault,
		hits: handle.hits,
		remaining: Number.isFinite(handle.remaining) ? handle.remaining : null,
	};
}

function reply(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
	res.end(text);
}

function parseJsonBody(body: string): unknown {
	if (body.trim() === '') return {};
	try {
		return JSON.parse(body) as unknown;
	} catch {
		throw new ControlError('the body is not valid JSON');
	}
}

export function handleControl(
	sim: Simulator,
	method: string,
	rawPath: string,
	rawQuery: string,
	body: string,
	res: ServerResponse,
): void {
	const path = rawPath.slice(CONTROL_PREFIX.length).replace(/\/+$/, '');
	try {
		if (method === 'GET' && path === 'state') {
			reply(res, 200, {
				url: sim.url,
				authId: sim.authId,
				latencyMs: sim.latencyMs,
				rateLimit: sim.rateLimit ?? null,
				recording: sim.recording,
				stats: sim.stats,
				faults: sim.faults.map(describeFault),
				phlos: sim.listPhlos(),
			});
		} else if (method === 'GET' && path === 'stats') {
			reply(res, 200, sim.stats);
		} else if (method === 'GET' && path === 'requests') {
			const since = Number(new URLSearchParams(rawQuery).get('since') ?? '0');
			reply(res, 200, { requests: sim.requests.filter((request) => request.seq >= (Number.isFinite(since) ? since : 0)) });
		} else if (method === 'POST' && path === 'reset') {
			sim.reset();
			reply(res, 200, { ok: true });
		} else if (method === 'POST' && path === 'faults') {
			const spec = parseJsonBody(body);
			if (!isObject(spec)) throw new ControlError('the body must be {"match","fault","times"}');
			const times = optionalNumber(spec, 'times');
			const handle = sim.addFault({ match: parseFaultMatch(spec.match), fault: parseFault(spec.fault), times });
			reply(res, 201, describeFault(handle));
		} else if (method === 'DELETE' && path === 'faults') {
			sim.clearFaults();
			reply(res, 200, { ok: true });
		} else if (method === 'DELETE' && path.startsWith('faults/')) {
			const id = Number(path.slice('faults/'.length));
			const handle = sim.faults.find((candidate) => candidate.id === id);
			if (!handle) {
				reply(res, 404, { error: `no fault ${id}` });
				return;
			}
			handle.remove();
			reply(res, 200, { ok: true });
		} else if (method === 'PUT' && path === 'config') {
			const config = parseJsonBody(body);
			if (!isObject(config)) throw new ControlError('the body must be an object');
			const latency = optionalNumber(config, 'latencyMs');
			if (latency !== undefined) sim.setLatency(latency);
			if (config.rateLimit !== undefined) sim.setRateLimit(parseRateLimit(config.rateLimit));
			if (config.record !== undefined) {
				if (typeof config.record !== 'boolean') throw new ControlError('record must be a boolean');
				sim.setRecording(config.record);
			}
			reply(res, 200, { latencyMs: sim.latencyMs, rateLimit: sim.rateLimit ?? null, recording: sim.recording });
		} else if (method === 'POST' && path === 'phlos') {
			reply(res, 201, sim.addPhlo(parsePhloInit(parseJsonBody(body))));
		} else {
			reply(res, 404, { error: `unknown control endpoint ${method} ${rawPath}` });
		}
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		reply(res, error instanceof ControlError ? 400 : 500, { error: message });
	}
}
