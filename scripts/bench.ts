/**
 * `npm run bench`: the node against n8n's HTTP Request node, both in ONE real n8n 2.x execution
 * (Manual Trigger → Code node making N contacts → both branches), compared by n8n's own per-node
 * `executionTime`, with the node's Max Requests per Second off and far above what it sends; then a raw
 * keep-alive client outside n8n; then scaling (1k/5k/10k) and the rate limiter against a simulator
 * enforcing Plivo's default limit. `BENCH_N` sets N (default 5000).
 *
 * Every run is also checked contact by contact in the simulator's record: each contact accepted (201)
 * exactly once per branch, per run, per client. It prints what it found ("5000 of 5000 accepted exactly
 * once; 0 more than once; 0 missing", naming the exceptions) and exits 1 when a count is off. The
 * branches of one execution are told apart by the agent each dials the contact from: every contact
 * carries one agent number per branch, each branch reads its own with the same kind of expression.
 */
import http from 'node:http';
import { cpus, totalmem } from 'node:os';

import axios from 'axios';
import type { IDataObject } from 'n8n-workflow';

import { recordedRequests } from '../test/support/bursts';
import { describeOncePerKey, eachOnce, oncePerKey } from '../test/support/counts';
import { addUserParameters, codeNode, httpRequestAddUserNode, manualTrigger, plivoCredential, plivoNode, workflow } from '../test/support/workflows';
import { ensureN8n, N8nInstance, nodeOutput, packPackage, type CredentialJson, type ExecutionResult } from '../test/support/realN8n';
import { DEMO_NODE_ID, DEMO_PHLO_ID, type RecordedRequest } from '../test/support/simulator';
import { startSimulatorProcess, type SimulatorProcess } from '../test/support/simulatorProcess';

const N = Number(process.env.BENCH_N ?? 5000);
const CONCURRENCY = 10;
const AGENT = '+14155550000';
const say = (text: string) => process.stdout.write(`${text}\n`);

/** The agent branch `branch` of the first execution dials its contacts from. */
const branchAgent = (branch: number) => `+1415555${String(1000 + branch)}`;
/**
 * CRM-like contacts; with `branches`, each also carries one agent number per branch of the first
 * execution (`agent0`, `agent1`, …), so that the simulator's record tells the branches apart.
 */
const contactsCode = (count: number, branches = 0) => {
	const agents = Array.from({ length: branches }, (_, branch) => `agent${branch}: '${branchAgent(branch)}', `).join('');
	return `return Array.from({ length: ${count} }, (_, i) => ({ json: { name: 'Contact ' + i, phone: '+1415' + String(5000000 + i), agent: '${AGENT}', ${agents}company: 'Acme ' + (i % 97) } }));`;
};
/** Where a branch finds the contact's number and its agent: `{{ $json… }}` expressions, for this node and the HTTP Request node alike. */
const branchFields = (branch: number) => ({ to: '={{ $json.phone }}', triggerSource: `={{ $json.agent${branch} }}` });
/** The numbers the Code node's contacts have, in order. */
const contactNumbers = (count: number) => Array.from({ length: count }, (_, i) => `+1415${5000000 + i}`);

function ourNode(name: string, credential: CredentialJson, options: IDataObject, fields?: { to: string; triggerSource: string }) {
	return plivoNode(name, credential, addUserParameters({ ...fields, options }));
}

/**
 * The node with Max Requests per Second off and set far above the rate it reaches: a setting that never
 * holds a request back should cost nothing. These branches follow the first one (`Plivo PHLO`, limiter
 * off), which also warms n8n up, and run in the order high, off, off, high: neither setting gets the
 * warm-up, and a drift along the execution weighs on both alike.
 */
const HIGH_RATE = 100_000;
const RATE_ORDER = [HIGH_RATE, 0, 0, HIGH_RATE];
const RATE_BRANCHES = RATE_ORDER.map((maxRequestsPerSecond, index) => ({
	name: `Plivo PHLO #${index + 2} (${maxRequestsPerSecond ? `${maxRequestsPerSecond}/s` : 'off'})`,
	maxRequestsPerSecond,
}));

function nodeStats(result: ExecutionResult, name: string, count: number) {
	const run = result.execution?.data.resultData.runData[name]?.[0];
	if (!run) throw new Error(`${name} did not run:\n${result.stdout.slice(-1500)}\n${result.stderr.slice(-1500)}`);
	const items = nodeOutput(result.execution, name);
	const ok = items.filter((item) => item.json.api_id).length;
	return { ms: run.executionTime, itemsPerSecond: (count * 1000) / run.executionTime, ok, items: items.length };
}

async function rawLoop(url: string, authId: string, authToken: string, count: number): Promise<number> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
	const client = axios.create({ httpAgent: agent, auth: { username: authId, password: authToken } });
	const target = `${url}/v1/phlo/${DEMO_PHLO_ID}/multi_party_call/${DEMO_NODE_ID}`;
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (next < count) {
				const i = next++;
				const answer = await client.post(target, { action: 'call', to: `+1415${5000000 + i}`, role: 'customer', trigger_source: AGENT });
				if (answer.status !== 201) throw new Error(`raw request ${i}: HTTP ${answer.status}`);
			}
		}),
	);
	const elapsed = performance.now() - started;
	agent.destroy();
	return (count * 1000) / elapsed;
}

/** Per-contact checks that did not hold, each as what was checked and what was found. */
const mismatches: string[] = [];

/** Checks that each contact was accepted exactly once in `requests`; prints and returns what was found. */
function checkOncePerContact(what: string, count: number, requests: RecordedRequest[]): string {
	const tally = oncePerKey(contactNumbers(count), requests.filter((request) => request.status === 201).map((request) => request.to));
	const found = describeOncePerKey(tally, 'accepted');
	if (!eachOnce(tally)) mismatches.push(`${what}: ${found}`);
	return found;
}

/** The simulator's record since its last reset, checked contact by contact; the record is then cleared. */
async function checkSimulator(sim: SimulatorProcess, what: string, count: number): Promise<string> {
	const found = checkOncePerContact(what, count, await recordedRequests(sim));
	await sim.control('reset', { method: 'POST' });
	return found;
}

/** The agent a request dials from: what tells the first execution's branches apart. */
const triggerSourceOf = (request: RecordedRequest) => (request.json as { trigger_source?: unknown } | undefined)?.trigger_source;

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const fixed = (value: number) => value.toFixed(value >= 100 ? 0 : 1);

async function main(): Promise<void> {
	say(`Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${mb(totalmem())}; N=${N}`);
	const install = await ensureN8n('2.x');
	const n8n = await N8nInstance.create(install, await packPackage());
	// Recorded, to be checked contact by contact: every branch of the first execution is kept until read.
	const fast = await startSimulatorProcess(['--max-recorded', String(10 * N + 10_000)]);
	const limited = await startSimulatorProcess(['--rate-limit', '300/5000']);
	try {
		const credential = plivoCredential('plivoBench001', { authId: fast.authId, authToken: fast.authToken, baseUrl: fast.url });
		const limitedCredential = plivoCredential('plivoLimit001', { authId: limited.authId, authToken: limited.authToken, baseUrl: limited.url });
		const basicAuth: CredentialJson = { id: 'basicBench001', name: 'Basic bench', type: 'httpBasicAuth', data: { user: fast.authId, password: fast.authToken } };
		await n8n.importCredentials([credential, limitedCredential, basicAuth]);

		const variants = [
			{ name: 'HTTP Request (no batching)', batching: undefined },
			{ name: 'HTTP Request (batch 10)', batching: { batchSize: 10, batchInterval: 0 } },
			{ name: 'HTTP Request (batch 50)', batching: { batchSize: 50, batchInterval: 0 } },
		];
		const compare = [
			ourNode('Plivo PHLO', credential, { concurrency: CONCURRENCY, maxRequestsPerSecond: 0 }, branchFields(0)),
			...RATE_BRANCHES.map((branch, index) => ourNode(branch.name, credential, { concurrency: CONCURRENCY, maxRequestsPerSecond: branch.maxRequestsPerSecond }, branchFields(index + 1))),
			...variants.map((variant, index) => httpRequestAddUserNode(variant.name, fast.url, basicAuth, branchFields(RATE_BRANCHES.length + 1 + index), variant.batching)),
		];
		const scaling = [1000, 5000, 10000];
		const limiterRate = 58;
		const limiterItems = limiterRate * 31;
		await n8n.importWorkflows([
			workflow('benchCompare001', [manualTrigger(), codeNode('Contacts', { code: contactsCode(N, compare.length) }), ...compare], [
				['Start', 'Contacts'],
				...compare.map((node): [string, string] => ['Contacts', node.name]),
			]),
			...scaling.map((count) =>
				workflow(`benchScale${String(count).padStart(5, '0')}`, [manualTrigger(), codeNode('Contacts', { code: contactsCode(count) }), ourNode('Plivo PHLO', credential, { concurrency: CONCURRENCY, maxRequestsPerSecond: 0 })], [
					['Start', 'Contacts'],
					['Contacts', 'Plivo PHLO'],
				]),
			),
			workflow('benchLimiter001', [manualTrigger(), codeNode('Contacts', { code: contactsCode(limiterItems) }), ourNode('Plivo PHLO', limitedCredential, { concurrency: CONCURRENCY, maxRequestsPerSecond: limiterRate })], [
				['Start', 'Contacts'],
				['Contacts', 'Plivo PHLO'],
			]),
			workflow('benchBackoff001', [manualTrigger(), codeNode('Contacts', { code: contactsCode(120) }), ourNode('Plivo PHLO', limitedCredential, { concurrency: CONCURRENCY, maxRequestsPerSecond: 20 })], [
				['Start', 'Contacts'],
				['Contacts', 'Plivo PHLO'],
			], ),
		]);

		say(`\n1. One n8n ${install.n8nVersion} execution, ${N} contacts, each branch making the same ${N} Add User calls:`);
		const result = await n8n.execute('benchCompare001', { timeoutMs: 900_000 });
		const ours = nodeStats(result, 'Plivo PHLO', N);
		say(`   Plivo PHLO node (concurrency ${CONCURRENCY}, limiter off)   ${fixed(ours.itemsPerSecond).padStart(6)} items/s  (${ours.ms} ms, ${ours.ok}/${N} answered 201)`);
		let best = { name: '', itemsPerSecond: 0 };
		for (const variant of variants) {
			const stats = nodeStats(result, variant.name, N);
			say(`   ${variant.name.padEnd(44)} ${fixed(stats.itemsPerSecond).padStart(6)} items/s  (${stats.ms} ms, ${stats.ok}/${N} answered)`);
			if (stats.itemsPerSecond > best.itemsPerSecond) best = { name: variant.name, itemsPerSecond: stats.itemsPerSecond };
		}
		const rateRuns = (maxRequestsPerSecond: number) =>
			RATE_BRANCHES.filter((branch) => branch.maxRequestsPerSecond === maxRequestsPerSecond).map((branch) => nodeStats(result, branch.name, N));
		// Items per second over both runs of a setting: their items over their summed time.
		const rateOf = (runs: Array<{ ms: number }>) => (runs.length * N * 1000) / runs.reduce((total, run) => total + run.ms, 0);
		const [offRuns, highRuns] = [rateRuns(0), rateRuns(HIGH_RATE)];
		const highOverOff = rateOf(highRuns) / rateOf(offRuns);
		say(`   Max Requests per Second off and ${HIGH_RATE}, on the next branches, in the order ${RATE_ORDER.map((rate) => rate || 'off').join(', ')}:`);
		for (const [setting, runs] of [['off', offRuns], [String(HIGH_RATE), highRuns]] as const) {
			say(`     ${setting.padEnd(8)} ${fixed(rateOf(runs)).padStart(6)} items/s  (${runs.map((run) => `${run.ms} ms`).join(', ')}; ${runs.map((run) => run.ok).join(', ')} of ${N} answered 201)`);
		}
		say(`     ${HIGH_RATE} / off: ${highOverOff.toFixed(3)}`);
		say(`   n8n peak memory (main process): ${mb(result.peakRssBytes)}`);
		say(`   At the simulator, contact by contact, each branch's requests (told apart by the agent they dial from):`);
		const compared = await recordedRequests(fast);
		compare.forEach((node, branch) => {
			const requests = compared.filter((request) => triggerSourceOf(request) === branchAgent(branch));
			say(`     ${node.name.padEnd(42)} ${checkOncePerContact(node.name, N, requests)}`);
		});
		const agents = new Set(compare.map((_, branch) => branchAgent(branch)));
		const stray = compared.filter((request) => !agents.has(String(triggerSourceOf(request))));
		say(`     ${stray.length} requests from no branch's agent`);
		if (stray.length) mismatches.push(`first execution: ${stray.length} requests from no branch's agent`);
		await fast.control('reset', { method: 'POST' });

		say(`\n2. Raw keep-alive axios loop outside n8n, ${CONCURRENCY} in flight, same simulator:`);
		const raw = await rawLoop(fast.url, fast.authId, fast.authToken, N);
		say(`   raw client ${fixed(raw).padStart(6)} requests/s; ${await checkSimulator(fast, 'raw client', N)}`);

		say('\n3. Scaling (Plivo PHLO node alone):');
		for (const count of scaling) {
			const scaled = await n8n.execute(`benchScale${String(count).padStart(5, '0')}`, { timeoutMs: 900_000 });
			const stats = nodeStats(scaled, 'Plivo PHLO', count);
			say(`   ${String(count).padStart(6)} items: node ${String(stats.ms).padStart(6)} ms, ${fixed(stats.itemsPerSecond).padStart(6)} items/s, n8n peak memory ${mb(scaled.peakRssBytes)}`);
			say(`          ${await checkSimulator(fast, `scaling, ${count} items`, count)}`);
		}

		say(`\n4. Limiter at ${limiterRate}/s for ${limiterItems} items against a simulator enforcing 300 requests per sliding 5 s:`);
		await limited.control('reset', { method: 'POST' });
		const limitedRun = await n8n.execute('benchLimiter001', { timeoutMs: 900_000 });
		const limitedStats = nodeStats(limitedRun, 'Plivo PHLO', limiterItems);
		const recorded = await recordedRequests(limited);
		const times = recorded.map((request) => request.receivedAt).sort((a, b) => a - b);
		const achieved = ((times.length - 1) * 1000) / (times[times.length - 1] - times[0]);
		const tooMany = recorded.filter((request) => request.status === 429).length;
		say(`   ${limitedStats.ok}/${limiterItems} answered 201 over ${((times[times.length - 1] - times[0]) / 1000).toFixed(1)} s: achieved ${achieved.toFixed(2)} requests/s (${(((achieved - limiterRate) / limiterRate) * 100).toFixed(2)}% off the setting), ${tooMany} answered 429`);
		say(`   ${checkOncePerContact(`limiter at ${limiterRate}/s`, limiterItems, recorded)}`);

		say('\n5. Back-off: node set to 20/s against a simulator allowing 50 per 5 s (10/s), 120 items:');
		await limited.control('config', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rateLimit: { limit: 50, windowMs: 5000 } }) });
		await limited.control('reset', { method: 'POST' });
		await limited.control('config', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rateLimit: { limit: 50, windowMs: 5000 } }) });
		const backoff = await n8n.execute('benchBackoff001', { timeoutMs: 900_000 });
		const backoffItems = nodeOutput(backoff.execution, 'Plivo PHLO');
		const backoffRequests = await recordedRequests(limited);
		const refused = backoffRequests.filter((request) => request.status === 429).length;
		say(`   ${backoffItems.length} results for 120 items (${backoffItems.filter((item) => item.json.api_id).length} succeeded), ${refused} answered 429; ${checkOncePerContact('back-off', 120, backoffRequests)}`);

		say(`\nbench: N=${N} node=${fixed(ours.itemsPerSecond)} items/s httpRequest=${fixed(best.itemsPerSecond)} items/s raw=${fixed(raw)} items/s node/httpRequest=${(ours.itemsPerSecond / best.itemsPerSecond).toFixed(2)} node/raw=${(ours.itemsPerSecond / raw).toFixed(2)} rate${HIGH_RATE}/off=${highOverOff.toFixed(3)}`);
		say(mismatches.length ? `bench: FAILED: ${mismatches.length} per-contact checks did not hold:\n${mismatches.map((mismatch) => `  - ${mismatch}`).join('\n')}` : 'bench: every contact accepted exactly once in every run checked');
		if (mismatches.length) process.exitCode = 1;
	} finally {
		n8n.dispose();
		await fast.stop();
		await limited.stop();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
	process.exitCode = 1;
});
