import type { IDataObject } from 'n8n-workflow';

import { useMemoryProcessedData } from '../support/processedData';
import { runNode, type RunOptions } from '../support/runNode';
import { startSimulator, type RecordedRequest, type Simulator } from '../support/simulator';
import { addUserParameters } from '../support/workflows';

/**
 * The node's main use: a trigger starts one execution per event, and many run side by side in one
 * n8n process. Pacing and deduplication must hold across them, not only across the items of one.
 * Each `runNode` here is one execution (its own context, its own copy of static data).
 */

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator();
});
afterEach(() => sim.reset());
afterAll(async () => await sim.close());

const event = (options: IDataObject): RunOptions['parameters'] =>
	addUserParameters({ triggerSource: '+14155550000', options: { concurrency: 2, ...options } });

/** Starts `count` single-item executions at once, as a burst of webhook calls does. */
async function burst(count: number, run: (index: number) => Omit<RunOptions, 'credentials'> & { credentials?: RunOptions['credentials'] }) {
	return await Promise.all(
		Array.from({ length: count }, async (_, index) => await runNode({ credentials: sim.credentials, ...run(index) })),
	);
}

/** The most requests that arrived within any one second. */
const busiestSecond = (requests: RecordedRequest[]): number =>
	Math.max(...requests.map((first) => requests.filter((other) => other.receivedAt >= first.receivedAt && other.receivedAt < first.receivedAt + 1000).length));

describe('pacing across executions of one account', () => {
	it('spaces single-item executions started together at the rate they set', async () => {
		await burst(6, (index) => ({ parameters: event({ maxRequestsPerSecond: 4 }), items: [{ phone: `+1415555200${index}` }] }));
		const arrivals = sim.filter();
		expect(arrivals).toHaveLength(6);
		// 250 ms apart, give or take how long each request takes to reach the simulator.
		expect(arrivals[5].receivedAt - arrivals[0].receivedAt).toBeGreaterThanOrEqual(1100);
		expect(busiestSecond(arrivals)).toBeLessThanOrEqual(5);
	});

	it('shares the pace between workflows; another account is not slowed', async () => {
		const other = { ...sim.credentials, baseUrl: sim.url.replace('127.0.0.1', 'localhost') };
		const started = Date.now();
		await Promise.all([
			burst(4, (index) => ({ parameters: event({ maxRequestsPerSecond: 4 }), items: [{ phone: `+1415555210${index}` }] })),
			burst(4, (index) => ({ parameters: event({ maxRequestsPerSecond: 4 }), items: [{ phone: `+1415555220${index}` }] })),
			burst(4, (index) => ({ parameters: event({ maxRequestsPerSecond: 0 }), items: [{ phone: `+1415555230${index}` }], credentials: other })),
		]);
		const paced = sim.filter((request) => ['+141555521', '+141555522'].some((prefix) => request.to?.startsWith(prefix)));
		expect(paced).toHaveLength(8);
		expect(paced[7].receivedAt - paced[0].receivedAt).toBeGreaterThanOrEqual(1600);
		expect(busiestSecond(paced)).toBeLessThanOrEqual(5);
		const unpaced = sim.filter((request) => request.to?.startsWith('+141555523') === true);
		expect(unpaced).toHaveLength(4);
		expect(Math.max(...unpaced.map((request) => request.receivedAt)) - started).toBeLessThan(700);
	});

	it("a 429 seen by one execution pauses the others, and each is sent once", async () => {
		sim.addFault({ match: { to: '+14155552400' }, fault: { type: 'rate-limited', retryAfterSeconds: 1 }, times: 1 });
		const outputs = await burst(4, (index) => ({ parameters: event({ maxRequestsPerSecond: 4 }), items: [{ phone: `+1415555240${index}` }] }));
		const refused = sim.filter({ status: 429 });
		expect(refused).toHaveLength(1);
		const afterwards = sim.filter((request) => request.status === 201 && request.receivedAt > refused[0].receivedAt);
		for (const request of afterwards) expect(request.receivedAt - refused[0].receivedAt).toBeGreaterThanOrEqual(950);
		expect(outputs.map(({ output }) => output[0][0].json.error)).toEqual(['', '', '', '']);
		expect(sim.filter({ status: 201 }).map((request) => request.to).sort()).toEqual(
			['+14155552400', '+14155552401', '+14155552402', '+14155552403'],
		);
	});
});

describe('a burst larger than the pace, with Max Wait for Turn', () => {
	// An account of its own: no earlier test's pace or 429 is in its way.
	let account: Simulator;
	beforeAll(async () => {
		account = await startSimulator({ authId: 'MABURSTXXXXXXXXXXXXX' });
	});
	afterAll(async () => await account.close());

	it('hands back at once the executions whose turn is too far off, and each is dialled once when the sender sends it again', async () => {
		const sim = account;
		const parameters = event({ maxRequestsPerSecond: 4, maxWaitSeconds: 1, deduplicationKey: '={{ $json.ticket }}' });
		const phone = (index: number) => `+14155552${String(500 + index)}`;
		const deliver = async (index: number) =>
			await runNode({ credentials: sim.credentials, parameters, items: [{ ticket: `B-${index}`, phone: phone(index) }], onError: 'continueRegularOutput', workflowId: 'wf-burst-back' });
		const started = Date.now();
		const first = await Promise.all(Array.from({ length: 12 }, async (_, index) => await deliver(index)));
		const handedBack = first.flatMap(({ output }, index) => (output[0][0].json.error ? [{ index, item: output[0][0] }] : []));
		// At 4/s a turn is 250 ms: the first 5 fit within a second's wait, the others are handed back without waiting.
		expect(handedBack.map(({ index }) => index).length).toBe(7);
		expect(Math.max(...sim.filter().map((request) => request.receivedAt)) - started).toBeLessThan(1_600);
		const details = handedBack.map(({ item }) => item.json.details as IDataObject);
		for (const detail of details) expect(detail).toMatchObject({ outcome: 'not_sent', retryAfterSeconds: expect.any(Number), retryAt: expect.any(String) });
		expect(sim.filter().map((request) => request.to).sort()).toEqual(first.flatMap((_, index) => (handedBack.some((back) => back.index === index) ? [] : [phone(index)])).sort());
		// Those handed back are told to come back one turn apart, after the backlog: not all at once.
		const retries = details.map((detail) => Date.parse(detail.retryAt as string));
		expect(new Set(retries).size).toBeGreaterThan(1);
		// The sender sends each again when told; every event is then dialled exactly once.
		await Promise.all(handedBack.map(async ({ index }, place) => {
			await new Promise((resolve) => setTimeout(resolve, Math.max(0, retries[place] - Date.now())));
			const again = await deliver(index);
			expect(again.output[0][0].json.error ?? '').toBe('');
		}));
		const dialled = sim.filter().map((request) => request.to).sort();
		expect(dialled).toEqual(Array.from({ length: 12 }, (_, index) => phone(index)).sort());
	});
});

describe('deduplication across executions of one workflow', () => {
	const tickets = (count: number, copies: number) =>
		Array.from({ length: count * copies }, (_, index) => ({ ticket: `T-${index % count}`, phone: `+14155553${String(index % count).padStart(3, '0')}` }));

	it('in static data: copies delivered at once dial each person once, and every copy of static data learns every key', async () => {
		const deliveries = tickets(5, 3);
		const copies: IDataObject[] = deliveries.map(() => ({}));
		const outputs = await burst(deliveries.length, (index) => ({
			parameters: event({ maxRequestsPerSecond: 0, deduplicationKey: '={{ $json.ticket }}' }),
			items: [deliveries[index]],
			staticData: copies[index],
			workflowId: 'wf-static-burst',
		}));
		expect(sim.count()).toBe(5);
		expect(outputs.filter(({ output }) => output[0][0].json.skipped === 'duplicate')).toHaveLength(10);
		// n8n saves each execution's static data (as JSON) when it ends: whichever it saves last holds every key.
		for (const copy of copies) {
			const saved = JSON.parse(JSON.stringify(copy)) as Record<string, { plivoPhloSentKeys: IDataObject }>;
			expect(Object.keys(saved['node:Plivo PHLO'].plivoPhloSentKeys).sort()).toEqual(['T-0', 'T-1', 'T-2', 'T-3', 'T-4']);
		}
	});

	it("in n8n's database: copies at once dial each person once, and no execution's write drops another's key", async () => {
		const store = await useMemoryProcessedData();
		// n8n's store reads the list, changes it and writes it back: slow writes make overlapping ones likely.
		store.beforeWrite = () => new Promise((done) => setTimeout(done, 5));
		const deliveries = tickets(5, 3);
		const outputs = await burst(deliveries.length, (index) => ({
			parameters: event({ maxRequestsPerSecond: 0, deduplicationKey: '={{ $json.ticket }}', deduplicationStore: 'n8nDatabase' }),
			items: [deliveries[index]],
			workflowId: 'wf-database-burst',
		}));
		expect(sim.count()).toBe(5);
		expect(outputs.filter(({ output }) => output[0][0].json.skipped === 'duplicate')).toHaveLength(10);
		for (const ticket of ['T-0', 'T-1', 'T-2', 'T-3', 'T-4']) expect(store.has('wf-database-burst', 'plivo-phlo-node', ticket)).toBe(true);
	});

	it("in n8n's database: a claim another process's write dropped is written again before the request is sent", async () => {
		const store = await useMemoryProcessedData();
		let dropped = false;
		// Another worker read the list before this claim and writes it back just after: the claim is gone.
		store.afterWrite = () => {
			if (dropped) return;
			dropped = true;
			store.lists.clear();
		};
		await runNode({
			parameters: event({ maxRequestsPerSecond: 0, deduplicationKey: '={{ $json.ticket }}', deduplicationStore: 'n8nDatabase' }),
			items: [{ ticket: 'T-dropped', phone: '+14155553900' }],
			credentials: sim.credentials,
			workflowId: 'wf-database-drop',
		});
		expect(dropped).toBe(true);
		const [dial] = sim.filter();
		expect(store.writes.filter((write) => write.at < dial.receivedAt && write.key === 'T-dropped' && write.added)).toHaveLength(2);
		expect(store.has('wf-database-drop', 'plivo-phlo-node', 'T-dropped')).toBe(true);
	});
});
