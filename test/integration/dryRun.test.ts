import type { IDataObject } from 'n8n-workflow';

import { useMemoryProcessedData } from '../support/processedData';
import { OPERATIONS } from '../support/operations';
import { runNode, type RunOptions } from '../support/runNode';
import { DEMO_NODE_ID, DEMO_PHLO_ID, startSimulator, type Simulator } from '../support/simulator';
import { addUserParameters } from '../support/workflows';

/** Dry Run in n8n-core against the simulator: nothing may reach it, and every guard answers as for real. */

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator();
});
afterEach(() => sim.reset());
afterAll(async () => await sim.close());

const run = async (parameters: RunOptions['parameters'], items: IDataObject[], extra: Partial<RunOptions> = {}) =>
	(await runNode({ parameters, items, credentials: sim.credentials, onError: 'continueRegularOutput', ...extra })).output[0].map((item) => item.json);

const addUser = (options: IDataObject): RunOptions['parameters'] =>
	addUserParameters({ triggerSource: '+14155550000', options: { maxRequestsPerSecond: 0, dryRun: true, ...options } });

/** Every operation's fields, each filled in. */
const FIELDS: IDataObject = {
	phloId: DEMO_PHLO_ID,
	nodeId: DEMO_NODE_ID,
	to: '+14155551234',
	role: 'customer',
	triggerSource: '+14155550000',
	memberAddress: '+14155551234',
	payload: '{"from": "+14155550000", "to": "+14155551234"}',
};

describe('Dry Run', () => {
	const operations = Object.entries(OPERATIONS).flatMap(([resource, ops]) => Object.keys(ops).map((operation) => ({ resource, operation })));

	it.each(operations)('$resource > $operation sends nothing and outputs the request it would send, without the Auth Token', async ({ resource, operation }) => {
		const [item] = await run({ resource, operation, ...FIELDS, options: { dryRun: true, maxRequestsPerSecond: 0 } }, [{}]);
		expect(sim.count()).toBe(0);
		expect(item).toMatchObject({ dryRun: true, request: { method: expect.stringMatching(/^(GET|POST)$/), url: expect.stringContaining(`${sim.url}/v1/`) } });
		expect(JSON.stringify(item)).not.toContain(sim.credentials.authToken);
		const body = (item.request as IDataObject).body as IDataObject | undefined;
		const action = (OPERATIONS as Record<string, Record<string, string | undefined>>)[resource][operation];
		if (action) expect(body).toMatchObject({ action });
	});

	it('reports each guard: the destinations allowed, Calling Hours, the key, the wait', async () => {
		const [item] = await run(
			addUser({ allowedDestinations: '+1415*', callingHours: 'custom', callingHoursStart: '00:00', callingHoursEnd: '00:00', callingHoursTimeZone: 'UTC', deduplicationKey: '={{ $json.ticket }}' }),
			[{ phone: '+14155551001', ticket: 'T-guards' }],
			{ workflowId: 'wf-dry-guards' },
		);
		expect(item.guards).toEqual({
			allowedDestinations: { verdict: 'allowed', destinations: ['+14155551001'] },
			callingHours: { verdict: 'open', window: '00:00–00:00 Mon–Sun', zones: ['UTC'] },
			deduplication: { key: 'T-guards', verdict: 'would send' },
			pace: { wouldWaitSeconds: 0 },
		});
		expect(sim.count()).toBe(0);
	});

	it('fails an item a guard refuses exactly as a real run would', async () => {
		// A window opening two hours from now: closed now, whenever the test runs.
		const utcClock = (at: number) => new Date(at).toISOString().slice(11, 16);
		const inTwoHours = Date.now() + 2 * 3_600_000;
		const options = { allowedDestinations: '+1415*', callingHours: 'custom', callingHoursStart: utcClock(inTwoHours), callingHoursEnd: utcClock(inTwoHours + 3_600_000), callingHoursTimeZone: 'UTC' };
		const items = [{ phone: '+442071838750' }, { phone: '+14155551002' }];
		const dry = await run(addUser(options), items);
		const real = await run(addUser({ ...options, dryRun: false }), items);
		expect(dry.map((json) => json.error)).toEqual(real.map((json) => json.error));
		expect(dry[0].error).toContain('is not an allowed destination');
		expect(dry[1].details).toMatchObject({ outcome: 'not_sent', retryAt: expect.any(String) });
		expect(sim.count()).toBe(0);
	});

	it('claims no key: what a real run sent would be skipped, what a dry run saw is still sent by the next real run', async () => {
		const workflowId = 'wf-dry-keys';
		const options = { deduplicationKey: '={{ $json.ticket }}' };
		await run(addUser({ ...options, dryRun: false }), [{ phone: '+14155551011', ticket: 'T-sent' }], { workflowId });
		const dry = await run(addUser(options), [{ phone: '+14155551011', ticket: 'T-sent' }, { phone: '+14155551012', ticket: 'T-new' }], { workflowId });
		expect(dry.map((json) => (json.guards as IDataObject).deduplication)).toEqual([
			{ key: 'T-sent', verdict: 'would skip' },
			{ key: 'T-new', verdict: 'would send' },
		]);
		const real = await run(addUser({ ...options, dryRun: false }), [{ phone: '+14155551012', ticket: 'T-new' }], { workflowId });
		expect(real[0]).toMatchObject({ error: '' });
		expect(sim.filter().map((request) => request.to)).toEqual(['+14155551011', '+14155551012']);
	});

	it('with the Shared Database store says the key was not checked, and writes nothing to it', async () => {
		const store = await useMemoryProcessedData();
		const [item] = await run(addUser({ deduplicationKey: 'T-shared', deduplicationStore: 'n8nDatabase' }), [{ phone: '+14155551021' }], { workflowId: 'wf-dry-shared' });
		expect((item.guards as IDataObject).deduplication).toMatchObject({ key: 'T-shared', verdict: 'not checked' });
		expect(store.writes).toEqual([]);
	});

	it("shows how long the account's pace would make it wait, and hands it back when that is past Max Wait for Turn", async () => {
		const account = await startSimulator({ authId: 'MADRYRUNXXXXXXXXXXXX' });
		try {
			// A real execution meets a 429 asking for 30 s: the account's pace holds everyone until then.
			account.addFault({ fault: { type: 'rate-limited', retryAfterSeconds: 30 }, times: 1 });
			const abort = new AbortController();
			const real = runNode({ parameters: addUser({ dryRun: false, maxRequestsPerSecond: 2 }), items: [{ phone: '+14155551031' }], credentials: account.credentials, abortSignal: abort.signal, onError: 'continueRegularOutput' });
			while (account.count({ status: 429 }) === 0) await new Promise((done) => setTimeout(done, 20));
			const [waits, handedBack] = await Promise.all([
				run(addUser({ maxRequestsPerSecond: 2 }), [{ phone: '+14155551032' }], { credentials: account.credentials }),
				run(addUser({ maxRequestsPerSecond: 2, maxWaitSeconds: 5 }), [{ phone: '+14155551033' }], { credentials: account.credentials }),
			]);
			abort.abort();
			await real.catch(() => undefined);
			expect(((waits[0].guards as IDataObject).pace as IDataObject).wouldWaitSeconds).toBeGreaterThan(25);
			expect(handedBack[0].error).toMatch(/^The Plivo account's pace has a backlog \[item 0\]/);
			expect(account.count()).toBe(1);
		} finally {
			await account.close();
		}
	});
});
