/**
 * Plivo's own Node SDK (`plivo` PhloClient) against the simulator: proof that the simulator accepts
 * exactly what the official client sends. Findings about the SDK (4.79.0) recorded here:
 * - `phlo(id).multiPartyCall.get(nodeId)` never sends its request: it reads an undeclared `action`
 *   and rejects with `ReferenceError: action is not defined`. With that variable supplied it sends
 *   `GET /v1/phlo/{p}/multi_party_call/{n}/?phlo_id=…&node_type=multi_party_call&node_id=…`, and then
 *   passes its arguments to the response class the wrong way round, so every field is undefined.
 * - member actions (`multiPartyCall(n).member(address).hold()` and the other five) never send anything:
 *   the member object is built without its HTTP client, so they reject with
 *   `TypeError: client is not a function`.
 * - `run(payload)` snake-cases the payload's keys (`myKey` is sent as `my_key`), and `run()` without a
 *   payload sends the body `""`.
 * - `abortTransfer(address)` is the one member action that works: it is sent by the node object.
 */
import { sdkClient, type SdkPhloClient, type UpdateResponse } from '../support/plivoSdk';
import { DEMO_NODE_ID, DEMO_PHLO_ID, DEMO_PHLO_NAME, faultNumber, startSimulator, type Simulator } from '../support/simulator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sim: Simulator;
let client: SdkPhloClient;

beforeAll(async () => {
	sim = await startSimulator();
	client = sdkClient(sim, sim.authToken);
});

afterEach(() => sim.reset());

afterAll(async () => {
	await sim.close();
});

describe('the plivo SDK PhloClient against the simulator', () => {
	it('phlo.get', async () => {
		const phlo = await client.phlo.get(DEMO_PHLO_ID);
		expect(phlo).toMatchObject({ apiId: expect.stringMatching(UUID), phloId: DEMO_PHLO_ID, name: DEMO_PHLO_NAME, authId: sim.authId });
		expect(sim.last()).toMatchObject({
			method: 'GET',
			url: `/v1/phlo/${DEMO_PHLO_ID}/?phlo_id=${DEMO_PHLO_ID}`,
			route: 'phlo.get',
			authenticated: true,
			status: 200,
		});
		expect(sim.last()?.headers['user-agent']).toMatch(/^plivo-node\//);
	});

	it('multiPartyCall.get: the SDK fails before sending; with its missing variable supplied, the simulator answers it', async () => {
		const mpc = client.phlo(DEMO_PHLO_ID).multiPartyCall;
		await expect(mpc.get(DEMO_NODE_ID)).rejects.toThrow(/action is not defined/);
		expect(sim.count()).toBe(0);

		// The SDK reads a free variable `action`; give it the value its own constructor computes.
		const scope = globalThis as unknown as Record<string, unknown>;
		scope.action = `phlo/${DEMO_PHLO_ID}/multi_party_call/`;
		try {
			await mpc.get(DEMO_NODE_ID);
		} finally {
			delete scope.action;
		}
		expect(sim.last()).toMatchObject({
			method: 'GET',
			path: `/v1/phlo/${DEMO_PHLO_ID}/multi_party_call/${DEMO_NODE_ID}`,
			query: { phlo_id: DEMO_PHLO_ID, node_type: 'multi_party_call', node_id: DEMO_NODE_ID },
			route: 'multiPartyCall.get',
			status: 200,
		});
		expect(sim.last()?.url).toBe(
			`/v1/phlo/${DEMO_PHLO_ID}/multi_party_call/${DEMO_NODE_ID}/?phlo_id=${DEMO_PHLO_ID}&node_type=multi_party_call&node_id=${DEMO_NODE_ID}`,
		);
	});

	it('call, warmTransfer, coldTransfer and abortTransfer', async () => {
		const mpc = client.phlo(DEMO_PHLO_ID).multiPartyCall(DEMO_NODE_ID);
		const answers = [
			await mpc.call('+14155550000', '+14155551234', 'customer'),
			await mpc.warmTransfer('+14155550000', '+14155551235'),
			await mpc.coldTransfer('+14155550000', '+14155551236', 'agent'),
			await mpc.abortTransfer('+14155551235'),
		];
		for (const answer of answers) expect(answer).toEqual({ apiId: expect.stringMatching(UUID), error: '' });
		expect(sim.requests.map(({ route, body, memberAddress, status }) => ({ route, body, memberAddress, status }))).toEqual([
			{
				route: 'multiPartyCall.dial',
				body: '{"action":"call","to":"+14155551234","role":"customer","trigger_source":"+14155550000"}',
				memberAddress: undefined,
				status: 201,
			},
			{
				route: 'multiPartyCall.dial',
				body: '{"action":"warm_transfer","to":"+14155551235","role":"agent","trigger_source":"+14155550000"}',
				memberAddress: undefined,
				status: 201,
			},
			{
				route: 'multiPartyCall.dial',
				body: '{"action":"cold_transfer","to":"+14155551236","role":"agent","trigger_source":"+14155550000"}',
				memberAddress: undefined,
				status: 201,
			},
			{ route: 'multiPartyCall.member', body: '{"action":"abort_transfer"}', memberAddress: '+14155551235', status: 201 },
		]);
	});

	it('run, with a payload and without one', async () => {
		const phlo = client.phlo(DEMO_PHLO_ID);
		const withPayload = await phlo.run({ from: '+14155550000', to: '+14155551234', customerName: 'Ada' });
		expect(withPayload).toEqual({ apiId: expect.stringMatching(UUID), phloId: DEMO_PHLO_ID, message: expect.stringContaining('phlo_run_id') });
		const without = await phlo.run();
		expect(without.phloId).toBe(DEMO_PHLO_ID);
		expect(sim.requests.map(({ path, body, status }) => ({ path, body, status }))).toEqual([
			{
				path: `/v1/account/${sim.authId}/phlo/${DEMO_PHLO_ID}`,
				body: '{"from":"+14155550000","to":"+14155551234","customer_name":"Ada"}',
				status: 201,
			},
			{ path: `/v1/account/${sim.authId}/phlo/${DEMO_PHLO_ID}`, body: '""', status: 201 },
		]);
	});

	it('its errors carry the status and Plivo\'s error text', async () => {
		// The SDK's error classes are ES5-compiled subclasses of Error, so what it throws is a plain
		// Error carrying `status`, `message` (Plivo's `error`) and `apiID`.
		const failure = async (promise: Promise<unknown>): Promise<{ status: unknown; message: string; apiID: unknown }> => {
			try {
				await promise;
			} catch (error) {
				if (error instanceof Error) {
					const { status, apiID } = error as Error & { status?: unknown; apiID?: unknown };
					return { status, message: error.message, apiID };
				}
				throw error;
			}
			throw new Error('the SDK call succeeded');
		};
		const mpc = client.phlo(DEMO_PHLO_ID).multiPartyCall(DEMO_NODE_ID);
		expect(await failure(mpc.call('+14155550000', faultNumber('0404')))).toEqual({
			status: 404,
			message: 'member not found in the multi party call',
			apiID: expect.stringMatching(UUID),
		});
		const wrong = sdkClient(sim, 'wrong-token');
		expect(await failure(wrong.phlo.get(DEMO_PHLO_ID))).toMatchObject({ status: 401, message: 'Authentication failed' });
		expect(await failure(client.phlo.get('00000000-0000-4000-8000-000000000000'))).toMatchObject({
			status: 404,
			message: 'PHLO not found',
		});
	});

	it("member actions are broken in the SDK: they throw before sending (the member never gets its client)", async () => {
		const mpc = client.phlo(DEMO_PHLO_ID).multiPartyCall(DEMO_NODE_ID);
		for (const member of [mpc.member('+14155551234'), mpc.member.get('+14155551234')]) {
			for (const action of [
				(): Promise<UpdateResponse> => member.hold(),
				(): Promise<UpdateResponse> => member.unhold(),
				(): Promise<UpdateResponse> => member.hangup(),
				(): Promise<UpdateResponse> => member.resumeCall(),
				(): Promise<UpdateResponse> => member.voicemailDrop(),
			]) {
				await expect(action()).rejects.toThrow(/client is not a function/);
			}
		}
		expect(sim.count()).toBe(0);
	});
});
