/**
 * Bursts larger than the pace in ONE n8n 2.x process in regular mode (SQLite), at a size CI can run.
 *
 * - The hand-back, as `examples/crm-event-add-user.json` sets it up (Max Wait for Turn, 503 with
 *   Retry-After from the failure's details, Deduplication Key = the event id), at Plivo's default 2
 *   calls per second: the pace holds only the events whose turn is near, the others go back to their
 *   senders, who deliver them again when told. n8n's memory stays within the goal's bound scaled to
 *   the burst, every sender is answered within 5 s, every event is dialled exactly once in the end.
 *   The burst arrives more slowly than n8n can start executions (about 10 a second here): past that,
 *   executions pile up in n8n before they reach the node (`npm run bench:burst` measures it).
 * - The node's defaults (no Max Wait for Turn, the Webhook answering at once) on another account: a
 *   small burst builds a backlog on the pace, and n8n's log says so once, without the Auth Token.
 */
import { backlogWarnings, measureBurst, simulatorDials, suiteBurstPlan } from '../support/burstRun';
import { goalMemoryMb, handBackShortfalls, judgeGoal } from '../support/burstReport';
import { planBurst, sendBurst } from '../support/burstSenders';
import { burstSetups, burstWorkflow, eventBody, exampleMaxWaitSeconds, type BurstSetup } from '../support/burstSetups';
import { ensureN8n, packPackage } from '../support/realN8n';
import { RegularN8n } from '../support/regularN8n';
import { recordFacts } from '../support/results';
import { startSimulator, type Simulator } from '../support/simulator';
import { plivoCredential } from '../support/workflows';

const EVENTS = 200;
const SECONDS = 50;
/** Plivo's default, which the example keeps. */
const ACCOUNT_RATE = 2;
/** Enough executions waiting on the pace at once for the warning (more than 20). */
const BACKLOG_EVENTS = 40;

const setupOf = (key: string): BurstSetup => {
	const setup = burstSetups(exampleMaxWaitSeconds()).find((candidate) => candidate.key === key);
	if (!setup) throw new Error(`no burst set-up ${key}`);
	return setup;
};

describe('n8n 2.41.1, one process in regular mode: bursts larger than the pace', () => {
	let handBackSim: Simulator;
	let defaultSim: Simulator;
	let n8n: RegularN8n;
	let handBackUrl: string;
	let defaultUrl: string;

	beforeAll(async () => {
		handBackSim = await startSimulator();
		defaultSim = await startSimulator({ authId: 'MAZZZZZZZZZZZZZZZZZZ' });
		const handBackCredential = plivoCredential('plivoBurstHandBk', handBackSim.credentials);
		const defaultCredential = plivoCredential('plivoBurstDeflt1', defaultSim.credentials);
		const handBack = burstWorkflow(setupOf('handBack'), handBackCredential, 'eventsBurstHndBk', ACCOUNT_RATE);
		const defaults = burstWorkflow(setupOf('default'), defaultCredential, 'eventsBurstDeflt', ACCOUNT_RATE);
		n8n = new RegularN8n({ install: await ensureN8n('2.x'), tarball: await packPackage() });
		await n8n.boot([handBackCredential, defaultCredential], [handBack.workflow, defaults.workflow]);
		handBackUrl = `${n8n.url}/webhook/${handBack.path}`;
		defaultUrl = `${n8n.url}/webhook/${defaults.path}`;
	}, 1_200_000);

	afterAll(async () => {
		await n8n?.stop();
		await handBackSim?.close();
		await defaultSim?.close();
	});

	it(`the example's hand-back, ${EVENTS} events in ${SECONDS} s at ${ACCOUNT_RATE} calls per second: memory bounded, every sender answered within 5 s, every hand-back with Retry-After and honoured, every event dialled once`, async () => {
		const target = { url: handBackUrl, watched: [{ name: 'main', pid: n8n.main.pid }], output: () => n8n.main.output, kill: () => n8n.main.kill() };
		const { summary, deliveries } = await measureBurst(target, simulatorDials(handBackSim), suiteBurstPlan(EVENTS, SECONDS, eventBody));
		const verdicts = judgeGoal(summary, goalMemoryMb(EVENTS));
		const handBacks = deliveries.filter((delivery) => delivery.status === 503);
		recordFacts('events-burst-hand-back', 'events, a burst handed back', { ...summary, verdicts });

		// The burst outran the pace, so the hand-back was played: events went back and came again.
		expect(summary.handBacks.withRetryAfter).toBeGreaterThan(0);
		expect(summary.redeliveries).toBe(summary.handBacks.withRetryAfter);
		// Each said why, in the words the example passes on: the pace's backlog, nothing sent, when to come back.
		expect(handBacks.filter((delivery) => !/^\{"error":"The Plivo account's pace has a backlog \[item 0\]: .+ Nothing was sent: send it again in (\d+) s /.test(delivery.body))).toEqual([]);
		expect(handBacks.filter((delivery) => !delivery.body.includes(`send it again in ${delivery.retryAfter} s`))).toEqual([]);
		expect(handBackShortfalls(summary)).toEqual([]);
		expect(Object.keys(summary.byStatus).sort()).toEqual(['200', '503']);
		expect(verdicts.filter((verdict) => !verdict.met)).toEqual([]);
	});

	it(`the node's defaults: ${BACKLOG_EVENTS} events at once build a backlog on the pace; n8n's log warns once, without the Auth Token`, async () => {
		const from = n8n.main.output.length;
		const events = planBurst({ count: BACKLOG_EVENTS, seconds: 0, series: 1 });
		const deliveries = await sendBurst(defaultUrl, events, Date.now(), { body: eventBody, timeoutMs: 60_000, honourRetryAfter: false });
		const deadline = Date.now() + 120_000;
		while (defaultSim.count({ status: 201 }) < BACKLOG_EVENTS && Date.now() < deadline) await new Promise((done) => setTimeout(done, 500));
		const logged = n8n.main.output.slice(from);
		const warnings = backlogWarnings(logged);
		recordFacts('events-burst-backlog-warning', 'events, the backlog warning', { answers: deliveries.map((delivery) => delivery.status), dialled: defaultSim.count({ status: 201 }), warnings });

		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(
			/Plivo PHLO: (\d+) executions \(\d+ requests\) are waiting for their turn on the pace of Plivo account …ZZZZ at 127\.0\.0\.1:\d+ \(2 per second, about [\d.]+ s of backlog\)\. Each waiting execution holds memory in n8n: about 11 MB each, \d+ MB now\. To hand a burst back to its sender instead of holding it, set Max Wait for Turn: https:\/\/\S+#bursts-larger-than-the-pace/,
		);
		expect(Number(/Plivo PHLO: (\d+) executions/.exec(warnings[0])?.[1])).toBeGreaterThan(20);
		expect(n8n.main.output).not.toContain(defaultSim.credentials.authToken);
		expect(defaultSim.count({ status: 201 })).toBe(BACKLOG_EVENTS);
	});
});
