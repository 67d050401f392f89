import { inspect } from 'node:util';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { runNode, runNodeExpectingError, type OnError, type RunOptions } from '../support/runNode';
import {
	DEMO_NODE_ID,
	DEMO_PHLO_ID,
	faultNumber,
	startSimulator,
	type Simulator,
} from '../support/simulator';
import { addUserParameters } from '../support/workflows';

/**
 * The node's real `execute`, in n8n-core's execution context with n8n's own HTTP helper, against
 * the PHLO simulator over real sockets.
 */

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ slowDelayMs: 3_000 });
});
afterEach(() => sim.reset());
afterAll(async () => await sim.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const AGENT = '+14155550000';
const MPC_PATH = `/v1/phlo/${DEMO_PHLO_ID}/multi_party_call/${DEMO_NODE_ID}`;
/** No pacing in tests that are not about pacing. */
const UNPACED = { maxRequestsPerSecond: 0, concurrency: 1 };

function run(parameters: IDataObject, items: IDataObject[] = [{}], extra: Partial<RunOptions> = {}) {
	return runNode({
		parameters: { phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID, options: UNPACED, ...parameters },
		items,
		credentials: sim.credentials,
		...extra,
	});
}

const dial = (operation: 'addUser' | 'warmTransfer' | 'coldTransfer', to: string, extra: IDataObject = {}): IDataObject => ({
	...addUserParameters({ operation, to, triggerSource: AGENT }),
	...extra,
});

const jsonOf = (items: INodeExecutionData[]) => items.map((item) => item.json);

describe('every operation against the simulator', () => {
	it.each([
		['addUser', 'call'],
		['warmTransfer', 'warm_transfer'],
		['coldTransfer', 'cold_transfer'],
	] as const)('%s dials with {action:%s} and returns Plivo’s answer per item', async (operation, action) => {
		const { output } = await run(dial(operation, '={{ $json.phone }}'), [
			{ phone: '+1 (415) 555-1234' },
			{ phone: 'sip:agent7@phone.plivo.com' },
		]);
		expect(output).toHaveLength(1);
		expect(output[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const json of jsonOf(output[0])) expect(json).toEqual({ api_id: expect.stringMatching(UUID), error: '' });

		const received = sim.filter({ path: MPC_PATH });
		expect(received.map((request) => request.body)).toEqual([
			`{"action":"${action}","to":"+14155551234","role":"customer","trigger_source":"${AGENT}"}`,
			`{"action":"${action}","to":"sip:agent7@phone.plivo.com","role":"customer","trigger_source":"${AGENT}"}`,
		]);
		for (const request of received) {
			expect(request).toMatchObject({ method: 'POST', authUser: sim.authId, authenticated: true, status: 201 });
			expect(request.headers['content-type']).toBe('application/json');
		}
	});

	it.each([
		['abortTransfer', 'abort_transfer'],
		['hold', 'hold'],
		['unhold', 'unhold'],
		['hangUp', 'hangup'],
		['resumeCall', 'resume_call'],
		['voicemailDrop', 'voicemail_drop'],
	])('%s posts {action:%s} to the member', async (operation, action) => {
		const { output } = await run({ resource: 'multiPartyCall', operation, memberAddress: '={{ $json.member }}' }, [
			{ member: '+14155551234' },
			{ member: 'sip:agent@example.com' },
		]);
		expect(jsonOf(output[0])).toEqual([
			{ api_id: expect.stringMatching(UUID), error: '' },
			{ api_id: expect.stringMatching(UUID), error: '' },
		]);
		const received = sim.filter({ route: 'multiPartyCall.member' });
		expect(received.map((request) => [request.url, request.memberAddress, request.body])).toEqual([
			[`${MPC_PATH}/members/+14155551234`, '+14155551234', `{"action":"${action}"}`],
			[`${MPC_PATH}/members/sip:agent@example.com`, 'sip:agent@example.com', `{"action":"${action}"}`],
		]);
	});

	it('get (Multi-Party Call) returns the node’s details', async () => {
		const { output } = await run({ resource: 'multiPartyCall', operation: 'get' });
		expect(output[0][0].json).toEqual({
			api_id: expect.stringMatching(UUID),
			node_id: DEMO_NODE_ID,
			phlo_id: DEMO_PHLO_ID,
			name: 'Multi-Party Call_1',
			node_type: 'multi_party_call',
			created_on: expect.any(String),
		});
		expect(sim.last()).toMatchObject({ method: 'GET', url: MPC_PATH, body: '' });
	});

	it('run sends the payload unchanged under the account, {} when empty', async () => {
		const { output } = await run(
			{ resource: 'phlo', operation: 'run', payload: '={{ JSON.stringify({ from: "+14155550000", to: $json.phone, customerName: $json.name }) }}' },
			[{ phone: '+14155551234', name: 'Ada' }],
		);
		expect(output[0][0].json).toMatchObject({ api_id: expect.stringMatching(UUID), phlo_id: DEMO_PHLO_ID });
		expect(sim.last()).toMatchObject({
			method: 'POST',
			url: `/v1/account/${sim.authId}/phlo/${DEMO_PHLO_ID}`,
			body: '{"from":"+14155550000","to":"+14155551234","customerName":"Ada"}',
		});

		await run({ resource: 'phlo', operation: 'run' });
		expect(sim.last()?.body).toBe('{}');
	});

	it('get (PHLO) accepts the console URL and returns the PHLO', async () => {
		const { output } = await run({ resource: 'phlo', operation: 'get', phloId: `https://console.plivo.com/phlo/edit/${DEMO_PHLO_ID}` });
		expect(output[0][0].json).toMatchObject({ phlo_id: DEMO_PHLO_ID, name: 'Demo call center' });
		expect(sim.last()?.url).toBe(`/v1/phlo/${DEMO_PHLO_ID}`);
	});

	it('loads the credential once per execution, however many items', async () => {
		const items = Array.from({ length: 25 }, (_, i) => ({ phone: `+1415555${String(1000 + i)}` }));
		const { output, credentialLoads } = await run(dial('addUser', '={{ $json.phone }}'), items, {});
		expect(output[0]).toHaveLength(25);
		expect(credentialLoads).toBe(1);
		expect(sim.count({ path: MPC_PATH })).toBe(25);
	});
});

/** Every error class, seen by the user with Continue On Fail and without. */
describe('failures', () => {
	const continueModes: OnError[] = ['continueRegularOutput', 'continueErrorOutput'];

	async function failOne(to: string, options: IDataObject = {}, onError: OnError = 'continueRegularOutput') {
		const { output } = await run(
			dial('addUser', '={{ $json.phone }}', { options: { ...UNPACED, ...options } }),
			[{ phone: '+14155551111' }, { phone: to }, { phone: '+14155552222' }],
			{ onError },
		);
		expect(output[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0][0].json).toEqual({ api_id: expect.stringMatching(UUID), error: '' });
		expect(output[0][2].json).toEqual({ api_id: expect.stringMatching(UUID), error: '' });
		return output[0][1];
	}

	it.each([
		['0400', 400, 'invalid destination number'],
		['0401', 401, 'Authentication failed'],
		['0403', 403, 'forbidden'],
		['0404', 404, 'member not found in the multi party call'],
		['0201', 201, 'multi party call is not in progress'],
	])('Plivo refusal %s → rejected, with Plivo’s text, status and api_id', async (code, status, text) => {
		const to = faultNumber(code);
		const item = await failOne(to);
		const details = (item.json as { details: IDataObject }).details;
		expect(item.json.error).toMatch(new RegExp(`^Plivo PHLO error \\(HTTP ${status}\\) \\[item 1\\]: ${text}`));
		expect(details).toMatchObject({ outcome: 'rejected', item_index: 1, status, api_id: expect.stringMatching(UUID), to, trigger_source: AGENT });
		expect(details.plivo_error).toContain(text);
		expect(sim.count({ to })).toBe(1);
	});

	it.each(continueModes)('with %s every item yields one output item, in order', async (mode) => {
		const item = await failOne(faultNumber('0400'), {}, mode);
		expect(item.error?.message).toMatch(/HTTP 400/);
	});

	it('a 429 is retried after Retry-After and then succeeds, sent once more only', async () => {
		const to = '+14155553333';
		sim.addFault({ match: { to }, fault: { type: 'rate-limited', retryAfterSeconds: 1 }, times: 1 });
		const started = Date.now();
		const item = await failOne(to);
		expect(item.json).toEqual({ api_id: expect.stringMatching(UUID), error: '' });
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		expect(sim.filter({ to }).map((request) => request.status)).toEqual([429, 201]);
	});

	it('a 429 asking for longer than the node waits fails the item as rejected, not retried', async () => {
		const to = faultNumber('1429');
		const item = await failOne(to);
		expect(item.json).toMatchObject({ details: { outcome: 'rejected', status: 429 } });
		expect(item.json.error).toMatch(/HTTP 429/);
		expect(sim.count({ to })).toBe(1);
	});

	it.each([
		['0500', 500],
		['0502', 502],
		['0503', 503],
	])('HTML %s on a POST → unknown, a clear message, never re-sent', async (code, status) => {
		const to = faultNumber(code);
		const item = await failOne(to);
		expect(item.json.error).toMatch(new RegExp(`^Plivo PHLO answered HTTP ${status} with a body that is not JSON \\[item 1\\]: \\S`));
		expect(item.json.error).not.toMatch(/<|>/);
		expect(item.json).toMatchObject({ details: { outcome: 'unknown', status } });
		expect((item.error as { description?: string }).description).toMatch(/check the call logs/);
		expect(sim.count({ to })).toBe(1);
	});

	it('no answer within the timeout → unknown, never re-sent', async () => {
		const to = faultNumber('0408');
		const item = await failOne(to, { timeout: 300 });
		expect(item.json.error).toMatch(/no answer within 300 ms \[item 1\]/);
		expect(item.json).toMatchObject({ details: { outcome: 'unknown', to } });
		expect(sim.count({ to })).toBe(1);
	});

	it.each([
		['0601', 'reset after the body was read'],
		['0603', 'closed half-way through the answer'],
	])('connection fault %s (%s) → unknown, never re-sent', async (code) => {
		const to = faultNumber(code);
		const item = await failOne(to);
		expect(item.json).toMatchObject({ details: { outcome: 'unknown' } });
		expect(sim.count({ to })).toBe(1);
	});

	it.each([
		['0602', 'truncated JSON'],
		['0605', 'HTML with 201'],
	])('a success status with an unreadable body (%s, %s) → unknown', async (code) => {
		const item = await failOne(faultNumber(code));
		expect(item.json.error).toMatch(/body that is not JSON/);
		expect(item.json).toMatchObject({ details: { outcome: 'unknown' } });
	});

	it('a huge valid answer is returned whole', async () => {
		const item = await failOne(faultNumber('0606'));
		expect(JSON.stringify(item.json).length).toBeGreaterThan(5_000_000);
	});

	it('connection refused for a few seconds: retried until Plivo listens again, and sent once', async () => {
		const outage = await startSimulator();
		try {
			outage.refuseConnections(4_000);
			const started = Date.now();
			const { output } = await runNode({
				parameters: { ...dial('addUser', '+14155551235'), phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID, options: UNPACED },
				credentials: outage.credentials,
			});
			expect(output[0][0].json).toMatchObject({ error: '' });
			expect(outage.filter().map((request) => request.to)).toEqual(['+14155551235']);
			expect(Date.now() - started).toBeGreaterThanOrEqual(3_500);
		} finally {
			await outage.close();
		}
	}, 30_000);

	it('connection refused for good → not_sent after about 30 s of retries, with a clear message', async () => {
		const closed = await startSimulator();
		const baseUrl = closed.url;
		await closed.close();
		const { output } = await runNode({
			parameters: { ...dial('addUser', '+14155551234'), phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID, options: UNPACED },
			credentials: { ...sim.credentials, baseUrl },
			onError: 'continueRegularOutput',
		});
		expect(output[0][0].json.error).toMatch(/^Could not complete the request to Plivo PHLO at 127\.0\.0\.1:\d+: the connection was refused \[item 0\] \(outcome: not_sent; to: \+14155551234; trigger_source: \+14155550000\)$/);
		expect(output[0][0].json).toMatchObject({ details: { outcome: 'not_sent', to: '+14155551234' } });
	}, 60_000);

	it('without Continue On Fail the node stops with a NodeApiError saying what to fix', async () => {
		const error = await runNodeExpectingError({
			parameters: { ...dial('addUser', faultNumber('0404')), phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID, options: UNPACED },
			credentials: sim.credentials,
		});
		expect(error.constructor.name).toBe('NodeApiError');
		expect(error.message).toMatch(
			/^Plivo PHLO error \(HTTP 404\) \[item 0\]: member not found in the multi party call \(outcome: rejected; to: \+19995550404; trigger_source: \+14155550000; api_id: [0-9a-f-]{36}\)$/,
		);
		expect(error.httpCode).toBe('404');
		expect((error.context as IDataObject).itemIndex).toBe(0);
		expect(error.description).toMatch(/Check the PHLO ID and Node ID.*Plivo api_id: [0-9a-f-]{36}\./);
	});

	it('stops at the first failing item and sends nothing after it', async () => {
		const error = await runNodeExpectingError({
			parameters: { ...dial('addUser', '={{ $json.phone }}'), phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID, options: UNPACED },
			items: [{ phone: '+14155551111' }, { phone: faultNumber('0400') }, { phone: '+14155552222' }],
			credentials: sim.credentials,
		});
		expect(error.message).toMatch(/\[item 1\]/);
		expect(sim.count({ to: '+14155552222' })).toBe(0);
	});

	it('bad input names the field and the item, and nothing is sent', async () => {
		const { output } = await run(dial('addUser', '={{ $json.phone }}'), [{ phone: '+14155551111' }, { phone: 'call me maybe' }], {
			onError: 'continueRegularOutput',
		});
		expect(output[0][1].json).toEqual({
			error: 'To "call me maybe" is not a phone number or SIP URI; use digits with an optional leading + (e.g. +14155551234) or sip:user@host [item 1]',
			details: { outcome: 'not_sent', item_index: 1, field: 'to' },
		});
		expect(sim.count()).toBe(1);

		const error = await runNodeExpectingError({
			parameters: { resource: 'multiPartyCall', operation: 'hold', phloId: 'a/../b', nodeId: DEMO_NODE_ID, memberAddress: '+14155551234' },
			credentials: sim.credentials,
		});
		expect(error.constructor.name).toBe('NodeOperationError');
		expect(error.message).toMatch(/^PHLO ID: no PHLO ID found in the URL "a\/..\/b".*\[item 0\]$/);
		expect(error.description).toMatch(/Parameter "phloId"\. Nothing was sent to Plivo/);
		expect(sim.count()).toBe(1);
	});

	it('a wrong Auth Token is a 401 naming the credential, sent once', async () => {
		const { output } = await runNode({
			parameters: { ...dial('addUser', '+14155551234'), phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID, options: UNPACED },
			credentials: { ...sim.credentials, authToken: 'wrong-token-123' },
			onError: 'continueRegularOutput',
		});
		expect(output[0][0].json).toMatchObject({ details: { outcome: 'rejected', status: 401 } });
		expect((output[0][0].error as { description?: string }).description).toMatch(/Auth ID and Auth Token/);
		expect(sim.count()).toBe(1);
	});

	it('refuses plain http to a non-loopback host before sending anything', async () => {
		const { output } = await runNode({
			parameters: { ...dial('addUser', '+14155551234'), phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID, options: UNPACED },
			items: [{}, {}],
			credentials: { ...sim.credentials, baseUrl: 'http://phlorunner.plivo.com' },
			onError: 'continueRegularOutput',
		});
		expect(output[0]).toHaveLength(2);
		for (const [index, item] of output[0].entries()) {
			expect(item.json.error).toMatch(/plain http:\/\/ for phlorunner\.plivo\.com/);
			expect(item.json).toMatchObject({ details: { outcome: 'not_sent', item_index: index, field: 'baseUrl' } });
		}
	});
});

describe('secrets', () => {
	const token = 'SuperSecretToken-4f9d2c';

	it('the auth token appears in no error, description, context or output item, whatever failed', async () => {
		const { output } = await runNode({
			parameters: { ...dial('addUser', '={{ $json.phone }}'), phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID, options: { ...UNPACED, timeout: 300 } },
			items: ['0400', '0401', '0500', '0502', '0408', '0601', '0600', '0602'].map((code) => ({ phone: faultNumber(code) })),
			credentials: { ...sim.credentials, authToken: token },
			onError: 'continueErrorOutput',
		});
		const closedPort = await startSimulator();
		await closedPort.close();
		const refused = await runNode({
			parameters: { ...dial('addUser', '+14155551234'), phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID, options: UNPACED },
			credentials: { ...sim.credentials, authToken: token, baseUrl: closedPort.url },
			onError: 'continueRegularOutput',
		});
		const thrown = await runNodeExpectingError({
			parameters: { ...dial('addUser', faultNumber('0401')), phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID, options: UNPACED },
			credentials: { ...sim.credentials, authToken: token },
		});
		const encoded = Buffer.from(`${sim.authId}:${token}`).toString('base64');
		for (const item of [...output[0], ...refused.output[0]]) {
			const everything = [JSON.stringify(item.json), inspect(item.error, { depth: 20, showHidden: true }), JSON.stringify(item.error)].join('\n');
			expect(everything).not.toContain(token);
			expect(everything).not.toContain(encoded);
		}
		const thrownText = [inspect(thrown, { depth: 20, showHidden: true }), JSON.stringify(thrown), JSON.stringify(thrown.description)].join('\n');
		expect(thrownText).not.toContain(token);
		expect(thrownText).not.toContain(encoded);
		// The closed port is retried for about 30 s before it fails.
	}, 60_000);
});

describe('pacing and order', () => {
	it('keeps output order and pairing with many requests in flight', async () => {
		sim.setLatency(15);
		const items = Array.from({ length: 60 }, (_, i) => ({ phone: i % 7 === 3 ? faultNumber('0400') : `+1415555${String(2000 + i)}` }));
		const { output } = await run(dial('addUser', '={{ $json.phone }}', { options: { concurrency: 8, maxRequestsPerSecond: 0 } }), items, {
			onError: 'continueRegularOutput',
		});
		expect(output[0]).toHaveLength(60);
		output[0].forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			if (index % 7 === 3) expect(item.json).toMatchObject({ details: { item_index: index, to: faultNumber('0400') } });
			else expect(item.json.error).toBe('');
		});
		expect(sim.count({ path: MPC_PATH })).toBe(60);
	});

	it('spaces requests at the configured rate', async () => {
		const { output } = await run(dial('addUser', '+14155551234', { options: { concurrency: 4, maxRequestsPerSecond: 20 } }), Array(11).fill({}));
		expect(output[0]).toHaveLength(11);
		const times = sim.filter({ path: MPC_PATH }).map((request) => request.receivedAt);
		expect(times[10] - times[0]).toBeGreaterThanOrEqual(480);
	});

	it('a 429 from the rate limit slows the whole node, and every item still gets one result', async () => {
		sim.setRateLimit({ limit: 5, windowMs: 1_000 });
		const items = Array.from({ length: 12 }, (_, i) => ({ phone: `+1415555${String(3000 + i)}` }));
		const { output } = await run(dial('addUser', '={{ $json.phone }}', { options: { concurrency: 3, maxRequestsPerSecond: 0 } }), items, {
			onError: 'continueRegularOutput',
		});
		expect(output[0]).toHaveLength(12);
		expect(sim.stats.rateLimited).toBeGreaterThan(0);
		for (const [index, item] of output[0].entries()) {
			expect(item.json).toEqual({ api_id: expect.stringMatching(UUID), error: '' });
			expect(sim.count({ to: items[index].phone, status: 201 })).toBe(1);
		}
	}, 30_000);

	it('a cancelled execution stops sending at once', async () => {
		sim.setLatency(50);
		const controller = new AbortController();
		const items = Array.from({ length: 40 }, (_, i) => ({ phone: `+1415555${String(4000 + i)}` }));
		sim.onRequest(() => {
			if (sim.count() === 5) controller.abort();
		});
		const error = await runNodeExpectingError({
			parameters: { ...dial('addUser', '={{ $json.phone }}'), phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID, options: { concurrency: 1, maxRequestsPerSecond: 0 } },
			items,
			credentials: sim.credentials,
			abortSignal: controller.signal,
		});
		expect(error.message).toMatch(/cancelled/);
		expect(sim.count()).toBeLessThanOrEqual(6);
	});
});
