/**
 * The guards in one real n8n 2.x in regular mode, driven by webhooks as a CRM drives them, each event
 * its own execution:
 *
 * - Max Requests per Second is a ceiling: events arriving at random just under and just over the
 *   setting for a minute each never reach Plivo closer together than the interval allows;
 * - the Deduplication Key survives n8n saving executions in the unlucky order and a restart: executions
 *   whose Plivo node finishes long before the execution does (a Wait node after it) are saved last,
 *   yet every key still blocks its copy after the restart, and a refused item's retry is sent once;
 * - Calling Hours refuses an event outside its window and lets one inside through;
 * - Dry Run sends nothing.
 */
import type { IDataObject } from 'n8n-workflow';

import { answerJson, mostInWindow, recordedRequests } from '../support/bursts';
import { postWebhook, type WebhookAnswer } from '../support/n8nMain';
import { ensureN8n, LINES, packPackage } from '../support/realN8n';
import { RegularN8n } from '../support/regularN8n';
import { recordFacts } from '../support/results';
import { startSimulator, type Simulator } from '../support/simulator';
import { startSimulatorProcess, type SimulatorProcess } from '../support/simulatorProcess';
import { addUserParameters, plivoCredential, plivoNode, webhookTrigger, workflow, type NodeJson } from '../support/workflows';

const SECOND = 1_000;
const RATE = 2;
const INTERVAL = SECOND / RATE;

/** A seeded source of numbers in [0, 1): the arrivals are random but the same on every run. */
function seeded(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

/** Sends one event per arrival of a Poisson process at `perSecond` for `ms`; the answers. */
async function randomArrivals(url: string, perSecond: number, ms: number, seed: number, body: (index: number) => IDataObject): Promise<WebhookAnswer[]> {
	const random = seeded(seed);
	const start = Date.now();
	const answers: Array<Promise<WebhookAnswer>> = [];
	for (let at = -Math.log(1 - random()) / perSecond * SECOND, index = 0; at < ms; at += (-Math.log(1 - random()) / perSecond) * SECOND, index++) {
		await new Promise((done) => setTimeout(done, Math.max(0, start + at - Date.now())));
		answers.push(postWebhook(url, body(index)));
	}
	return await Promise.all(answers);
}

const waitNode = (): NodeJson => ({
	id: 'wait',
	name: 'Wait',
	type: 'n8n-nodes-base.wait',
	typeVersion: 1.1,
	position: [600, 0],
	parameters: { resume: 'timeInterval', amount: '={{ $("Webhook").item.json.body.wait }}', unit: 'seconds' },
});

const record = (name: string, facts: Record<string, unknown>): void => recordFacts(`events-${name}`, `events, ${name}`, facts);

describe(`n8n ${LINES['2.x'].n8n}, regular mode: the guards under webhook traffic`, () => {
	let n8n: RegularN8n;
	// The paced accounts' simulators run in processes of their own, so that no event loop but n8n's moves their arrival times.
	let under: SimulatorProcess;
	let over: SimulatorProcess;
	let keys: Simulator;
	let hours: Simulator;
	const paths = { under: 'ceiling-under', over: 'ceiling-over', keys: 'keys-wait', hours: 'calling-hours', dry: 'dry-run' };

	beforeAll(async () => {
		[under, over, keys, hours] = await Promise.all([startSimulatorProcess(), startSimulatorProcess(), startSimulator(), startSimulator()]);
		const accountOf = ({ authId, authToken, url }: SimulatorProcess) => ({ authId, authToken, baseUrl: url });
		const credentials = [accountOf(under), accountOf(over), keys.credentials, hours.credentials].map((account, index) =>
			plivoCredential(`guardsCred${String(index).padStart(6, '0')}`, account),
		);
		const addUser = (options: IDataObject) => addUserParameters({ to: '={{ $json.body.to }}', triggerSource: '+14155550100', options });
		const paced = (id: string, path: string, credential: (typeof credentials)[number]) =>
			workflow(id, [webhookTrigger(path), plivoNode('Plivo PHLO', credential, addUser({ maxRequestsPerSecond: RATE }))], [['Webhook', 'Plivo PHLO']]);
		const answered = (id: string, path: string, options: IDataObject) =>
			workflow(id, [webhookTrigger(path, 'lastNode'), plivoNode('Plivo PHLO', credentials[3], addUser({ maxRequestsPerSecond: 0, ...options }), 'continueRegularOutput')], [['Webhook', 'Plivo PHLO']]);
		n8n = new RegularN8n({ install: await ensureN8n('2.x'), tarball: await packPackage() });
		await n8n.boot(credentials, [
			paced('guardsUnder00001', paths.under, credentials[0]),
			paced('guardsOver000001', paths.over, credentials[1]),
			workflow(
				'guardsKeys000001',
				[webhookTrigger(paths.keys), plivoNode('Plivo PHLO', credentials[2], addUser({ maxRequestsPerSecond: 0, deduplicationKey: '={{ $json.body.key }}' }), 'continueRegularOutput'), waitNode()],
				[['Webhook', 'Plivo PHLO'], ['Plivo PHLO', 'Wait']],
			),
			answered('guardsHours00001', paths.hours, { callingHours: 'custom', callingHoursStart: '={{ $json.body.start }}', callingHoursEnd: '={{ $json.body.end }}', callingHoursTimeZone: 'UTC' }),
			answered('guardsDryRun0001', paths.dry, { dryRun: true, deduplicationKey: '={{ $json.body.to }}' }),
		]);
	}, 1_200_000);

	afterAll(async () => {
		await n8n?.stop();
		for (const sim of [under, over]) await sim?.stop();
		for (const sim of [keys, hours]) await sim?.close();
	});

	it.each([
		{ name: 'just under', perSecond: 0.95 * RATE, path: 'under', seed: 23 },
		{ name: 'just over', perSecond: 1.1 * RATE, path: 'over', seed: 24 },
	] as const)(`random webhook arrivals $name ${RATE}/s for a minute: no two requests closer than 0.9 × the interval, each event once`, async ({ name, perSecond, path, seed }) => {
		const sim = path === 'under' ? under : over;
		const answers = await randomArrivals(`${n8n.url}/webhook/${paths[path]}`, perSecond, 60 * SECOND, seed, (index) => ({ to: `+1415556${String(index).padStart(4, '0')}` }));
		const executions = await n8n.waitForExecutions(path === 'under' ? 'guardsUnder00001' : 'guardsOver000001', answers.length, 180_000);
		const requests = await recordedRequests(sim);
		const arrivals = requests.map((request) => request.receivedAt).sort((a, b) => a - b);
		const gaps = arrivals.slice(1).map((at, index) => at - arrivals[index]);
		const destinations = requests.map((request) => request.to);
		const facts = {
			n8n: LINES['2.x'].n8n,
			arrivalsPerSecond: perSecond,
			events: answers.length,
			requests: arrivals.length,
			smallestGapMs: Math.min(...gaps),
			fiveSmallestGapsMs: [...gaps].sort((a, b) => a - b).slice(0, 5),
			gapsUnder450Ms: gaps.filter((gap) => gap < 0.9 * INTERVAL).length,
			mostInAnySecond: mostInWindow(arrivals, SECOND),
			dialledTwice: destinations.length - new Set(destinations).size,
		};
		record(`ceiling-${name.replace(' ', '-')}`, facts);
		expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
		expect(executions.filter((execution) => execution.status !== 'success')).toEqual([]);
		expect(facts.requests).toBe(answers.length);
		expect(facts.dialledTwice).toBe(0);
		expect(facts.smallestGapMs).toBeGreaterThanOrEqual(0.9 * INTERVAL);
	}, 300_000);

	it('keys survive the unlucky save order and a restart: each still blocks its copy, and a refused item is sent once when retried', async () => {
		const url = `${n8n.url}/webhook/${paths.keys}`;
		const phone = { K1: '+14155557001', K2: '+14155557002', K3: '+14155557003' };
		keys.addFault({ match: { to: phone.K3 }, fault: { type: 'plivo-error', status: 400, error: 'invalid destination number' }, times: 1 });
		// K1's node finishes at once and its execution waits 8 s: saved last. K2 and the refused K3 are saved before it.
		await postWebhook(url, { key: 'K1', to: phone.K1, wait: 8 });
		await new Promise((done) => setTimeout(done, 1_000));
		await Promise.all([postWebhook(url, { key: 'K2', to: phone.K2, wait: 1 }), postWebhook(url, { key: 'K3', to: phone.K3, wait: 1 })]);
		await n8n.waitForExecutions('guardsKeys000001', 3, 60_000);
		await n8n.restartMain([paths.keys]);
		// Every event delivered again after the restart, K3 twice.
		for (const [key, to] of [...Object.entries(phone), ['K3', phone.K3]]) await postWebhook(url, { key, to, wait: 0 });
		const runs = await n8n.waitForExecutions('guardsKeys000001', 7, 60_000);
		const accepted = (to: string) => keys.count({ to, status: 201 });
		const facts = {
			n8n: LINES['2.x'].n8n,
			executions: runs.length,
			acceptedPerKey: Object.fromEntries(Object.entries(phone).map(([key, to]) => [key, accepted(to)])),
			refusedK3: keys.count({ to: phone.K3, status: 400 }),
		};
		record('keys-save-order-restart', facts);
		expect(facts.acceptedPerKey).toEqual({ K1: 1, K2: 1, K3: 1 });
		expect(facts.refusedK3).toBe(1);
	}, 300_000);

	it('Calling Hours: an event outside its window is refused with when it opens, one inside is sent', async () => {
		const utc = (at: number) => new Date(at).toISOString().slice(11, 16);
		const now = Date.now();
		const url = `${n8n.url}/webhook/${paths.hours}`;
		const inside = answerJson(await postWebhook(url, { to: '+14155558001', start: utc(now - 3_600_000), end: utc(now + 3_600_000) }));
		const outside = answerJson(await postWebhook(url, { to: '+14155558002', start: utc(now + 7_200_000), end: utc(now + 10_800_000) }));
		record('calling-hours', { n8n: LINES['2.x'].n8n, inside, outside });
		expect(inside).toMatchObject({ api_id: expect.any(String), error: '' });
		expect(outside.error).toMatch(/^Outside Calling Hours \[item 0\]: To "\+14155558002" is outside Calling Hours .* the window opens \d{4}-\d\d-\d\dT\d\d:\d\d:00\+00:00/);
		expect(hours.filter().map((request) => request.to)).toEqual(['+14155558001']);
	});

	it('Dry Run: answers with the request it would send, and the simulator receives nothing', async () => {
		hours.reset();
		const answer = answerJson(await postWebhook(`${n8n.url}/webhook/${paths.dry}`, { to: '+14155558101' }));
		expect(answer).toMatchObject({
			dryRun: true,
			request: { method: 'POST', url: expect.stringContaining('/multi_party_call/'), body: { action: 'call', to: '+14155558101' } },
			guards: { deduplication: { key: '+14155558101', verdict: 'would send' } },
		});
		expect(JSON.stringify(answer)).not.toContain(hours.credentials.authToken);
		expect(hours.count()).toBe(0);
	});
});
