/**
 * `npm run bench:burst`: a burst larger than the pace, into each n8n set-up in turn, in one run. Every
 * set-up gets the same burst: `BURST_N` CRM events (default 1,000), each to its own number, posted
 * evenly over `BURST_SECONDS` (default 12: the arrival rate of 5,000 events a minute) whatever the
 * answers (every unanswered request is a sender waiting), into a published workflow calling Add User
 * on a Plivo account allowing `BURST_RATE` calls per second (default 5: the backlog drains in minutes,
 * and the pace stays slower than n8n can start executions here, about 10 a second in regular mode, as
 * at Plivo's default of 2; at 10 the pace would never hold a backlog and nothing would be handed back).
 * The set-ups (`test/support/burstSetups.ts`; `BURST_SETUPS` picks some, by key; the first four by default):
 *
 * - `default`: regular mode (SQLite), the node's defaults, the Webhook answering at once;
 * - `handBack`: regular mode, `examples/crm-event-add-user.json` as a user sets it up (Max Wait for
 *   Turn, 503 with Retry-After from the failure's details, Deduplication Key = the event id); the
 *   senders deliver again when told;
 * - `concurrency`: regular mode with `N8N_CONCURRENCY_PRODUCTION_LIMIT=10`, the Webhook answering at once;
 * - `queue`: queue mode (main, 2 workers at the rate / 2 each, Redis, PostgreSQL), answering at once;
 * - `handBackLimited`: the example's hand-back with `N8N_CONCURRENCY_PRODUCTION_LIMIT=10`;
 * - `queueHandBack`: queue mode with the example's hand-back.
 *
 * Every 10 s while a burst drains, another workflow of the same n8n (another Plivo account, unpaced,
 * answering at once) gets an event: how long it waits to be dialled shows what the burst does to the
 * rest of the set-up's work.
 *
 * For each: the peak resident memory of every n8n process above its baseline (read from /proc every
 * 500 ms: main, its task runner, each worker and its runner), how long the senders waited for each
 * answer and with which status, the events dialled once, twice and never at the simulator (against the
 * senders' own record, re-deliveries included), the duration, the CPU each process used (per delivery,
 * and its busiest 10 s in cores), the machine's load each minute. A table is printed
 * and everything is written to `.cache/results/bench-burst.json`. Exits 1 naming each event dialled
 * twice or never, and each set-up stopped for memory.
 *
 * `BURST_MAX_WAIT` (the example's Max Wait for Turn) for the hand-back set-ups; `BURST_MEMORY_LIMIT_MB`
 * (10000) stops a set-up whose n8n grows past it, as a container's limit would (its events are then
 * lost, and counted so); `BURST_SENDER_TIMEOUT_S` (600) how long a sender waits for an answer;
 * `BURST_N8N_ENV` (JSON) adds n8n settings to every set-up and `BURST_WORKFLOW_SETTINGS` (JSON) to every
 * workflow's settings (e.g. `{"saveDataSuccessExecution":"none"}`); `PLIVO_PHLO_TARBALL` measures a
 * package packed elsewhere.
 */
import { positiveSetting } from '../test/support/settings';
import { saveFacts } from '../test/support/results';
import { measureBurst, simulatorProcessDials } from '../test/support/burstRun';
import { failures, goalMemoryMb, judgeGoal, latencyText, markdownTable, tableRow, type BurstSummary } from '../test/support/burstReport';
import { burstSetups, burstWorkflow, eventBody, exampleMaxWaitSeconds, probeWorkflow, processRate, startSetup, type BurstSetup } from '../test/support/burstSetups';
import { ensureN8n, packPackage } from '../test/support/realN8n';
import { startSimulatorProcess } from '../test/support/simulatorProcess';
import { plivoCredential } from '../test/support/workflows';

const N = positiveSetting('BURST_N', 1000);
const SECONDS = positiveSetting('BURST_SECONDS', 12);
const RATE = positiveSetting('BURST_RATE', 5);
const MAX_WAIT = positiveSetting('BURST_MAX_WAIT', exampleMaxWaitSeconds());
const MEMORY_LIMIT_MB = positiveSetting('BURST_MEMORY_LIMIT_MB', 10_000);
const SENDER_TIMEOUT_S = positiveSetting('BURST_SENDER_TIMEOUT_S', 600);
const EXTRA_ENV = JSON.parse(process.env.BURST_N8N_ENV ?? '{}') as NodeJS.ProcessEnv;
const WORKFLOW_SETTINGS = JSON.parse(process.env.BURST_WORKFLOW_SETTINGS ?? '{}') as Record<string, unknown>;
/** Another workflow's event this often while a burst drains. */
const PROBE_EVERY_MS = 10_000;

const say = (text: string) => process.stdout.write(`${text}\n`);

function chosenSetups(): BurstSetup[] {
	const all = burstSetups(MAX_WAIT).map((setup) => ({ ...setup, env: { ...setup.env, ...EXTRA_ENV } }));
	const keys = (process.env.BURST_SETUPS ?? 'default,handBack,concurrency,queue').split(',').map((key) => key.trim());
	const unknown = keys.filter((key) => !all.some((setup) => setup.key === key));
	if (unknown.length) throw new Error(`BURST_SETUPS: no set-up ${unknown.join(', ')}; there are ${all.map((setup) => setup.key).join(', ')}`);
	return keys.map((key) => all.find((setup) => setup.key === key) as BurstSetup);
}

/** What a reader needs beside the table: each set-up's answers by status, hand-backs, memory per process, load, the goal. */
function detailLines(setup: BurstSetup, summary: BurstSummary): string[] {
	const goal = judgeGoal(summary, goalMemoryMb(N));
	const loads = summary.load.map((sample) => sample.one.toFixed(2)).join(', ');
	return [
		`${setup.key}: ${setup.title}`,
		`  senders waited (median / p95 / max): all ${latencyText(summary.waited)}; ${Object.entries(summary.byStatus).map(([status, latency]) => `${status === '0' ? 'no answer' : status} ×${latency.count}: ${latencyText(latency)}`).join('; ')}`,
		`  answers: at most ${summary.peakAnswersPerSecond.toFixed(1)} per second (busiest 10 s); at most ${summary.mostInFlight} senders waiting at once; at most ${summary.mostHeld} events held in n8n (sent, not yet dialled or handed back)`,
		`  hand-backs: ${summary.handBacks.withRetryAfter} with Retry-After (${summary.handBacks.honoured} delivered again no sooner), ${summary.handBacks.withoutRetryAfter} without; ${summary.redeliveries} re-deliveries, at most ${summary.mostDeliveriesOfAnEvent} deliveries of one event`,
		`  memory, MB (baseline → peak): ${Object.keys(summary.memory.peakMb).map((name) => `${name} ${summary.memory.baselineMb[name].toFixed(0)} → ${summary.memory.peakMb[name].toFixed(0)}`).join(', ')}; all together +${summary.memory.totalGrowthMb.toFixed(0)} MB, ${(summary.memory.totalPeakAfterMs / 1000).toFixed(0)} s after the burst began${summary.mostHeld ? `; ${(summary.memory.totalGrowthMb / summary.mostHeld).toFixed(1)} MB per event held` : ''}`,
		`  another workflow's events, one every ${PROBE_EVERY_MS / 1000} s meanwhile (median / p95 / max wait for the dial): ${latencyText(summary.probes.waited)}${summary.probes.neverDialled ? `; ${summary.probes.neverDialled} never dialled` : ''}`,
		`  dialled: ${summary.dialled}; ${summary.backlogWarnings} backlog warnings in n8n's log; ${summary.durationSeconds.toFixed(0)} s from the first delivery to the last answer or dial`,
		`  CPU per delivery, ms: ${Object.entries(summary.cpuMsPerDelivery).map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ')}; busiest 10 s, cores: ${Object.entries(summary.busiestCores).map(([name, cores]) => `${name} ${cores.toFixed(2)}`).join(', ')}`,
		`  load average (1 min, each minute): ${loads}`,
		...goal.map((verdict) => `  goal: ${verdict.property}: ${verdict.met ? 'met' : 'NOT met'} (${verdict.measured})`),
		...(summary.stopped ? [`  ${summary.stopped}`] : []),
	];
}

async function main(): Promise<void> {
	const setups = chosenSetups();
	const install = await ensureN8n('2.x');
	const tarball = await packPackage();
	const sim = await startSimulatorProcess(['--max-recorded', '5000000']);
	const dials = simulatorProcessDials(sim);
	const credential = plivoCredential('plivoBurst000001', { authId: sim.authId, authToken: sim.authToken, baseUrl: sim.url });
	// Another Plivo account for another workflow's events, sent while each burst drains.
	const otherSim = await startSimulatorProcess(['--max-recorded', '5000000']);
	const otherDials = simulatorProcessDials(otherSim);
	const otherCredential = plivoCredential('plivoOther000001', { authId: otherSim.authId, authToken: otherSim.authToken, baseUrl: otherSim.url });
	const results: Array<{ setup: BurstSetup; summary: BurstSummary }> = [];
	const started = new Date().toISOString();
	say(`bench:burst: n8n ${install.n8nVersion}; ${N} events over ${SECONDS} s (${(N / SECONDS).toFixed(1)} per second) into each set-up; the account allows ${RATE} calls per second; Max Wait for Turn ${MAX_WAIT} s where set`);
	try {
		for (const [index, setup] of setups.entries()) {
			say(`\n${setup.key}: ${setup.title} (the node at ${processRate(setup, RATE)} per second in each n8n process)`);
			const built = burstWorkflow(setup, credential, `burstSetup${String(index).padStart(6, '0')}`, RATE);
			const { path } = built;
			const workflow = { ...built.workflow, settings: { ...built.workflow.settings, ...WORKFLOW_SETTINGS } };
			const other = { credential: otherCredential, ...probeWorkflow(otherCredential, `burstOther${String(index).padStart(6, '0')}`) };
			const running = await startSetup(setup, { install, tarball, credential, workflow, path, other });
			try {
				const { summary } = await measureBurst(running, dials, {
					count: N,
					seconds: SECONDS,
					series: index,
					honourRetryAfter: setup.maxWaitSeconds !== undefined,
					body: eventBody,
					senderTimeoutMs: SENDER_TIMEOUT_S * 1000,
					memoryLimitMb: MEMORY_LIMIT_MB,
					stallMs: Math.max(60_000, (20 * 1000) / RATE),
					probe: { url: running.otherUrl ?? '', dials: otherDials, everyMs: PROBE_EVERY_MS },
					say,
				});
				results.push({ setup, summary });
				for (const line of detailLines(setup, summary)) say(line);
			} finally {
				await running.stop();
			}
		}
	} finally {
		await sim.stop();
		await otherSim.stop();
	}

	say('');
	for (const line of markdownTable(results.map(({ setup, summary }) => tableRow(setup.key, summary)))) say(line);
	const found = results.flatMap(({ setup, summary }) => failures(setup.key, summary));
	const file = saveFacts('bench-burst', {
		started,
		n8n: install.n8nVersion,
		settings: { events: N, seconds: SECONDS, accountRate: RATE, maxWaitSeconds: MAX_WAIT, memoryLimitMb: MEMORY_LIMIT_MB, senderTimeoutSeconds: SENDER_TIMEOUT_S, n8nEnv: EXTRA_ENV, workflowSettings: WORKFLOW_SETTINGS },
		results: results.map(({ setup, summary }) => ({ setup, summary, goal: judgeGoal(summary, goalMemoryMb(N)), failures: failures(setup.key, summary) })),
	});
	say(`\nWritten to ${file}`);
	if (found.length) {
		say(`bench:burst: FAILED:\n${found.map((line) => `- ${line}`).join('\n')}`);
		process.exitCode = 1;
	} else {
		say(`bench:burst: every event of every set-up dialled exactly once (${results.length} set-ups)`);
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exitCode = 1;
});
