/**
 * The PHLO simulator over real sockets: every route, auth, validation, each fault, the rate limit,
 * recording, the control API and the CLI.
 */
import { spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import axios, { isAxiosError, type AxiosInstance, type AxiosResponse } from 'axios';

import {
	DEFAULT_AUTH_ID,
	DEMO_NODE_ID,
	DEMO_NODE_NAME,
	DEMO_PHLO_ID,
	DEMO_PHLO_NAME,
	FAULT_CODES,
	MEMBER_ACTIONS,
	MESSAGES,
	faultForAddress,
	faultNumber,
	startSimulator,
	type RecordedRequest,
	type Simulator,
} from '../support/simulator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CREATED_ON = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;

const MPC = `/v1/phlo/${DEMO_PHLO_ID}/multi_party_call/${DEMO_NODE_ID}`;
const member = (address: string): string => `${MPC}/members/${address}`;
const dial = (to: string, extra: Record<string, unknown> = {}): string =>
	JSON.stringify({ action: 'call', to, role: 'agent', trigger_source: '+14155550000', ...extra });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const basicAuth = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

interface Answer {
	status: number;
	headers: AxiosResponse['headers'];
	text: string;
	json: unknown;
}

let sim: Simulator;
let api: AxiosInstance;

/** Sends `body` exactly as given (a string) with Content-Type: application/json. */
async function send(
	method: string,
	path: string,
	body?: string,
	options: { auth?: { username: string; password: string } | null; timeout?: number } = {},
): Promise<Answer> {
	const response = await api.request<string>({
		method,
		url: path,
		data: body,
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		auth: options.auth === null ? undefined : (options.auth ?? { username: sim.authId, password: sim.authToken }),
		timeout: options.timeout ?? 10_000,
	});
	let json: unknown;
	try {
		json = JSON.parse(response.data) as unknown;
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text: response.data, json };
}

/** The network error code of a request that got no answer. */
async function networkError(promise: Promise<unknown>): Promise<string | undefined> {
	try {
		await promise;
	} catch (error) {
		if (isAxiosError(error)) return error.code;
		throw error;
	}
	throw new Error('the request got an answer');
}

const plivoError = (answer: Answer): string => {
	expect(answer.headers['content-type']).toMatch(/^application\/json/);
	expect(answer.json).toEqual({ api_id: expect.stringMatching(UUID), error: expect.any(String) });
	return (answer.json as { error: string }).error;
};

beforeAll(async () => {
	sim = await startSimulator({ slowDelayMs: 1_500 });
	api = axios.create({
		baseURL: sim.url,
		validateStatus: () => true,
		responseType: 'text',
		// Bodies go out exactly as given: axios would re-encode a string that is not valid JSON.
		transformRequest: [(data: unknown) => data],
		transformResponse: [(data: unknown) => data],
	});
});

afterEach(() => sim.reset());

afterAll(async () => {
	await sim.close();
});

describe('routes', () => {
	it('GET /v1/phlo/{id}, with or without the trailing slash and query the SDK adds', async () => {
		for (const path of [`/v1/phlo/${DEMO_PHLO_ID}`, `/v1/phlo/${DEMO_PHLO_ID}/?phlo_id=${DEMO_PHLO_ID}`]) {
			const answer = await send('GET', path);
			expect(answer.status).toBe(200);
			expect(answer.headers['content-type']).toBe('application/json');
			expect(answer.json).toEqual({
				api_id: expect.stringMatching(UUID),
				phlo_id: DEMO_PHLO_ID,
				name: DEMO_PHLO_NAME,
				created_on: expect.stringMatching(CREATED_ON),
			});
		}
		expect(sim.requests.map((request) => request.route)).toEqual(['phlo.get', 'phlo.get']);
		expect(sim.requests[1].query).toEqual({ phlo_id: DEMO_PHLO_ID });
	});

	it('GET the Multi-Party Call node, also in the SDK form', async () => {
		for (const path of [MPC, `${MPC}/?phlo_id=${DEMO_PHLO_ID}&node_type=multi_party_call&node_id=${DEMO_NODE_ID}`]) {
			const answer = await send('GET', path);
			expect(answer.status).toBe(200);
			expect(answer.json).toEqual({
				api_id: expect.stringMatching(UUID),
				node_id: DEMO_NODE_ID,
				phlo_id: DEMO_PHLO_ID,
				name: DEMO_NODE_NAME,
				node_type: 'multi_party_call',
				created_on: expect.stringMatching(CREATED_ON),
			});
		}
	});

	it.each(['call', 'warm_transfer', 'cold_transfer'])('POST %s to the node: 201 with an empty error', async (action) => {
		for (const role of ['agent', 'customer']) {
			const answer = await send('POST', MPC, dial('+14155551234', { action, role }));
			expect(answer.status).toBe(201);
			expect(answer.json).toEqual({ api_id: expect.stringMatching(UUID), error: '' });
		}
		expect(sim.last()).toMatchObject({ route: 'multiPartyCall.dial', action, to: '+14155551234', status: 201 });
	});

	it.each(MEMBER_ACTIONS)('POST %s to a member: 201 with an empty error', async (action) => {
		for (const address of ['+14155551234', '%2B14155551234', 'sip:agent@example.com']) {
			const answer = await send('POST', member(address), JSON.stringify({ action }));
			expect(answer.status).toBe(201);
			expect(answer.json).toEqual({ api_id: expect.stringMatching(UUID), error: '' });
		}
		expect(sim.requests.map((request) => request.memberAddress)).toEqual([
			'+14155551234',
			'+14155551234',
			'sip:agent@example.com',
		]);
	});

	it('POST /v1/account/{auth_id}/phlo/{id} runs the PHLO with any object payload, or none', async () => {
		const path = `/v1/account/${sim.authId}/phlo/${DEMO_PHLO_ID}`;
		for (const body of ['{"from":"+14155550000","to":"+14155551234","n":{"deep":[1,2]}}', '{}', '', '""', undefined]) {
			const answer = await send('POST', path, body);
			expect(answer.status).toBe(201);
			expect(answer.json).toEqual({
				api_id: expect.stringMatching(UUID),
				phlo_id: DEMO_PHLO_ID,
				name: DEMO_PHLO_NAME,
				message: expect.stringContaining('phlo_run_id'),
			});
			const { api_id: apiId, message } = answer.json as { api_id: string; message: string };
			expect(message).toBe(MESSAGES.runStarted(apiId));
		}
	});

	it('GET /v1/Account/{auth_id}/ answers the account (the credential test)', async () => {
		const answer = await send('GET', `/v1/Account/${sim.authId}/`);
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({
			api_id: expect.stringMatching(UUID),
			auth_id: DEFAULT_AUTH_ID,
			account_type: 'standard',
			name: 'PHLO Simulator',
			resource_uri: `/v1/Account/${DEFAULT_AUTH_ID}/`,
			cash_credits: expect.any(String),
		});
		expect((await send('GET', `/v1/Account/${sim.authId}`)).status).toBe(200);
	});

	it('records the request exactly as received', async () => {
		const body = '{ "action" : "call", "trigger_source":"+14155550000", "to": "+14155551234","role":"customer" }';
		await send('POST', `${MPC}?debug=1`, body);
		const [request] = sim.requests;
		expect(request).toMatchObject({
			seq: 0,
			method: 'POST',
			url: `${MPC}?debug=1`,
			path: MPC,
			query: { debug: '1' },
			body,
			bodyBytes: Buffer.byteLength(body),
			bodyRead: true,
			json: { action: 'call', trigger_source: '+14155550000', to: '+14155551234', role: 'customer' },
			authUser: sim.authId,
			authenticated: true,
			route: 'multiPartyCall.dial',
			phloId: DEMO_PHLO_ID,
			nodeId: DEMO_NODE_ID,
			memberAddress: undefined,
			action: 'call',
			to: '+14155551234',
			fault: undefined,
			status: 201,
			outcome: 'answered',
		});
		expect(request.headers['content-type']).toBe('application/json');
		expect(request.headers.authorization).toBe(basicAuth(sim.authId, sim.authToken));
		expect(request.receivedAt).toBeLessThanOrEqual(request.bodyReadAt ?? 0);
		expect(request.bodyReadAt).toBeLessThanOrEqual(request.finishedAt ?? 0);
	});

	it('answers HEAD like GET, without a body', async () => {
		const answer = await send('HEAD', `/v1/phlo/${DEMO_PHLO_ID}`);
		expect(answer.status).toBe(200);
		expect(answer.text).toBe('');
	});
});

describe('authentication', () => {
	const paths: Array<[string, string, string | undefined]> = [
		['GET', `/v1/phlo/${DEMO_PHLO_ID}`, undefined],
		['GET', MPC, undefined],
		['POST', MPC, dial('+14155551234')],
		['POST', member('+14155551234'), '{"action":"hangup"}'],
		['POST', `/v1/account/${DEFAULT_AUTH_ID}/phlo/${DEMO_PHLO_ID}`, '{}'],
		['GET', `/v1/Account/${DEFAULT_AUTH_ID}/`, undefined],
	];

	it.each(paths)('%s %s: 401 without credentials, with a wrong token or a wrong Auth ID', async (method, path, body) => {
		for (const auth of [null, { username: DEFAULT_AUTH_ID, password: 'wrong' }, { username: 'MAWRONGWRONGWRONGWRO', password: sim.authToken }]) {
			const answer = await send(method, path, body, { auth });
			expect(answer.status).toBe(401);
			expect(plivoError(answer)).toBe(MESSAGES.unauthorized);
		}
		expect(sim.requests.map((request) => request.authenticated)).toEqual([false, false, false]);
		expect(sim.requests.map((request) => request.authUser)).toEqual([undefined, DEFAULT_AUTH_ID, 'MAWRONGWRONGWRONGWRO']);
	});

	it('401 when the Auth ID in the path is not the authenticated account', async () => {
		const run = await send('POST', `/v1/account/MAOTHEROTHEROTHEROTH/phlo/${DEMO_PHLO_ID}`, '{}');
		expect(run.status).toBe(401);
		expect(plivoError(run)).toBe(MESSAGES.accountMismatch);
		expect((await send('GET', '/v1/Account/MAOTHEROTHEROTHEROTH/')).status).toBe(401);
	});

	it('401 for a malformed Authorization header', async () => {
		const response = await api.get<string>(`/v1/phlo/${DEMO_PHLO_ID}`, { headers: { Authorization: 'Basic !!!notbase64' } });
		expect(response.status).toBe(401);
		const bearer = await api.get<string>(`/v1/phlo/${DEMO_PHLO_ID}`, { headers: { Authorization: 'Bearer x' } });
		expect(bearer.status).toBe(401);
	});

	it('uses the configured credentials', async () => {
		const other = await startSimulator({ authId: 'MACUSTOMCUSTOMCUSTOM', authToken: 'custom-token', seedDemoPhlo: false });
		try {
			expect(other.credentials).toEqual({ authId: 'MACUSTOMCUSTOMCUSTOM', authToken: 'custom-token', baseUrl: other.url });
			const ok = await axios.get(`${other.url}/v1/Account/MACUSTOMCUSTOMCUSTOM/`, {
				auth: { username: 'MACUSTOMCUSTOMCUSTOM', password: 'custom-token' },
			});
			expect(ok.status).toBe(200);
			const demo = await axios.get(`${other.url}/v1/phlo/${DEMO_PHLO_ID}`, {
				auth: { username: 'MACUSTOMCUSTOMCUSTOM', password: 'custom-token' },
				validateStatus: () => true,
			});
			expect(demo.status).toBe(404);
		} finally {
			await other.close();
		}
	});
});

describe('registry and 404', () => {
	it('404 for an unknown PHLO, an unknown node and an unknown path', async () => {
		const unknownPhlo = await send('GET', '/v1/phlo/00000000-0000-4000-8000-000000000000');
		expect(unknownPhlo.status).toBe(404);
		expect(plivoError(unknownPhlo)).toBe(MESSAGES.phloNotFound);

		const unknownNode = await send('POST', `/v1/phlo/${DEMO_PHLO_ID}/multi_party_call/00000000-0000-4000-8000-000000000000`, dial('+14155551234'));
		expect(unknownNode.status).toBe(404);
		expect(plivoError(unknownNode)).toBe(MESSAGES.nodeNotFound);

		const run = await send('POST', `/v1/account/${sim.authId}/phlo/00000000-0000-4000-8000-000000000000`, '{}');
		expect(run.status).toBe(404);

		for (const path of ['/', '/v1', '/v2/phlo/x', `/v1/phlo/${DEMO_PHLO_ID}/conference_bridge/${DEMO_NODE_ID}`, `/v1/phlo//multi_party_call/${DEMO_NODE_ID}`]) {
			const answer = await send('GET', path);
			expect(answer.status).toBe(404);
			expect(plivoError(answer)).toBe(MESSAGES.notFound);
		}
	});

	it('compares PHLO and node IDs without regard to case', async () => {
		const node = await send('GET', `/v1/phlo/${DEMO_PHLO_ID.toUpperCase()}/multi_party_call/${DEMO_NODE_ID.toUpperCase()}`);
		expect(node.status).toBe(200);
		expect(node.json).toMatchObject({ node_id: DEMO_NODE_ID, phlo_id: DEMO_PHLO_ID });
	});

	it('takes PHLOs in the options, and can start without the demo PHLO', async () => {
		const phloId = '11111111-2222-4333-8444-555555555555';
		const nodeId = '66666666-7777-4888-8999-aaaaaaaaaaaa';
		const other = await startSimulator({ seedDemoPhlo: false, phlos: [{ phloId, name: 'Given', nodes: [{ nodeId }] }] });
		try {
			const get = (path: string): Promise<AxiosResponse> =>
				axios.get(`${other.url}${path}`, { auth: { username: other.authId, password: other.authToken }, validateStatus: () => true });
			expect((await get(`/v1/phlo/${phloId}`)).data).toEqual({
				api_id: expect.stringMatching(UUID),
				phlo_id: phloId,
				name: 'Given',
				created_on: expect.stringMatching(CREATED_ON),
			});
			expect((await get(`/v1/phlo/${phloId}/multi_party_call/${nodeId}`)).data).toMatchObject({
				node_id: nodeId,
				name: 'Multi-Party Call_1',
				created_on: expect.stringMatching(CREATED_ON),
			});
			expect((await get(`/v1/phlo/${DEMO_PHLO_ID}`)).status).toBe(404);
			other.reset();
			expect((await get(`/v1/phlo/${phloId}`)).status).toBe(200);
		} finally {
			await other.close();
		}
		await expect(startSimulator({ phlos: [{ phloId: DEMO_PHLO_ID }] })).rejects.toThrow(/already exists/);
	});
});

describe('validation: 400 and 405', () => {
	it.each<[string, string, string | undefined, string]>([
		['malformed JSON', MPC, '{"action":"call",', MESSAGES.invalidJson],
		['no body', MPC, undefined, MESSAGES.bodyNotObject],
		['an array body', MPC, '[1]', MESSAGES.bodyNotObject],
		['no action', MPC, '{"to":"+14155551234"}', MESSAGES.missingAction],
		['a member action on the node', MPC, dial('+14155551234', { action: 'hold' }), MESSAGES.invalidDialAction('hold')],
		['an unknown action', MPC, dial('+14155551234', { action: 'conference' }), MESSAGES.invalidDialAction('conference')],
		['no to', MPC, '{"action":"call","role":"agent","trigger_source":"+14155550000"}', MESSAGES.missingTo],
		['an empty to', MPC, dial(''), MESSAGES.missingTo],
		['a number as to', MPC, dial('x', { to: 14155551234 }), MESSAGES.missingTo],
		['no trigger_source', MPC, '{"action":"call","to":"+14155551234","role":"agent"}', MESSAGES.missingTriggerSource],
		['a role not agent/customer', MPC, dial('+14155551234', { role: 'supervisor' }), MESSAGES.invalidRole('supervisor')],
		['an upper-case role', MPC, dial('+14155551234', { role: 'Agent' }), MESSAGES.invalidRole('Agent')],
		['no role', MPC, '{"action":"call","to":"+14155551234","trigger_source":"+14155550000"}', MESSAGES.invalidRole('undefined')],
		['a dial action on a member', member('+14155551234'), '{"action":"call"}', MESSAGES.invalidMemberAction('call')],
		['an unknown member action', member('+14155551234'), '{"action":"mute"}', MESSAGES.invalidMemberAction('mute')],
		['malformed JSON to a member', member('+14155551234'), 'action=hold', MESSAGES.invalidJson],
		['a non-object payload (array)', `/v1/account/${DEFAULT_AUTH_ID}/phlo/${DEMO_PHLO_ID}`, '[{"to":"+1"}]', MESSAGES.payloadNotObject],
		['a non-object payload (number)', `/v1/account/${DEFAULT_AUTH_ID}/phlo/${DEMO_PHLO_ID}`, '42', MESSAGES.payloadNotObject],
		['a non-object payload (null)', `/v1/account/${DEFAULT_AUTH_ID}/phlo/${DEMO_PHLO_ID}`, 'null', MESSAGES.payloadNotObject],
		['a non-object payload (text)', `/v1/account/${DEFAULT_AUTH_ID}/phlo/${DEMO_PHLO_ID}`, '"hello"', MESSAGES.payloadNotObject],
		['malformed payload JSON', `/v1/account/${DEFAULT_AUTH_ID}/phlo/${DEMO_PHLO_ID}`, '{to:1}', MESSAGES.invalidJson],
	])('400 for %s', async (_name, path, body, message) => {
		const answer = await send('POST', path, body);
		expect(answer.status).toBe(400);
		expect(plivoError(answer)).toBe(message);
		expect(sim.last()).toMatchObject({ status: 400, body: body ?? '' });
	});

	it.each<[string, string, string]>([
		['DELETE', `/v1/phlo/${DEMO_PHLO_ID}`, 'GET, HEAD'],
		['POST', `/v1/phlo/${DEMO_PHLO_ID}`, 'GET, HEAD'],
		['PUT', MPC, 'GET, HEAD, POST'],
		['GET', member('+14155551234'), 'POST'],
		['GET', `/v1/account/${DEFAULT_AUTH_ID}/phlo/${DEMO_PHLO_ID}`, 'POST'],
		['POST', `/v1/Account/${DEFAULT_AUTH_ID}/`, 'GET, HEAD'],
	])('405 for %s %s', async (method, path, allow) => {
		const answer = await send(method, path, method === 'GET' || method === 'DELETE' ? undefined : '{}');
		expect(answer.status).toBe(405);
		expect(answer.headers.allow).toBe(allow);
		expect(plivoError(answer)).toBe(MESSAGES.methodNotAllowed);
		expect(sim.last()?.route).toBeUndefined();
	});

	it('413 for a body over 10 MiB', async () => {
		const body = JSON.stringify({ pad: 'x'.repeat(10 * 1024 * 1024) });
		const response = await api.post<string>(`/v1/account/${sim.authId}/phlo/${DEMO_PHLO_ID}`, body, {
			auth: { username: sim.authId, password: sim.authToken },
			headers: { 'Content-Type': 'application/json' },
			maxBodyLength: Infinity,
		});
		expect(response.status).toBe(413);
		expect(sim.last()).toMatchObject({ body: '', bodyBytes: Buffer.byteLength(body), status: 413 });
	});
});

describe('fault numbers (+1999555CCCC)', () => {
	it('maps numbers to faults', () => {
		expect(faultNumber('0429')).toBe('+19995550429');
		expect(() => faultNumber('429')).toThrow();
		expect(faultForAddress('+19995550429', 1)).toEqual({ code: '0429', fault: FAULT_CODES['0429'].fault });
		expect(faultForAddress('19995550404', 1)?.code).toBe('0404');
		expect(faultForAddress('sip:+19995550500@example.com', 1)?.code).toBe('0500');
		expect(faultForAddress('+19995550408', 1234)).toEqual({ code: '0408', fault: { type: 'slow', delayMs: 1234 } });
		expect(faultForAddress('+19995559003', 1)).toEqual({ code: '9003', fault: { type: 'slow', delayMs: 3000 } });
		for (const ordinary of ['+19995551234', '+199955504290', '+29995550429', '+14155550429', undefined]) {
			expect(faultForAddress(ordinary, 1)).toBeUndefined();
		}
	});

	const httpCodes = Object.entries(FAULT_CODES).filter(([, { fault }]) =>
		['plivo-error', 'error-in-success', 'rate-limited'].includes(fault.type),
	);

	it.each(httpCodes)('%s selects a Plivo-shaped answer, by `to` and by member address', async (code, { fault }) => {
		const expected =
			fault.type === 'plivo-error'
				? { status: fault.status, error: fault.error }
				: fault.type === 'rate-limited'
					? { status: 429, error: MESSAGES.rateLimited }
					: { status: 201, error: fault.type === 'error-in-success' ? fault.error : '' };
		const byTo = await send('POST', MPC, dial(faultNumber(code)));
		const byMember = await send('POST', member(faultNumber(code)), '{"action":"hangup"}');
		const byRun = await send('POST', `/v1/account/${sim.authId}/phlo/${DEMO_PHLO_ID}`, JSON.stringify({ to: faultNumber(code) }));
		for (const answer of [byTo, byMember, byRun]) {
			expect(answer.status).toBe(expected.status);
			expect(plivoError(answer)).toBe(expected.error);
			const retryAfter = fault.type === 'rate-limited' ? fault.retryAfterSeconds : undefined;
			expect(answer.headers['retry-after']).toBe(retryAfter === undefined || retryAfter === null ? undefined : String(retryAfter));
		}
		expect(sim.requests.map((request) => request.fault)).toEqual(
			Array.from({ length: 3 }, () => ({ type: fault.type, source: 'number', code })),
		);
		expect(sim.stats.faultsInjected).toBe(3);
		expect(sim.stats.rateLimited).toBe(0);
	});

	it.each(['0500', '0502', '0503'])('%s answers an HTML error page', async (code) => {
		const answer = await send('POST', MPC, dial(faultNumber(code)));
		expect(answer.status).toBe(Number(code));
		expect(answer.headers['content-type']).toMatch(/^text\/html/);
		expect(answer.text).toMatch(/^<(!doctype )?html/i);
		expect(answer.text).toContain(code.slice(1));
		expect(answer.json).toBeUndefined();
	});

	it('0201 is 201 with a non-empty error; the rest of the body is normal', async () => {
		const answer = await send('POST', member(faultNumber('0201')), '{"action":"hold"}');
		expect(answer.status).toBe(201);
		expect((answer.json as { error: string }).error).not.toBe('');
	});

	it('0600 resets the connection before the body is read: not received', async () => {
		for (const [path, body] of [
			[member(faultNumber('0600')), '{"action":"hold"}'],
			[MPC, dial(faultNumber('0600'))],
		]) {
			expect(await networkError(send('POST', path, body))).toBe('ECONNRESET');
		}
		expect(sim.requests).toHaveLength(2);
		for (const request of sim.requests) {
			expect(request).toMatchObject({ bodyRead: false, body: '', json: undefined, status: undefined, outcome: 'reset-before-body' });
		}
		expect(sim.stats.resets).toBe(2);
		// The next request on a fresh connection works.
		expect((await send('POST', MPC, dial('+14155551234'))).status).toBe(201);
	});

	it('0601 resets the connection after the request was read and recorded', async () => {
		const body = dial(faultNumber('0601'));
		expect(await networkError(send('POST', MPC, body))).toBe('ECONNRESET');
		expect(sim.last()).toMatchObject({ bodyRead: true, body, to: faultNumber('0601'), status: undefined, outcome: 'reset-after-body' });
	});

	it('0602 sends a complete answer whose JSON is cut in half', async () => {
		const answer = await send('POST', MPC, dial(faultNumber('0602')));
		expect(answer.status).toBe(201);
		expect(answer.headers['content-type']).toBe('application/json');
		expect(answer.text.startsWith('{"api_id":"')).toBe(true);
		expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.text));
		expect(() => JSON.parse(answer.text) as unknown).toThrow();
	});

	it('0603 closes the connection half-way through the announced body', async () => {
		const code = await networkError(send('POST', MPC, dial(faultNumber('0603'))));
		expect(code).toBeDefined();
		expect(sim.last()).toMatchObject({ status: 201, outcome: 'closed-mid-body' });
	});

	it.each([
		['0604', 200],
		['0605', 201],
	])('%s answers %i with a body that is not JSON', async (code, status) => {
		const answer = await send('POST', MPC, dial(faultNumber(code)));
		expect(answer.status).toBe(status);
		expect(answer.headers['content-type']).toMatch(/^text\/html/);
		expect(answer.json).toBeUndefined();
		expect(answer.text.length).toBeGreaterThan(0);
	});

	it('0606 answers a valid JSON body of several MB', async () => {
		const answer = await send('POST', MPC, dial(faultNumber('0606')));
		expect(answer.status).toBe(201);
		expect(Buffer.byteLength(answer.text)).toBe(5 * 1024 * 1024);
		expect(answer.json).toMatchObject({ api_id: expect.stringMatching(UUID), error: '' });
	});

	it('0408 answers after slowDelayMs, past a client timeout; the client leaving is recorded', async () => {
		const finished = new Promise<RecordedRequest>((resolve) => {
			const unsubscribe = sim.onRequest((request) => {
				unsubscribe();
				resolve(request);
			});
		});
		expect(await networkError(send('POST', MPC, dial(faultNumber('0408')), { timeout: 200 }))).toBe('ECONNABORTED');
		expect(await finished).toMatchObject({ outcome: 'client-closed', status: undefined, fault: { type: 'slow', code: '0408' } });
		expect(sim.stats.clientClosed).toBe(1);
	});

	it('9SSS answers normally after SSS seconds', async () => {
		const started = Date.now();
		const answer = await send('POST', MPC, dial(faultNumber('9001')));
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(answer.status).toBe(201);
		expect(answer.json).toEqual({ api_id: expect.stringMatching(UUID), error: '' });
	});

	it('a slow fault still validates: the delayed answer is the normal one', async () => {
		const answer = await send('POST', MPC, dial(faultNumber('9000'), { role: 'boss' }));
		expect(answer.status).toBe(400);
	});

	it('unused codes and numberFaults: false leave numbers ordinary', async () => {
		expect((await send('POST', MPC, dial('+19995551234'))).status).toBe(201);
		const plain = await startSimulator({ numberFaults: false });
		try {
			const response = await axios.post(`${plain.url}${MPC}`, JSON.parse(dial(faultNumber('0500'))) as unknown, {
				auth: { username: plain.authId, password: plain.authToken },
			});
			expect(response.status).toBe(201);
		} finally {
			await plain.close();
		}
	});
});

describe('programmatic faults', () => {
	it('match by `to`; `times` limits them; without a match they apply to every request', async () => {
		sim.addFault({ match: { to: '+14155550001' }, fault: { type: 'plivo-error', status: 400, error: 'bad to' }, times: 2 });
		const first = await send('POST', MPC, dial('+14155550001'));
		expect(first.status).toBe(400);
		expect(plivoError(first)).toBe('bad to');
		expect((await send('POST', MPC, dial('+14155550001'))).status).toBe(400);
		expect((await send('POST', MPC, dial('+14155550001'))).status).toBe(201);
		expect((await send('POST', MPC, dial('+14155550002'))).status).toBe(201);
		expect(sim.filter({ to: '+14155550001' }).map((request) => request.fault)).toEqual([
			{ type: 'plivo-error', source: 'programmatic' },
			{ type: 'plivo-error', source: 'programmatic' },
			undefined,
		]);

		sim.addFault({ fault: { type: 'error-in-success', error: 'nope' } });
		const get = await send('GET', `/v1/phlo/${DEMO_PHLO_ID}/`);
		expect(get.status).toBe(200);
		expect(get.json).toEqual({ api_id: expect.stringMatching(UUID), error: 'nope' });
		expect(() => sim.addFault({ fault: { type: 'truncated-json' }, times: 0 })).toThrow(/times must be positive/);
	});

	it('armed faults win over fault numbers, in the order they were added', async () => {
		const to = faultNumber('0404');
		sim.addFault({ match: { to }, fault: { type: 'plivo-error', status: 403 }, times: 1 });
		sim.addFault({ match: { to }, fault: { type: 'rate-limited', retryAfterSeconds: 7 }, times: 1 });
		expect((await send('POST', MPC, dial(to))).status).toBe(403);
		const second = await send('POST', MPC, dial(to));
		expect(second.status).toBe(429);
		expect(second.headers['retry-after']).toBe('7');
		expect((await send('POST', MPC, dial(to))).status).toBe(404);
	});

	it('reset-before-body without a match acts before reading; every other type works programmatically too', async () => {
		sim.addFault({ fault: { type: 'reset-before-body' }, times: 1 });
		expect(await networkError(send('POST', `/v1/account/${sim.authId}/phlo/${DEMO_PHLO_ID}`, '{"a":1}'))).toBe('ECONNRESET');
		expect(sim.last()).toMatchObject({ route: 'phlo.run', bodyRead: false, outcome: 'reset-before-body' });

		sim.addFault({ match: { to: '+1' }, fault: { type: 'reset-after-body' }, times: 1 });
		expect(await networkError(send('POST', MPC, dial('+1')))).toBe('ECONNRESET');
		sim.addFault({ match: { to: '+2' }, fault: { type: 'truncated-json' }, times: 1 });
		expect((await send('POST', MPC, dial('+2'))).json).toBeUndefined();
		sim.addFault({ match: { to: '+3' }, fault: { type: 'non-json' }, times: 1 });
		expect((await send('POST', MPC, dial('+3'))).status).toBe(201);
		sim.addFault({ match: { to: '+4' }, fault: { type: 'huge-body', bytes: 100_000 }, times: 1 });
		expect((await send('POST', MPC, dial('+4'))).text).toHaveLength(100_000);
		sim.addFault({ match: { to: '+5' }, fault: { type: 'slow', delayMs: 150 }, times: 1 });
		const started = Date.now();
		expect((await send('POST', MPC, dial('+5'))).status).toBe(201);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		sim.addFault({ match: { to: '+6' }, fault: { type: 'closed-mid-body' }, times: 1 });
		expect(await networkError(send('POST', MPC, dial('+6')))).toBeDefined();
		// A status without a page of its own gets the 500 page.
		sim.addFault({ match: { to: '+7' }, fault: { type: 'html-error', status: 504 }, times: 1 });
		const html = await send('POST', MPC, dial('+7'));
		expect(html.status).toBe(504);
		expect(html.text).toContain('Internal Server Error');
		// All used up.
		for (const to of ['+1', '+2', '+3', '+4', '+5', '+6', '+7']) expect((await send('POST', MPC, dial(to))).status).toBe(201);
	});

	it('afterMs and forMs bound a fault in time: it starts late, applies to every request meanwhile, then is dropped', async () => {
		sim.addFault({ fault: { type: 'html-error', status: 503 }, afterMs: 300, forMs: 400 });
		expect((await send('POST', MPC, dial('+14155550001'))).status).toBe(201);
		await sleep(400);
		expect((await send('POST', MPC, dial('+14155550002'))).status).toBe(503);
		expect((await send('POST', MPC, dial('+14155550003'))).status).toBe(503);
		await sleep(400);
		expect((await send('POST', MPC, dial('+14155550004'))).status).toBe(201);
		expect(sim.stats.faultsInjected).toBe(2);

		expect(() => sim.addFault({ fault: { type: 'truncated-json' }, afterMs: -1 })).toThrow(/afterMs must be >= 0/);
		expect(() => sim.addFault({ fault: { type: 'truncated-json' }, forMs: 0 })).toThrow(/forMs must be positive/);
	});
});

describe('refusing connections (an outage)', () => {
	let down: Simulator;
	const dialOn = (target: Simulator, to: string, agent?: Agent) =>
		axios.post(`${target.url}${MPC}`, JSON.parse(dial(to)) as unknown, {
			auth: { username: target.authId, password: target.authToken },
			httpAgent: agent,
			validateStatus: () => true,
			timeout: 5_000,
		});

	beforeEach(async () => {
		down = await startSimulator();
	});

	afterEach(async () => {
		await down.close();
	});

	it('closes the port for forMs (ECONNREFUSED), then listens again on the same port', async () => {
		const { port } = down;
		down.refuseConnections(400);
		expect(down.refusing).toBe(true);
		expect(await networkError(dialOn(down, '+14155550001'))).toBe('ECONNREFUSED');
		await sleep(600);
		expect(down.refusing).toBe(false);
		expect(down.port).toBe(port);
		expect((await dialOn(down, '+14155550002')).status).toBe(201);
		expect(down.requests.map((request) => request.to)).toEqual(['+14155550002']);
	});

	it('closes idle keep-alive connections, and the answers in flight close theirs', async () => {
		const agent = new Agent({ keepAlive: true, maxSockets: 1 });
		try {
			expect((await dialOn(down, '+14155550001', agent)).status).toBe(201);
			down.addFault({ match: { to: '+14155550002' }, fault: { type: 'slow', delayMs: 300 }, times: 1 });
			const inFlight = dialOn(down, '+14155550002', agent);
			await sleep(100);
			down.refuseConnections(1_000);
			const answer = await inFlight;
			expect(answer.status).toBe(201);
			expect(answer.headers.connection).toBe('close');
			await sleep(50);
			// The kept-alive connection is gone too: the next request has to connect, and is refused.
			expect(await networkError(dialOn(down, '+14155550003', agent))).toBe('ECONNREFUSED');
		} finally {
			agent.destroy();
		}
	});

	it('a second call extends the outage; reset() ends it at once; close() works meanwhile', async () => {
		down.refuseConnections(200);
		down.refuseConnections(800);
		await sleep(400);
		expect(down.refusing).toBe(true);
		down.reset();
		await sleep(50);
		expect(down.refusing).toBe(false);
		expect((await dialOn(down, '+14155550001')).status).toBe(201);

		down.refuseConnections(60_000);
		await down.close();
		expect(() => down.refuseConnections(0)).toThrow(/forMs must be positive/);
	});
});

describe('rate limit', () => {
	it('answers 429 with Retry-After past the sliding window, counts them, and recovers', async () => {
		sim.setRateLimit({ limit: 5, windowMs: 1_000 });
		const statuses: number[] = [];
		let retryAfter: unknown;
		for (let i = 0; i < 7; i++) {
			const answer = await send('POST', MPC, dial('+14155551234'));
			statuses.push(answer.status);
			if (answer.status === 429) {
				retryAfter = answer.headers['retry-after'];
				expect(plivoError(answer)).toBe(MESSAGES.rateLimited);
			}
		}
		expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429]);
		expect(retryAfter).toBe('1');
		expect(sim.stats.rateLimited).toBe(2);
		expect(sim.stats.byStatus[429]).toBe(2);
		expect(sim.filter({ status: 429 }).map((request) => request.fault)).toEqual([
			{ type: 'rate-limited', source: 'rate-limit' },
			{ type: 'rate-limited', source: 'rate-limit' },
		]);
		await new Promise((resolve) => setTimeout(resolve, 1_050));
		expect((await send('POST', MPC, dial('+14155551234'))).status).toBe(201);
	});

	it("counts per Auth ID sent, and `true` is Plivo's 300 per 5 s", async () => {
		sim.setRateLimit(true);
		expect(sim.rateLimit).toEqual({ limit: 300, windowMs: 5_000 });
		const agent = new Agent({ keepAlive: true, maxSockets: 20 });
		try {
			const answers = await Promise.all(
				Array.from({ length: 310 }, () => api.get<string>(`/v1/phlo/${DEMO_PHLO_ID}`, {
					auth: { username: sim.authId, password: sim.authToken },
					httpAgent: agent,
				})),
			);
			expect(answers.filter((answer) => answer.status === 429)).toHaveLength(10);
			expect(Number(answers.find((answer) => answer.status === 429)?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
		} finally {
			agent.destroy();
		}
		// Another Auth ID has its own window (and gets its 401).
		expect((await send('GET', `/v1/phlo/${DEMO_PHLO_ID}`, undefined, { auth: { username: 'MAOTHER', password: 'x' } })).status).toBe(401);
		expect(sim.stats.rateLimited).toBe(10);
		sim.setRateLimit(false);
		expect((await send('GET', `/v1/phlo/${DEMO_PHLO_ID}`)).status).toBe(200);
	});

	it('can be on from the start', async () => {
		const limited = await startSimulator({ rateLimit: { limit: 1, windowMs: 60_000 } });
		try {
			const get = (): Promise<AxiosResponse> =>
				axios.get(`${limited.url}/v1/phlo/${DEMO_PHLO_ID}`, {
					auth: { username: limited.authId, password: limited.authToken },
					validateStatus: () => true,
				});
			expect((await get()).status).toBe(200);
			const refused = await get();
			expect(refused.status).toBe(429);
			expect(Number(refused.headers['retry-after'])).toBeGreaterThan(55);
		} finally {
			await limited.close();
		}
	});
});

describe('latency, keep-alive, recording', () => {
	it('delays every answer by the fixed latency', async () => {
		sim.setLatency(150);
		const started = Date.now();
		expect((await send('GET', `/v1/phlo/${DEMO_PHLO_ID}`)).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		sim.reset();
		expect(sim.latencyMs).toBe(0);
	});

	it('keeps connections alive between requests', async () => {
		const agent = new Agent({ keepAlive: true, maxSockets: 1 });
		const url = new URL(sim.url);
		const reused: boolean[] = [];
		try {
			for (let i = 0; i < 5; i++) {
				await new Promise<void>((resolve, reject) => {
					const req = httpRequest(
						{ host: url.hostname, port: url.port, path: `/v1/phlo/${DEMO_PHLO_ID}`, agent, headers: { Authorization: basicAuth(sim.authId, sim.authToken) } },
						(res) => {
							expect(res.headers.connection).toBe('keep-alive');
							res.resume();
							res.on('end', () => resolve());
						},
					);
					req.on('error', reject);
					req.end();
					reused.push(req.reusedSocket);
				});
			}
		} finally {
			agent.destroy();
		}
		expect(reused).toEqual([false, true, true, true, true]);
	});

	it('count, filter, last and onRequest', async () => {
		const seen: RecordedRequest[] = [];
		const unsubscribe = sim.onRequest((request) => seen.push(request));
		await send('POST', member('+14155550001'), '{"action":"hold"}');
		await send('GET', MPC);
		await send('POST', member('+14155550002'), '{"action":"hangup"}');
		expect(sim.filter({ route: 'multiPartyCall.member' }).map((request) => request.action)).toEqual(['hold', 'hangup']);
		expect(sim.count()).toBe(3);
		expect(sim.count({ route: 'multiPartyCall.member' })).toBe(2);
		expect(sim.count({ path: MPC, status: 200 })).toBe(1);
		expect(sim.count({ action: 'hangup' })).toBe(1);
		expect(sim.count((request) => request.memberAddress?.endsWith('2') === true)).toBe(1);
		expect(sim.last({ route: 'multiPartyCall.member' })?.memberAddress).toBe('+14155550002');
		expect(sim.last({ status: 500 })).toBeUndefined();
		expect(seen).toHaveLength(3);
		unsubscribe();
		await send('GET', MPC);
		expect(seen).toHaveLength(3);
	});

	it('recording can be turned off (counters stay) and is capped', async () => {
		sim.setRecording(false);
		await send('GET', MPC);
		expect(sim.requests).toHaveLength(0);
		expect(sim.stats).toMatchObject({ received: 1, byStatus: { 200: 1 } });

		const capped = await startSimulator({ maxRecordedRequests: 10 });
		try {
			const client = { auth: { username: capped.authId, password: capped.authToken } };
			for (let i = 0; i < 25; i++) await axios.get(`${capped.url}${MPC}`, client);
			expect(capped.requests.length).toBeLessThanOrEqual(10);
			expect(capped.requests[capped.requests.length - 1].seq).toBe(24);
			expect(capped.stats.received).toBe(25);
		} finally {
			await capped.close();
		}
	});

	it('reset() forgets requests, counters and faults', async () => {
		sim.addFault({ fault: { type: 'plivo-error', status: 500 } });
		await send('GET', MPC);
		sim.reset();
		expect(sim.requests).toHaveLength(0);
		expect(sim.stats).toEqual({ received: 0, byStatus: {}, rateLimited: 0, faultsInjected: 0, resets: 0, clientClosed: 0 });
		expect((await send('GET', MPC)).status).toBe(200);
		expect(sim.requests[0].seq).toBe(0);
	});

	it('close() ends pending slow answers and keep-alive connections', async () => {
		const other = await startSimulator();
		other.addFault({ fault: { type: 'slow', delayMs: 60_000 } });
		const pending = axios.get(`${other.url}${MPC}`, { auth: { username: other.authId, password: other.authToken } });
		await new Promise((resolve) => setTimeout(resolve, 50));
		await other.close();
		await expect(pending).rejects.toThrow();
	});
});

describe('control API', () => {
	it('changes settings, lists requests and resets over HTTP, without being recorded or counted', async () => {
		const control = axios.create({ baseURL: `${sim.url}/__simulator/`, validateStatus: () => true });
		const config = await control.put('config', { latencyMs: 5, rateLimit: { limit: 100, windowMs: 1000 }, record: true });
		expect(config.status).toBe(200);
		expect(config.data).toEqual({ latencyMs: 5, rateLimit: { limit: 100, windowMs: 1000 }, recording: true });
		expect(sim.rateLimit).toEqual({ limit: 100, windowMs: 1000 });

		await send('GET', MPC);
		await send('GET', `/v1/phlo/${DEMO_PHLO_ID}`);
		const requests = await control.get('requests?since=1');
		expect((requests.data as { requests: RecordedRequest[] }).requests.map((request) => request.path)).toEqual([`/v1/phlo/${DEMO_PHLO_ID}`]);
		expect(sim.stats.received).toBe(2);

		expect((await control.put('config', { latencyMs: 'slow' })).status).toBe(400);
		expect((await control.put('config', { rateLimit: 'on' })).status).toBe(400);
		expect((await control.get('state')).status).toBe(404);

		expect((await control.post('reset')).status).toBe(200);
		expect(sim.requests).toHaveLength(0);
		expect(sim.latencyMs).toBe(0);
		expect(sim.rateLimit).toBeUndefined();
		expect(sim.stats.received).toBe(0);
	});

	it('arms faults sent as JSON, with times, afterMs and forMs; refuses a fault it cannot read', async () => {
		const control = axios.create({ baseURL: `${sim.url}/__simulator/`, validateStatus: () => true });
		const armed = await control.post('faults', { fault: { type: 'rate-limited', retryAfterSeconds: 2 }, times: 1 });
		expect(armed.status).toBe(200);
		const limited = await send('POST', MPC, dial('+14155550001'));
		expect(limited.status).toBe(429);
		expect(limited.headers['retry-after']).toBe('2');
		expect((await send('POST', MPC, dial('+14155550001'))).status).toBe(201);

		await control.post('faults', { fault: { type: 'rate-limited', retryAfterSeconds: null }, match: { to: '+14155550002' }, times: 1 });
		const bare = await send('POST', MPC, dial('+14155550002'));
		expect(bare.status).toBe(429);
		expect(bare.headers['retry-after']).toBeUndefined();

		await control.post('faults', { fault: { type: 'slow', delayMs: 200 }, afterMs: 0, forMs: 60_000, times: 1 });
		const started = Date.now();
		expect((await send('POST', MPC, dial('+14155550003'))).status).toBe(201);
		expect(Date.now() - started).toBeGreaterThanOrEqual(190);

		expect((await control.post('faults', { fault: { type: 'meltdown' } })).status).toBe(400);
		expect((await control.post('faults', { fault: { type: 'slow' } })).data).toEqual({ error: 'delayMs is required' });
		expect((await control.post('faults', { fault: { type: 'html-error', status: 503 }, times: 0 })).data).toEqual({
			error: 'addFault: times must be positive',
		});
		expect((await control.post('faults', { fault: { type: 'plivo-error', status: 403 }, match: 'all' })).status).toBe(400);
		expect(sim.stats.faultsInjected).toBe(3);
	});

	it('POST refuse answers, then refuses connections (the control API too) for forMs', async () => {
		const down = await startSimulator();
		try {
			const control = axios.create({ baseURL: `${down.url}/__simulator/`, validateStatus: () => true, timeout: 5_000 });
			expect((await control.post('refuse', { forMs: 0 })).status).toBe(400);
			const answer = await control.post('refuse', { forMs: 500 });
			expect(answer.data).toEqual({ refusingForMs: 500 });
			await sleep(50);
			expect(down.refusing).toBe(true);
			expect(await networkError(control.get('requests'))).toBe('ECONNREFUSED');
			await sleep(700);
			expect((await control.get('requests')).status).toBe(200);
		} finally {
			await down.close();
		}
	});
});

describe('CLI', () => {
	it('prints its URL and credentials, serves, logs to stderr and exits cleanly on SIGTERM', async () => {
		const child = spawn(
			process.execPath,
			[require.resolve('tsx/cli'), join(__dirname, '..', 'support', 'simulator', 'cli.ts'), '--port', '0', '--auth-id', 'MACLICLICLICLICLICLI', '--auth-token', 'cli-token', '--log'],
			{ stdio: ['ignore', 'pipe', 'pipe'] },
		);
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk.toString('utf8');
		});
		try {
			const line = await new Promise<string>((resolve, reject) => {
				createInterface({ input: child.stdout }).once('line', resolve);
				child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
			});
			const started = JSON.parse(line) as { url: string; authId: string; authToken: string; demoPhloId: string };
			expect(started).toMatchObject({ authId: 'MACLICLICLICLICLICLI', authToken: 'cli-token', demoPhloId: DEMO_PHLO_ID });
			expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			const response = await axios.post(`${started.url}${MPC}`, JSON.parse(dial('+14155551234')) as unknown, {
				auth: { username: started.authId, password: started.authToken },
			});
			expect(response.status).toBe(201);
			const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
			expect(stderr).toContain(`POST ${MPC} action=call to=+14155551234 -> 201`);
			expect(stderr).toContain('"signal":"SIGTERM"');
		} finally {
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	}, 30_000);
});
