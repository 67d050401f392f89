/**
 * Queue mode (main and two workers, Redis, PostgreSQL), with single-item webhook executions arriving in
 * bursts, as CRM events do. Each worker paces its own requests: with two workers the account sees up to
 * twice the rate set. The Shared Database store keeps duplicate deliveries apart across workers as far as
 * n8n's processed-data store allows; each case records what it measured.
 */
import { answerJson, deliverCopies, dialTally, mostInWindow } from '../support/bursts';
import { countBy, sendWebhooks } from '../support/n8nMain';
import { Cluster } from '../support/queue/cluster';
import { ensureN8n, packPackage } from '../support/realN8n';
import { recordFacts } from '../support/results';
import { startSimulator, type Simulator } from '../support/simulator';
import { plivoCredential, webhookAddUserWorkflow } from '../support/workflows';

let sim: Simulator;
let cluster: Cluster;

const credential = () => plivoCredential('plivoQueueSide001', sim.credentials);
const PACED = { id: 'queuePaced000001', path: 'paced', rate: 2 };
const DEDUPLICATED = { id: 'queueDedup000001', path: 'dedup' };

beforeAll(async () => {
	sim = await startSimulator();
	cluster = await Cluster.start({ install: await ensureN8n('2.x'), tarball: await packPackage(), workers: 2 });
	await cluster.boot(
		[credential()],
		[
			webhookAddUserWorkflow(PACED.id, PACED.path, credential(), { maxRequestsPerSecond: PACED.rate, concurrency: 2 }),
			webhookAddUserWorkflow(
				DEDUPLICATED.id,
				DEDUPLICATED.path,
				credential(),
				{ deduplicationKey: '={{ $json.body.ticket }}', deduplicationStore: 'n8nDatabase' },
				'lastNode',
			),
		],
	);
}, 1_200_000);

afterEach(() => sim.reset());
afterAll(async () => {
	await cluster?.stop();
	await sim?.close();
});

const record = (name: string, facts: Record<string, unknown>): void => recordFacts(`queue-${name}`, `queue mode, ${name}`, facts);
const destination = (series: number, index: number): string => `+1415${5_700_000 + series * 1_000 + index}`;

it('each worker paces on its own: 40 executions at once at 2 requests/s reach Plivo at up to 4 a second, never more, each once', async () => {
	const count = 40;
	const statuses = await sendWebhooks(`${cluster.url}/webhook/${PACED.path}`, count, count, (index) => ({ to: destination(1, index) }));
	const executions = await cluster.waitForExecutions(PACED.id, count, 180_000);
	const arrivals = sim.filter({ route: 'multiPartyCall.dial' }).map((request) => request.receivedAt);
	const byWorker = cluster.workers.map((worker) => worker.finishedExecutions().length);
	const facts = {
		executions: countBy(executions.map(({ status }) => status)),
		byWorker,
		spreadSeconds: (Math.max(...arrivals) - Math.min(...arrivals)) / 1_000,
		mostInAnySecond: mostInWindow(arrivals, 1_000),
		/** Requests per second after each worker's first: what the account sees once pacing holds. */
		ratePerSecond: 0,
		sentTwice: dialTally(sim, Array.from({ length: count }, (_, index) => destination(1, index))).dialledMoreThanOnce,
	};
	facts.ratePerSecond = (count - byWorker.length) / facts.spreadSeconds;
	record('pacing-per-worker', facts);

	expect(countBy(statuses.map(String))).toEqual({ 200: count });
	expect(facts.executions).toEqual({ success: count });
	expect(arrivals).toHaveLength(count);
	expect(facts.sentTwice).toBe(0);
	expect(byWorker.every((ran) => ran > 0)).toBe(true);
	// Two workers at 2/s each: the account sees 4/s, never more. In any one second each worker starts at
	// most 2, and one more may fall in when requests take a little longer or shorter to arrive.
	expect(facts.ratePerSecond).toBeLessThanOrEqual(2 * PACED.rate * 1.05);
	expect(facts.ratePerSecond).toBeGreaterThanOrEqual(2 * PACED.rate * 0.8);
	expect(facts.mostInAnySecond).toBeLessThanOrEqual(2 * (PACED.rate + 1));
});

/** 15 tickets, each delivered 3 times, the copies `gapMs` apart, to both workers; `rounds` times. */
async function duplicates(gapMs: number, rounds: number, series: number) {
	const tickets = 15;
	let dials = 0;
	let ticketsDialledMoreThanOnce = 0;
	let ticketsNotDialled = 0;
	let mostDialsOfATicket = 0;
	const answers: Record<string, number> = {};
	for (let round = 0; round < rounds; round++) {
		const ticket = (index: number) => `T-${series}-${round}-${index}`;
		const to = (index: number) => destination(series, round * tickets + index);
		const delivered = await deliverCopies(`${cluster.url}/webhook/${DEDUPLICATED.path}`, { count: tickets, copies: 3, gapMs }, (index) => ({
			ticket: ticket(index),
			to: to(index),
		}));
		for (const answer of delivered) {
			const json = answerJson(answer);
			const kind = answer.status !== 200 ? `HTTP ${answer.status}` : typeof json.api_id === 'string' ? 'sent' : json.skipped === 'duplicate' ? 'skipped' : 'other';
			answers[kind] = (answers[kind] ?? 0) + 1;
		}
		const tally = dialTally(sim, Array.from({ length: tickets }, (_, index) => to(index)));
		dials += tally.dials;
		ticketsDialledMoreThanOnce += tally.dialledMoreThanOnce;
		ticketsNotDialled += tally.notDialled;
		mostDialsOfATicket = Math.max(mostDialsOfATicket, tally.most);
	}
	const byWorker = cluster.workers.map((worker) => worker.finishedExecutions().length);
	return { tickets: tickets * rounds, deliveries: tickets * 3 * rounds, dials, ticketsDialledMoreThanOnce, ticketsNotDialled, mostDialsOfATicket, answers, byWorker };
}

it('Shared Database store, copies 1 s apart across both workers: each ticket dialled once', async () => {
	const facts = await duplicates(1_000, 2, 2);
	record('deduplication-1s-apart', facts);
	expect(facts.answers).toEqual({ sent: facts.tickets, skipped: facts.deliveries - facts.tickets });
	expect(facts.ticketsDialledMoreThanOnce).toBe(0);
	expect(facts.ticketsNotDialled).toBe(0);
});

it('Shared Database store, copies at the same instant across both workers: how many tickets are dialled twice (measured)', async () => {
	const facts = await duplicates(0, 3, 3);
	record('deduplication-at-once', { ...facts, rate: facts.ticketsDialledMoreThanOnce / facts.tickets });
	// No ticket is lost and no copy fails. Within a worker the claims take turns, so a ticket is dialled
	// at most once per worker: twice at worst, when its copies race on both workers.
	expect(facts.ticketsNotDialled).toBe(0);
	expect(Object.keys(facts.answers).sort()).toEqual(['sent', 'skipped']);
	expect(facts.answers.sent).toBe(facts.dials);
	expect(facts.mostDialsOfATicket).toBeLessThanOrEqual(cluster.workers.length);
});
