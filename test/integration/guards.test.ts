import type { IDataObject } from 'n8n-workflow';

import { ProcessKeys } from '../../nodes/PlivoPhlo/storage/inProcess';
import { StaticDataStore } from '../../nodes/PlivoPhlo/storage/staticData';
import { useMemoryProcessedData, type MemoryProcessedData } from '../support/processedData';
import { runNode, runNodeExpectingError, type RunOptions } from '../support/runNode';
import { DEMO_PHLO_ID, faultNumber, startSimulator, type Simulator } from '../support/simulator';
import { addUserParameters, PLIVO_NODE_TYPE } from '../support/workflows';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ slowDelayMs: 2_000 });
});
afterEach(() => sim.reset());
afterAll(async () => await sim.close());

const addUser = (options: IDataObject): RunOptions['parameters'] =>
	addUserParameters({ triggerSource: '+14155550000', options: { maxRequestsPerSecond: 0, concurrency: 3, ...options } });

describe('deduplication key', () => {
	it('skips an item whose key was sent in this run or an earlier one, within the window', async () => {
		const staticData: IDataObject = {};
		const workflowId = 'wf-window';
		const options = { deduplicationKey: '={{ $json.ticket }}' };
		const first = await runNode({
			parameters: addUser(options),
			items: [
				{ ticket: 'T-1', phone: '+14155551001' },
				{ ticket: 'T-2', phone: '+14155551002' },
				{ ticket: 'T-1', phone: '+14155551003' },
				{ ticket: '', phone: '+14155551004' },
			],
			credentials: sim.credentials,
			staticData,
			workflowId,
		});
		expect(first.output[0].map((item) => item.json)).toEqual([
			{ api_id: expect.any(String), error: '' },
			{ api_id: expect.any(String), error: '' },
			{ skipped: 'duplicate', key: 'T-1' },
			{ api_id: expect.any(String), error: '' },
		]);
		expect(first.output[0][2].pairedItem).toEqual({ item: 2 });

		const second = await runNode({
			parameters: addUser(options),
			items: [{ ticket: 'T-2', phone: '+14155551002' }, { ticket: 'T-3', phone: '+14155551005' }],
			credentials: sim.credentials,
			staticData,
			workflowId,
		});
		expect(second.output[0].map((item) => item.json)).toEqual([
			{ skipped: 'duplicate', key: 'T-2' },
			{ api_id: expect.any(String), error: '' },
		]);
		expect(sim.count()).toBe(4);
	});

	it('frees the key of an item that was refused or not sent, keeps the key of one left unknown', async () => {
		const staticData: IDataObject = {};
		const workflowId = 'wf-frees';
		const parameters = addUser({ deduplicationKey: '={{ $json.ticket }}', timeout: 300 });
		const items = [
			{ ticket: 'refused', phone: faultNumber('0400') },
			{ ticket: 'unknown', phone: faultNumber('0408') },
			{ ticket: 'invalid', phone: 'nobody' },
		];
		await runNode({ parameters, items, credentials: sim.credentials, staticData, workflowId, onError: 'continueRegularOutput' });
		const again = await runNode({ parameters, items, credentials: sim.credentials, staticData, workflowId, onError: 'continueRegularOutput' });
		expect(again.output[0][0].json).toMatchObject({ details: { outcome: 'rejected' } });
		expect(again.output[0][1].json).toEqual({ skipped: 'duplicate', key: 'unknown' });
		expect(again.output[0][2].json).toMatchObject({ details: { outcome: 'not_sent', field: 'to' } });
		expect(sim.count({ to: faultNumber('0400') })).toBe(2);
		expect(sim.count({ to: faultNumber('0408') })).toBe(1);
	});

	it('forgets keys older than the window', async () => {
		let now = 0;
		/** The node's static data as n8n reads it back from what it saved (JSON). */
		const savedAs = (nodeData: IDataObject): IDataObject => JSON.parse(JSON.stringify(nodeData)) as IDataObject;
		const keys = new ProcessKeys();
		const firstData: IDataObject = {};
		const first = new StaticDataStore(firstData, () => keys, 10, () => now);
		expect(await first.claim('a')).toBe(true);
		expect(await first.claim('a')).toBe(false);
		first.close();
		const saved = savedAs(firstData);
		expect(saved).toEqual({ plivoPhloSentKeys: { a: 0 } });
		now = 10 * 60_000 + 1;
		// After a restart: a new process reads the saved keys, and the old one is past its window.
		const restartedData = savedAs(saved);
		const restarted = new ProcessKeys();
		const later = new StaticDataStore(restartedData, () => restarted, 10, () => now);
		expect(await later.claim('a')).toBe(true);
		later.close();
		expect(savedAs(restartedData)).toEqual({ plivoPhloSentKeys: { a: now } });
	});
});

describe('deduplication key in the shared database store', () => {
	const WORKFLOW = 'wf-shared';
	let store: MemoryProcessedData;
	beforeEach(async () => {
		store = await useMemoryProcessedData();
	});
	const shared = (options: IDataObject = {}) =>
		addUser({ deduplicationKey: '={{ $json.ticket }}', deduplicationStore: 'n8nDatabase', ...options });

	it("records keys in n8n's store, not in static data, so another process skips them", async () => {
		const firstProcess: IDataObject = {};
		const first = await runNode({
			workflowId: WORKFLOW,
			parameters: shared(),
			items: [{ ticket: 'T-1', phone: '+14155551001' }, { ticket: 'T-1', phone: '+14155551002' }],
			credentials: sim.credentials,
			staticData: firstProcess,
		});
		expect(first.output[0].map((item) => item.json)).toEqual([
			{ api_id: expect.any(String), error: '' },
			{ skipped: 'duplicate', key: 'T-1' },
		]);
		expect(firstProcess).toEqual({});
		expect(store.has(WORKFLOW, 'plivo-phlo-node', 'T-1')).toBe(true);

		const secondProcess = await runNode({
			workflowId: WORKFLOW,
			parameters: shared(),
			items: [{ ticket: 'T-1', phone: '+14155551001' }, { ticket: 'T-2', phone: '+14155551003' }],
			credentials: sim.credentials,
			staticData: {},
		});
		expect(secondProcess.output[0].map((item) => item.json)).toEqual([
			{ skipped: 'duplicate', key: 'T-1' },
			{ api_id: expect.any(String), error: '' },
		]);
		expect(sim.count()).toBe(2);
	});

	it('frees the key of an item that was refused, keeps the key of one left unknown', async () => {
		const parameters = shared({ timeout: 300 });
		const items = [
			{ ticket: 'refused', phone: faultNumber('0400') },
			{ ticket: 'unknown', phone: faultNumber('0408') },
		];
		await runNode({ workflowId: WORKFLOW, parameters, items, credentials: sim.credentials, onError: 'continueRegularOutput' });
		expect(store.has(WORKFLOW, 'plivo-phlo-node', 'refused')).toBe(false);
		const again = await runNode({ workflowId: WORKFLOW, parameters, items, credentials: sim.credentials, onError: 'continueRegularOutput' });
		expect(again.output[0][0].json).toMatchObject({ details: { outcome: 'rejected' } });
		expect(again.output[0][1].json).toEqual({ skipped: 'duplicate', key: 'unknown' });
		expect(sim.count({ to: faultNumber('0400') })).toBe(2);
		expect(sim.count({ to: faultNumber('0408') })).toBe(1);
	});

	it("writes a key again after Plivo's answer, restoring it when another execution's write dropped it", async () => {
		// Another execution read the list before this node's write and writes it back while Plivo answers.
		const unsubscribe = sim.onRequest(() => store.lists.clear());
		await runNode({
			workflowId: WORKFLOW,
			parameters: shared({ concurrency: 1 }),
			items: [{ ticket: 'T-9', phone: '+14155551009' }],
			credentials: sim.credentials,
		});
		unsubscribe();
		expect(store.has(WORKFLOW, 'plivo-phlo-node', 'T-9')).toBe(true);
	});

	it('does not race its own items: concurrent items with one key send once', async () => {
		store.beforeWrite = () => new Promise((done) => setTimeout(done, 20));
		const { output } = await runNode({
			workflowId: WORKFLOW,
			parameters: shared({ concurrency: 4 }),
			items: [1, 2, 3, 4].map((n) => ({ ticket: 'same', phone: `+1415555100${n}` })),
			credentials: sim.credentials,
		});
		expect(output[0].filter((item) => item.json.skipped === 'duplicate')).toHaveLength(3);
		expect(sim.count()).toBe(1);
	});

	it('keys an item without a key by its place in the execution, so running the execution again skips what was sent', async () => {
		const parameters = addUser({ deduplicationStore: 'n8nDatabase' });
		const items = [{ phone: '+14155551011' }, { phone: '+14155551012' }];
		await runNode({ workflowId: WORKFLOW, parameters, items: items.slice(0, 1), credentials: sim.credentials, executionId: '41' });
		const again = await runNode({ workflowId: WORKFLOW, parameters, items, credentials: sim.credentials, executionId: '41' });
		expect(again.output[0].map((item) => item.json)).toEqual([
			{ skipped: 'duplicate', key: 'execution:41:plivo-phlo-node:0:0' },
			{ api_id: expect.any(String), error: '' },
		]);
		const otherExecution = await runNode({ workflowId: WORKFLOW, parameters, items, credentials: sim.credentials, executionId: '42' });
		expect(otherExecution.output[0].every((item) => item.json.error === '')).toBe(true);
		expect(sim.count({ to: '+14155551011' })).toBe(2);
		expect(sim.count({ to: '+14155551012' })).toBe(2);
	});

	it('writes a first key again when another process created the list at the same moment', async () => {
		let collided = false;
		store.beforeWrite = () => {
			if (collided) return;
			collided = true;
			throw new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed: processed_data.workflowId, processed_data.context');
		};
		const { output } = await runNode({
			workflowId: WORKFLOW,
			parameters: shared(),
			items: [{ ticket: 'T-first', phone: '+14155551020' }],
			credentials: sim.credentials,
		});
		expect(collided).toBe(true);
		expect(output[0][0].json).toEqual({ api_id: expect.any(String), error: '' });
		expect(store.has(WORKFLOW, 'plivo-phlo-node', 'T-first')).toBe(true);
		expect(sim.count()).toBe(1);
	});

	it('sends nothing when the store cannot be written, and says so', async () => {
		store.failWith = new Error('connect ECONNREFUSED 127.0.0.1:5432');
		const { output } = await runNode({
			workflowId: WORKFLOW,
			parameters: shared(),
			items: [{ ticket: 'T-5', phone: '+14155551005' }],
			credentials: sim.credentials,
			onError: 'continueRegularOutput',
		});
		expect(output[0][0].json).toMatchObject({
			error: 'Could not record the deduplication key, so nothing was sent [item 0]',
			details: { outcome: 'not_sent', item_index: 0 },
		});
		expect(output[0][0].error?.description).toContain('The deduplication store answered: connect ECONNREFUSED 127.0.0.1:5432');
		expect(sim.count()).toBe(0);
	});
});

describe('allowed destinations', () => {
	it('refuses a destination outside the patterns before sending it', async () => {
		const { output } = await runNode({
			parameters: addUser({ allowedDestinations: '+1415*, sip:*@example.com' }),
			items: [{ phone: '+1 415 555 1234' }, { phone: '+442079460958' }, { phone: 'sip:agent@example.com' }, { phone: 'sip:x@evil.test' }],
			credentials: sim.credentials,
			onError: 'continueRegularOutput',
		});
		expect(output[0][0].json.error).toBe('');
		expect(output[0][1].json).toEqual({
			error: 'To "+442079460958" is not an allowed destination (allowed: +1415*, sip:*@example.com) [item 1]',
			details: { outcome: 'not_sent', item_index: 1, field: 'to' },
		});
		expect(output[0][2].json.error).toBe('');
		expect(output[0][3].json).toMatchObject({ details: { outcome: 'not_sent', field: 'to' } });
		expect(sim.count()).toBe(2);
	});

	it('refuses a PHLO run whose payload holds a number outside the patterns, under any key and at any depth', async () => {
		const outside = '+442071838750';
		const { output } = await runNode({
			parameters: {
				resource: 'phlo',
				operation: 'run',
				phloId: DEMO_PHLO_ID,
				payload: '={{ JSON.stringify($json.payload) }}',
				options: { allowedDestinations: '+1415*', maxRequestsPerSecond: 0 },
			},
			items: [
				{ payload: { from: '+14155550000', to: '+1 415 555 1234', attempt: 2, note: 'Ada' } },
				{ payload: { phone: outside } },
				{ payload: { customer: { Number: '+44 (20) 7183-8750' } } },
				{ payload: { to: 442071838750 } },
				{ payload: { numbers: ['+14155551234', `tel:${outside}`] } },
			],
			credentials: sim.credentials,
			onError: 'continueRegularOutput',
		});
		expect(output[0][0].json.error).toBeUndefined();
		expect(output[0].slice(1).map((item) => item.json)).toEqual([
			{
				error: `Payload value at phone "${outside}" is not an allowed destination (allowed: +1415*) [item 1]`,
				details: { outcome: 'not_sent', item_index: 1, field: 'payload.phone' },
			},
			expect.objectContaining({ details: { outcome: 'not_sent', item_index: 2, field: 'payload.customer.Number' } }),
			expect.objectContaining({ details: { outcome: 'not_sent', item_index: 3, field: 'payload.to' } }),
			expect.objectContaining({ details: { outcome: 'not_sent', item_index: 4, field: 'payload.numbers[1]' } }),
		]);
		expect(sim.filter({ route: 'phlo.run' }).map((request) => request.body)).toEqual([
			'{"from":"+14155550000","to":"+1 415 555 1234","attempt":2,"note":"Ada"}',
		]);
	});

	it('refuses a Run PHLO value listing an allowed number and an outside one, and an option with no pattern in it', async () => {
		const { output } = await runNode({
			parameters: {
				resource: 'phlo',
				operation: 'run',
				phloId: DEMO_PHLO_ID,
				payload: '={{ JSON.stringify($json.payload) }}',
				options: { allowedDestinations: '={{ $json.allowed }}', maxRequestsPerSecond: 0 },
			},
			items: [
				{ allowed: '+1415*', payload: { to: '+14155551234,+442071838750' } },
				{ allowed: ' , ', payload: { to: '+14155551234' } },
			],
			credentials: sim.credentials,
			onError: 'continueRegularOutput',
		});
		expect(output[0].map((item) => item.json)).toEqual([
			{
				error: 'Payload value at to "+14155551234,+442071838750" holds "+442071838750", which is not an allowed destination (allowed: +1415*) [item 0]',
				details: { outcome: 'not_sent', item_index: 0, field: 'payload.to' },
			},
			{
				error: 'Allowed Destinations " , " holds no pattern: write patterns such as +1415*, sip:*@example.com, or leave it empty to allow any destination [item 1]',
				details: { outcome: 'not_sent', item_index: 1, field: 'allowedDestinations' },
			},
		]);
		expect(sim.count()).toBe(0);
	});
});

describe('as an AI agent tool', () => {
	const asTool = { nodeTypeName: `${PLIVO_NODE_TYPE}Tool` };

	it('says plainly that an unknown outcome must not be retried', async () => {
		const error = await runNodeExpectingError({
			parameters: addUser({ timeout: 300 }),
			items: [{ phone: faultNumber('0408') }],
			credentials: sim.credentials,
			...asTool,
		});
		expect(error.message).toMatch(/^Outcome unknown: .*no answer within 300 ms\. The call may have been placed\. Do not retry/);
	});

	it('gives short answers for refusals and bad input', async () => {
		const refused = await runNodeExpectingError({
			parameters: addUser({}),
			items: [{ phone: faultNumber('0404') }],
			credentials: sim.credentials,
			...asTool,
		});
		expect(refused.message).toBe(
			'Refused by Plivo, nothing was done: Plivo PHLO error (HTTP 404): member not found in the multi party call.',
		);
		const invalid = await runNodeExpectingError({
			parameters: addUser({}),
			items: [{ phone: 'call my mum' }],
			credentials: sim.credentials,
			...asTool,
		});
		expect(invalid.message).toMatch(/^Not sent, nothing was done: To "call my mum" is not a phone number/);
	});
});
