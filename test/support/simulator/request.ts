/**
 * Reading a request: the target split into path and query, the path matched to a route, Basic
 * auth, the body, and the `RecordedRequest` that carries all of it through the simulator.
 */
import type { IncomingMessage } from 'node:http';

import type { RecordedRequest, RouteName } from './types';

export const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const stringField = (json: unknown, key: string): string | undefined => {
	if (!isObject(json)) return undefined;
	const value = json[key];
	return typeof value === 'string' ? value : undefined;
};

/** The request target as received, cut at the first `?` (rawQuery is '' without one). */
export function splitTarget(rawUrl: string): { rawPath: string; rawQuery: string } {
	const q = rawUrl.indexOf('?');
	return q < 0 ? { rawPath: rawUrl, rawQuery: '' } : { rawPath: rawUrl.slice(0, q), rawQuery: rawUrl.slice(q + 1) };
}

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

export type RoutePattern = 'phlo' | 'multiPartyCall' | 'member' | 'run' | 'account';

export interface ParsedPath {
	path: string;
	/** Undefined for a path that is none of the runner's. */
	pattern: RoutePattern | undefined;
	phloId?: string;
	nodeId?: string;
	memberAddress?: string;
	accountId?: string;
}

export const ALLOWED_METHODS: Readonly<Record<RoutePattern, readonly string[]>> = {
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

/**
 * The record of a request whose headers just arrived: everything but the body and the answer.
 * Credentials are checked now, so that a request a fault answers still shows whether they were right.
 */
export function openRecord(
	req: IncomingMessage,
	seq: number,
	account: { authId: string; authToken: string },
): { record: RecordedRequest; parsed: ParsedPath } {
	const receivedAt = Date.now();
	const url = req.url ?? '/';
	const method = req.method ?? 'GET';
	const { rawPath, rawQuery } = splitTarget(url);
	const parsed = parsePath(rawPath);
	const auth = parseBasicAuth(req.headers.authorization);
	const record: RecordedRequest = {
		seq,
		method,
		url,
		path: parsed.path,
		query: parseQuery(rawQuery),
		headers: req.headers,
		body: '',
		bodyBytes: 0,
		bodyRead: false,
		json: undefined,
		authUser: auth?.user,
		authenticated: auth !== undefined && auth.user === account.authId && auth.password === account.authToken,
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
	return { record, parsed };
}

/** Reads the whole body; past `maxBytes` the rest is counted but not kept. */
export function readBody(
	req: IncomingMessage,
	maxBytes: number,
	done: (body: string, bytes: number, tooLarge: boolean) => void,
): void {
	const chunks: Buffer[] = [];
	let bytes = 0;
	let tooLarge = false;
	req.on('data', (chunk: Buffer) => {
		bytes += chunk.length;
		if (bytes <= maxBytes) chunks.push(chunk);
		else tooLarge = true;
	});
	req.on('end', () => {
		const body =
			chunks.length === 0 ? '' : chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
		done(body, bytes, tooLarge);
	});
}

/** Puts the body into the record; returns whether it was meant as JSON but is not valid JSON. */
export function recordBody(record: RecordedRequest, body: string, bytes: number, tooLarge: boolean): boolean {
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
	return jsonError;
}
