/**
 * The set-up recommended for bursts larger than the pace, at a size CI can run: queue mode (main and two
 * workers, Redis, PostgreSQL), the Webhook answering at once, each worker at the account's rate divided
 * by the workers, Max Wait for Turn off. A burst of CRM events arrives far faster than the pace; main
 * answers every sender at once and queues the executions in Redis, each worker runs only as many as its
 * concurrency, so n8n's memory stays flat while the backlog drains at the account's rate.
 * `npm run bench:burst` measures the same set-up beside the others, at 1,000 events and more.
 */
import { measureBurst, simulatorDials, suiteBurstPlan } from '../support/burstRun';
import { goalMemoryMb, judgeGoal } from '../support/burstReport';
import { burstSetups, burstWorkflow, eventBody, exampleMaxWaitSeconds, startSetup, type RunningSetup } from '../support/burstSetups';
import { ensureN8n, packPackage } from '../support/realN8n';
import { recordFacts } from '../support/results';
import { startSimulator, type Simulator } from '../support/simulator';
import { plivoCredential } from '../support/workflows';

const EVENTS = 300;
const SECONDS = 10;
/** Calls per second the account allows: 2 per worker, so that the backlog drains in about 75 s. */
const ACCOUNT_RATE = 4;

let sim: Simulator;
let running: RunningSetup | undefined;

beforeAll(async () => {
	sim = await startSimulator();
	const setup = burstSetups(exampleMaxWaitSeconds()).find((candidate) => candidate.key === 'queue');
	if (!setup) throw new Error('no queue-mode burst set-up');
	const credential = plivoCredential('plivoQueueBurst1', sim.credentials);
	const { workflow, path } = burstWorkflow(setup, credential, 'queueBurst000001', ACCOUNT_RATE);
	running = await startSetup(setup, { install: await ensureN8n('2.x'), tarball: await packPackage(), credential, workflow, path });
}, 1_200_000);

afterAll(async () => {
	await running?.stop();
	await sim?.close();
});

it(`a burst of ${EVENTS} events in ${SECONDS} s at ${ACCOUNT_RATE} calls per second: memory flat, every sender answered within 5 s, every event dialled exactly once`, async () => {
	if (!running) throw new Error('the cluster did not start');
	const { summary } = await measureBurst(running, simulatorDials(sim), suiteBurstPlan(EVENTS, SECONDS, eventBody));
	const verdicts = judgeGoal(summary, goalMemoryMb(EVENTS));
	recordFacts('queue-bursts', 'queue mode, a burst larger than the pace', { ...summary, verdicts });

	expect(verdicts.filter((verdict) => !verdict.met)).toEqual([]);
	// Answering at once, nothing is handed back: every sender was answered 200 on its first delivery.
	expect(Object.keys(summary.byStatus)).toEqual(['200']);
	expect(summary.redeliveries).toBe(0);
});
