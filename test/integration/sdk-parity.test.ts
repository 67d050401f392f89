import { sdkClient, type SdkMember, type SdkPhloClient } from '../support/plivoSdk';
import { runNode } from '../support/runNode';
import { DEMO_NODE_ID, DEMO_PHLO_ID, startSimulator, type RecordedRequest, type Simulator } from '../support/simulator';

/**
 * For the same call, the node sends what Plivo's official Node SDK (`plivo`) sends: the same method,
 * path and, byte for byte, the same JSON body. Both are recorded by the simulator and compared.
 */

let sim: Simulator;
let sdk: SdkPhloClient;

beforeAll(async () => {
	sim = await startSimulator();
	sdk = sdkClient(sim, sim.authToken);
});
afterEach(() => sim.reset());
afterAll(async () => await sim.close());

const AGENT = '+14155550000';
const CALLER = '+14155551234';

async function recordOne(send: () => Promise<unknown>): Promise<RecordedRequest> {
	const before = sim.requests.length;
	await send();
	expect(sim.requests.length).toBe(before + 1);
	return sim.requests[before];
}

async function node(parameters: Record<string, unknown>): Promise<RecordedRequest> {
	return await recordOne(() =>
		runNode({
			parameters: { phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID, ...parameters },
			credentials: sim.credentials,
		}),
	);
}

/** The SDK's member actions never get their HTTP client; this hands it the one its parent already has. */
function memberUpdate(member: SdkMember, action: string): Promise<unknown> {
	const withClient = new Proxy(member, {
		get: (target, key, receiver) => (typeof key === 'symbol' ? target.client : Reflect.get(target, key, receiver)),
	});
	return member.update.call(withClient, action);
}

function expectSame(fromNode: RecordedRequest, fromSdk: RecordedRequest): void {
	expect(fromNode.method).toBe(fromSdk.method);
	expect(fromNode.path).toBe(fromSdk.path);
	expect(fromNode.body).toBe(fromSdk.body);
	expect(fromNode.authUser).toBe(fromSdk.authUser);
	expect(fromNode.status).toBe(fromSdk.status);
}

describe('the node sends what the official SDK sends', () => {
	it.each([
		['addUser', 'call', 'customer'],
		['warmTransfer', 'warmTransfer', 'agent'],
		['coldTransfer', 'coldTransfer', 'agent'],
	] as const)('%s = sdk.%s', async (operation, method, role) => {
		const fromSdk = await recordOne(() => sdk.phlo(DEMO_PHLO_ID).multiPartyCall(DEMO_NODE_ID)[method](AGENT, CALLER, role));
		const fromNode = await node({ resource: 'multiPartyCall', operation, to: CALLER, role, triggerSource: AGENT });
		expectSame(fromNode, fromSdk);
		expect(fromNode.body).toBe(`{"action":"${(fromSdk.json as { action: string }).action}","to":"${CALLER}","role":"${role}","trigger_source":"${AGENT}"}`);
	});

	it('abortTransfer = sdk.abortTransfer', async () => {
		const fromSdk = await recordOne(() => sdk.phlo(DEMO_PHLO_ID).multiPartyCall(DEMO_NODE_ID).abortTransfer(CALLER));
		const fromNode = await node({ resource: 'multiPartyCall', operation: 'abortTransfer', memberAddress: CALLER });
		expectSame(fromNode, fromSdk);
		expect(fromNode.body).toBe('{"action":"abort_transfer"}');
	});

	it.each([
		['hold', 'hold'],
		['unhold', 'unhold'],
		['hangUp', 'hangup'],
		['resumeCall', 'resume_call'],
		['voicemailDrop', 'voicemail_drop'],
	])('%s = the SDK member update(%s), which the SDK itself cannot send', async (operation, action) => {
		const member = sdk.phlo(DEMO_PHLO_ID).multiPartyCall(DEMO_NODE_ID).member(CALLER);
		const fromSdk = await recordOne(() => memberUpdate(member, action));
		const fromNode = await node({ resource: 'multiPartyCall', operation, memberAddress: CALLER });
		expectSame(fromNode, fromSdk);
		expect(fromNode.body).toBe(`{"action":"${action}"}`);
	});

	it('run = sdk.run for a payload with snake_case keys', async () => {
		const payload = { from: AGENT, to: CALLER, customer_name: 'Ada', ticket: 42, tags: ['vip'] };
		const fromSdk = await recordOne(() => sdk.phlo(DEMO_PHLO_ID).run(payload));
		const fromNode = await node({ resource: 'phlo', operation: 'run', payload: JSON.stringify(payload) });
		expectSame(fromNode, fromSdk);
	});

	it('run sends camelCase payload keys as given, where the SDK renames them', async () => {
		const fromSdk = await recordOne(() => sdk.phlo(DEMO_PHLO_ID).run({ customerName: 'Ada' }));
		const fromNode = await node({ resource: 'phlo', operation: 'run', payload: '{"customerName":"Ada"}' });
		expect(fromSdk.body).toBe('{"customer_name":"Ada"}');
		expect(fromNode.body).toBe('{"customerName":"Ada"}');
	});

	it('get PHLO reads the same resource (the SDK adds a slash and a redundant query)', async () => {
		const fromSdk = await recordOne(() => sdk.phlo.get(DEMO_PHLO_ID));
		const fromNode = await node({ resource: 'phlo', operation: 'get' });
		expectSame(fromNode, fromSdk);
		expect(fromNode.url).toBe(`/v1/phlo/${DEMO_PHLO_ID}`);
	});

	it('get Multi-Party Call reads the same resource (the SDK needs its undeclared `action` supplied to send it)', async () => {
		const scope = globalThis as unknown as Record<string, unknown>;
		scope.action = `phlo/${DEMO_PHLO_ID}/multi_party_call/`;
		let fromSdk: RecordedRequest;
		try {
			fromSdk = await recordOne(() => sdk.phlo(DEMO_PHLO_ID).multiPartyCall.get(DEMO_NODE_ID));
		} finally {
			delete scope.action;
		}
		const fromNode = await node({ resource: 'multiPartyCall', operation: 'get' });
		expectSame(fromNode, fromSdk);
	});
});
