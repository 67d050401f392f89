import type { IDataObject } from 'n8n-workflow';

import { processDeduplication } from '../../nodes/PlivoPhlo/storage/inProcess';
import { processPacers } from '../../nodes/PlivoPhlo/transport/pacing';
import { runNode, type TestCredentials } from '../support/runNode';
import { startSimulator, type Simulator } from '../support/simulator';
import { addUserParameters } from '../support/workflows';

/**
 * What a run opens in the n8n process (its account's pacer, its deduplication scope and record), it
 * closes, whatever step of opening fails. This file has the process to itself (jest gives each test
 * file its own modules), so the process-wide state before and after each run can be compared whole.
 */
let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator();
});
afterEach(() => sim.reset());
afterAll(async () => await sim.close());

const processState = () => ({ pacers: processPacers.size, ...processDeduplication.size });

async function run(options: IDataObject, credentials: Partial<TestCredentials> = {}) {
	const before = processState();
	const { output } = await runNode({
		parameters: addUserParameters({ triggerSource: '+14155550000', options }),
		items: [
			{ ticket: 't-1', phone: '+14155551001' },
			{ ticket: 't-2', phone: '+14155551002' },
		],
		credentials: { ...sim.credentials, ...credentials },
		workflowId: 'wf-open-run',
		staticData: {},
		onError: 'continueRegularOutput',
	});
	return { before, after: processState(), items: output[0].map((item) => item.json) };
}

describe('a run that fails while opening leaves the process as it found it', () => {
	it.each([
		['reading the run-wide options', { concurrency: 0 }, {}, 'concurrency'],
		['opening the transport (the base URL)', { deduplicationKey: '={{ $json.ticket }}' }, { baseUrl: 'http://phlorunner.plivo.com' }, 'baseUrl'],
		[
			'opening deduplication, after the transport joined the pacer',
			{ deduplicationKey: '={{ $json.ticket }}', deduplicationWindowMinutes: 5000 },
			{},
			'deduplicationWindowMinutes',
		],
	])('when %s fails', async (_, options, credentials, field) => {
		const { before, after, items } = await run({ maxRequestsPerSecond: 2, ...options }, credentials);
		expect(items).toHaveLength(2);
		for (const item of items) expect(item).toMatchObject({ details: { outcome: 'not_sent', field } });
		expect(sim.count()).toBe(0);
		expect(after).toEqual(before);
	});

	it('while a run that opened holds its pacer and its keys after it ends (what the cases above would show)', async () => {
		const { before, after, items } = await run({ maxRequestsPerSecond: 2, deduplicationKey: '={{ $json.ticket }}' });
		expect(items.map((item) => typeof item.api_id)).toEqual(['string', 'string']);
		expect(after).toEqual({ ...before, pacers: before.pacers + 1, scopes: before.scopes + 1 });
	});
});
