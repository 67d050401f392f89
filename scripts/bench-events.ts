/**
 * `npm run bench:events`: what one single-item event costs in n8n 2.40, the node against n8n's HTTP
 * Request node. ONE n8n process in regular mode (SQLite, the default expression engine) serves a
 * published workflow: Webhook → (1) Plivo PHLO Add User, limiter off, and (2) HTTP Request v4.2 making
 * the same call as a user would wire it (a Basic auth credential, body parameters with the same
 * `{{ $json.body… }}` expressions). Webhook requests are sent a few at a time; each answers once its
 * execution has finished, so that many executions run side by side. The per-node `executionTime` n8n
 * saved with each execution is summed over the measured executions.
 *
 * `BENCH_EVENTS_N` measured executions (default 300) after `BENCH_EVENTS_WARMUP` left out (default 20);
 * `BENCH_EVENTS_PARALLEL` requests in flight (default 4); `PLIVO_PHLO_TARBALL` measures a package packed
 * elsewhere (another revision) instead of this checkout.
 */
import { sendWebhooks } from '../test/support/n8nMain';
import { ensureN8n, packPackage, type CredentialJson, type NodeRun } from '../test/support/realN8n';
import { RegularN8n } from '../test/support/regularN8n';
import { startSimulatorProcess } from '../test/support/simulatorProcess';
import { addUserParameters, httpRequestAddUserNode, plivoCredential, plivoNode, webhookTrigger, workflow } from '../test/support/workflows';

const N = Number(process.env.BENCH_EVENTS_N ?? 300);
const WARMUP = Number(process.env.BENCH_EVENTS_WARMUP ?? 20);
const PARALLEL = Number(process.env.BENCH_EVENTS_PARALLEL ?? 4);
const WORKFLOW_ID = 'benchEvents00001';
const PATH = 'bench-events';
const OURS = 'Plivo PHLO';
const HTTP = 'HTTP Request';
const AGENT = '+14155550100';
const say = (text: string) => process.stdout.write(`${text}\n`);

/** n8n's time for the node, after checking it ran once and output Plivo's answer. */
function nodeTime(id: string, runData: Record<string, NodeRun[]>, name: string): number {
	const run = runData[name]?.[0];
	const answer = run?.data?.main[0]?.[0]?.json;
	if (!run || typeof answer?.api_id !== 'string') {
		throw new Error(`execution ${id}: ${name} did not output Plivo's answer: ${JSON.stringify(run?.error ?? answer ?? 'did not run')}`);
	}
	return run.executionTime;
}

const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
const median = (values: number[]): number => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function main(): Promise<void> {
	const install = await ensureN8n('2.x');
	const n8n = new RegularN8n({ install, tarball: await packPackage(), env: { N8N_LOG_LEVEL: 'warn' } });
	const sim = await startSimulatorProcess(['--no-record']);
	let result = '';
	try {
		const credential = plivoCredential('plivoEvents00001', { authId: sim.authId, authToken: sim.authToken, baseUrl: sim.url });
		const basicAuth: CredentialJson = { id: 'basicEvents00001', name: 'Basic events', type: 'httpBasicAuth', data: { user: sim.authId, password: sim.authToken } };
		const ours = plivoNode(OURS, credential, addUserParameters({ to: '={{ $json.body.to }}', triggerSource: '={{ $json.body.agent }}', options: { maxRequestsPerSecond: 0 } }));
		const flow = workflow(WORKFLOW_ID, [webhookTrigger(PATH, 'lastNode'), ours, httpRequestAddUserNode(HTTP, sim.url, basicAuth, { to: '={{ $json.body.to }}', triggerSource: '={{ $json.body.agent }}' })], [
			['Webhook', OURS],
			['Webhook', HTTP],
		]);
		await n8n.boot([credential, basicAuth], [flow]);

		const url = `${n8n.url}/webhook/${PATH}`;
		const body = (index: number) => ({ to: `+1415${String(5_000_000 + index)}`, agent: AGENT });
		say(`n8n ${install.n8nVersion}, regular mode, SQLite, default expression engine: ${WARMUP} warm-up + ${N} webhook executions, ${PARALLEL} in flight`);
		const statuses = [
			...(await sendWebhooks(url, WARMUP, PARALLEL, body)),
			...(await sendWebhooks(url, N, PARALLEL, (index) => body(WARMUP + index))),
		];
		const refused = statuses.filter((status) => status !== 200).length;
		if (refused) throw new Error(`${refused} of ${statuses.length} webhook requests were not answered 200`);
		const executions = await n8n.waitForExecutions(WORKFLOW_ID, WARMUP + N, 300_000);
		const measured = executions.slice(WARMUP);
		if (executions.length !== WARMUP + N) throw new Error(`${executions.length} executions for ${WARMUP + N} webhook requests`);
		const node: number[] = [];
		const http: number[] = [];
		for (const { id, status } of measured) {
			if (status !== 'success') throw new Error(`execution ${id}: ${status}: ${(await n8n.executionError(id)) ?? ''}`);
			const { runData } = (await n8n.execution(id)).data.resultData;
			node.push(nodeTime(id, runData, OURS));
			http.push(nodeTime(id, runData, HTTP));
		}
		say(`  ${OURS.padEnd(12)} executionTime: mean ${mean(node).toFixed(2)} ms, median ${median(node).toFixed(2)} ms per execution`);
		say(`  ${HTTP.padEnd(12)} executionTime: mean ${mean(http).toFixed(2)} ms, median ${median(http).toFixed(2)} ms per execution`);
		result = `bench:events: N=${N} node=${mean(node).toFixed(2)}ms/execution httpRequest=${mean(http).toFixed(2)}ms/execution httpRequest/node=${(mean(http) / mean(node)).toFixed(2)}`;
	} finally {
		await n8n.stop();
		await sim.stop();
	}
	say(result);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exitCode = 1;
});
