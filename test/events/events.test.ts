/**
 * The node's main use, a CRM event or webhook followed by Plivo PHLO, in ONE n8n process in regular mode
 * (SQLite): every webhook request is an execution of one item, and many run side by side. Two promises
 * hold across those executions:
 *
 * - pacing: Max Requests per Second, and the pause after a 429, apply to every execution of the
 *   process that uses the same Plivo account (Auth ID and Base URL), whatever the workflow; other
 *   accounts are not slowed; requests stay evenly spaced;
 * - deduplication: no execution sends a Deduplication Key another execution claimed or sent, however
 *   many run at once, with either store.
 *
 * Each describe boots one n8n and publishes every workflow its tests use; each test has its own
 * workflows, webhook paths, destinations and tickets, and resets the simulators it uses. Every case
 * prints its measured numbers as one JSON line (and keeps them in `.cache/results/events-<case>.json`)
 * before its assertions, so a failing run still records them.
 */
import type { IDataObject } from 'n8n-workflow';

import { answerJson, deliverCopies, dialTally, mostInWindow, sendSteadily } from '../support/bursts';
import { countBy, sendWebhooks } from '../support/n8nMain';
import { ensureN8n, LINES, packPackage, type CredentialJson, type N8nLine, type WorkflowJson } from '../support/realN8n';
import { RegularN8n } from '../support/regularN8n';
import { recordFacts } from '../support/results';
import { startSimulator, type Simulator } from '../support/simulator';
import { plivoCredential, webhookAddUserWorkflow } from '../support/workflows';

/** Options of the paced workflows: the node's defaults, written out. */
const PACED = { maxRequestsPerSecond: 2, concurrency: 2 };
const SECOND = 1_000;

/** Destinations are unique per test: `series` keeps the sets apart (up to 100 per series). */
const destination = (series: number, index: number): string => `+1415${5_500_000 + series * 100 + index}`;
const destinations = (series: number, count: number): string[] => Array.from({ length: count }, (_, index) => destination(series, index));

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A minute of events at 3 per second, each to its own destination. */
const RECOVERY_EVENTS = 180;
const recoveryDestination = (index: number): string => `+1415${5_600_000 + index}`;

interface Account {
	sim: Simulator;
	credential: CredentialJson;
}

/** A simulator is one Plivo account (its Base URL; `authId` makes the Auth ID differ too) behind its own credential. */
async function startAccount(id: string, authId?: string): Promise<Account> {
	const sim = await startSimulator(authId ? { authId } : {});
	return { sim, credential: plivoCredential(id, sim.credentials) };
}

interface Route {
	id: string;
	path: string;
	account: Account;
	options: IDataObject;
	responseMode?: 'onReceived' | 'lastNode';
}

const workflowOf = ({ id, path, account, options, responseMode }: Route): WorkflowJson =>
	webhookAddUserWorkflow(id, path, account.credential, options, responseMode);

/** An n8n of the line, not booted yet: a describe keeps it before booting, so that its `afterAll` stops it even when the boot fails. */
async function regularN8n(line: N8nLine): Promise<RegularN8n> {
	return new RegularN8n({ install: await ensureN8n(line), tarball: await packPackage() });
}

async function boot(n8n: RegularN8n, accounts: Account[], routes: Route[]): Promise<void> {
	await n8n.boot(
		accounts.map((account) => account.credential),
		routes.map(workflowOf),
	);
}

const record = (name: string, facts: Record<string, unknown>): void => recordFacts(`events-${name}`, `events, ${name}`, facts);

/** How the dial requests for `expected` reached one simulator: spread, densest second, lost and repeated ones. */
function paceOf(sim: Simulator, expected: string[], since: number) {
	const dials = sim.filter({ route: 'multiPartyCall.dial' });
	const arrivals = dials.map((request) => request.receivedAt);
	const first = Math.min(...arrivals);
	const last = Math.max(...arrivals);
	const tally = dialTally(sim, expected);
	return {
		requests: dials.length,
		spreadSeconds: dials.length ? (last - first) / SECOND : 0,
		firstAfterSendSeconds: dials.length ? (first - since) / SECOND : null,
		lastAfterSendSeconds: dials.length ? (last - since) / SECOND : null,
		mostInAnySecond: mostInWindow(arrivals, SECOND),
		lost: tally.notDialled,
		sentTwice: tally.dialledMoreThanOnce,
		unexpected: dials.filter((request) => !expected.includes(request.to ?? '')).length,
	};
}

interface Outcome {
	/** The executions by status. */
	executions: Record<string, number>;
	/** Why those that failed did, by text. */
	executionErrors?: Record<string, number>;
}

/** Waits until the workflows' `count` executions have finished; how they ended. */
async function outcomeOf(n8n: RegularN8n, workflowIds: string[], count: number): Promise<Outcome> {
	const executions = (await Promise.all(workflowIds.map(async (id) => await n8n.waitForExecutions(id, count, 180_000)))).flat();
	const failed = executions.filter((execution) => execution.status !== 'success');
	const errors = await Promise.all(failed.map(async (execution) => (await n8n.executionError(execution.id)) ?? `(${execution.status}, no error saved)`));
	return { executions: countBy(executions.map(({ status }) => status)), ...(errors.length ? { executionErrors: countBy(errors) } : {}) };
}

/**
 * The harness did its part: every webhook request got an HTTP answer (the executions have all
 * finished, or `outcomeOf` would have thrown). Checked before the promise.
 */
function expectAnswered(statuses: number[], count: number): void {
	expect(statuses).toHaveLength(count);
	expect(statuses.filter((status) => status === 0)).toEqual([]);
}

/** Checked after the promise: each webhook was answered 200 and each execution succeeded. */
function expectAllSucceeded(statuses: number[], outcome: Outcome, count: number): void {
	expect(countBy(statuses.map(String))).toEqual({ 200: count });
	expect(outcome).toEqual({ executions: { success: count } });
}

/** 20 webhook requests at once at 2 requests/s: spread over 9 s or more, never more than 3 in a second, each once. */
async function paceTwentyAtOnce(n8n: RegularN8n, line: N8nLine, route: Route, series: number): Promise<void> {
	const { sim } = route.account;
	sim.reset();
	const sentAt = Date.now();
	const statuses = await sendWebhooks(`${n8n.url}/webhook/${route.path}`, 20, 20, (index) => ({ to: destination(series, index) }));
	const outcome = await outcomeOf(n8n, [route.id], 20);
	const pace = paceOf(sim, destinations(series, 20), sentAt);
	record(`pacing-20-at-once-${line}`, { n8n: LINES[line].n8n, webhooks: countBy(statuses.map(String)), ...outcome, ...pace });
	expectAnswered(statuses, 20);

	expect({ lost: pace.lost, sentTwice: pace.sentTwice }).toEqual({ lost: 0, sentTwice: 0 });
	expect(pace.spreadSeconds).toBeGreaterThanOrEqual(9);
	expect(pace.mostInAnySecond).toBeLessThanOrEqual(3);
	expectAllSucceeded(statuses, outcome, 20);
}

const PACE_TITLE = '20 webhook requests at once at 2 requests/s reach Plivo spread over 9 s or more, never more than 3 in a second, each once';

type Store = 'n8nDatabase' | 'staticData';
const STORE_NAMES: Record<Store, string> = { n8nDatabase: 'Shared Database', staticData: 'Workflow Static Data' };

interface DeduplicationCase {
	store: Store;
	/** Between the copies of a ticket: 0 sends all 45 requests at once. */
	gapMs: number;
	series: number;
}

const TICKETS = 15;
const COPIES = 3;

const caseName = ({ store, gapMs }: DeduplicationCase): string => `${STORE_NAMES[store]}, ${gapMs ? `copies ${gapMs} ms apart` : 'all at once'}`;

/** One workflow per case, answering when its execution has finished with the node's output item. */
const deduplicationRoute = (account: Account, { store, gapMs, series }: DeduplicationCase): Route => ({
	id: `eventsDedup${String(series).padStart(5, '0')}`,
	path: `dedup-${store}-${gapMs}-${series}`,
	account,
	options: { maxRequestsPerSecond: 0, deduplicationKey: '={{ $json.body.ticket }}', deduplicationStore: store },
	responseMode: 'lastNode',
});

/**
 * 15 tickets, each delivered 3 times: the 15 tickets at once, 3 times, `gapMs` apart. Every
 * webhook request waits for its execution and gets the node's output item: Plivo's answer, or
 * `{skipped: 'duplicate', key}`.
 */
async function deduplicate(n8n: RegularN8n, line: N8nLine, account: Account, deduplicationCase: DeduplicationCase) {
	const { sim } = account;
	const route = deduplicationRoute(account, deduplicationCase);
	const ticket = (index: number) => `T-${deduplicationCase.series}-${index}`;
	sim.reset();
	const answers = await deliverCopies(`${n8n.url}/webhook/${route.path}`, { count: TICKETS, copies: COPIES, gapMs: deduplicationCase.gapMs }, (index) => ({
		ticket: ticket(index),
		to: destination(deduplicationCase.series, index),
	}));
	const outcome = await outcomeOf(n8n, [route.id], TICKETS * COPIES);
	const tally = dialTally(sim, destinations(deduplicationCase.series, TICKETS));
	const outputs = answers.map(answerJson);
	const facts = {
		n8n: LINES[line].n8n,
		store: STORE_NAMES[deduplicationCase.store],
		copies: deduplicationCase.gapMs ? `${deduplicationCase.gapMs} ms apart` : 'all at once',
		webhooks: countBy(answers.map((answer) => String(answer.status))),
		...outcome,
		dials: tally.dials,
		ticketsDialledMoreThanOnce: tally.dialledMoreThanOnce,
		ticketsNotDialled: tally.notDialled,
		answeredSent: outputs.filter((json) => typeof json.api_id === 'string').length,
		answeredSkipped: outputs.filter((json) => json.skipped === 'duplicate').length,
	};
	record(`deduplication-${deduplicationCase.store}-${deduplicationCase.gapMs}ms-${line}`, facts);

	const statuses = answers.map((answer) => answer.status);
	expectAnswered(statuses, TICKETS * COPIES);

	expect({ dials: facts.dials, ticketsDialledMoreThanOnce: facts.ticketsDialledMoreThanOnce }).toEqual({ dials: TICKETS, ticketsDialledMoreThanOnce: 0 });
	expect(tally.perDestination).toEqual(tally.perDestination.map(() => 1));
	expectAllSucceeded(statuses, outcome, TICKETS * COPIES);
	// Every copy that was not sent says so, with its ticket.
	const skipped = outputs.filter((json) => json.skipped === 'duplicate');
	expect(skipped).toHaveLength(TICKETS * (COPIES - 1));
	expect(countBy(skipped.map((json) => String(json.key)))).toEqual(
		Object.fromEntries(Array.from({ length: TICKETS }, (_, index) => [ticket(index), COPIES - 1])),
	);
}

const DEDUPLICATION_TITLE = 'deduplication, $name: 15 tickets delivered 3 times are dialled 15 times, each once';
/** The cases, each named for the test's title. */
const named = (cases: DeduplicationCase[]) => cases.map((deduplicationCase) => ({ ...deduplicationCase, name: caseName(deduplicationCase) }));
const DEDUPLICATION_CASES = named([
	{ store: 'n8nDatabase', gapMs: 0, series: 10 },
	{ store: 'n8nDatabase', gapMs: 200, series: 11 },
	{ store: 'n8nDatabase', gapMs: 1_000, series: 12 },
	{ store: 'n8nDatabase', gapMs: 3_000, series: 13 },
	{ store: 'staticData', gapMs: 0, series: 14 },
	{ store: 'staticData', gapMs: 1_000, series: 15 },
]);

describe('n8n 2.40.7, one process in regular mode: executions side by side', () => {
	const line: N8nLine = '2.x';
	let n8n: RegularN8n;
	/** One simulator, one account, per pacing test, so that no pacing state crosses tests; one for deduplication. */
	let paced: Account;
	let shared: Account;
	let other: Account;
	let backoff: Account;
	let recovery: Account;
	let deduplication: Account;
	let routes: Record<'paced' | 'sharedA' | 'sharedB' | 'other' | 'backoff' | 'recovery', Route>;

	beforeAll(async () => {
		paced = await startAccount('eventsCredPaced1');
		shared = await startAccount('eventsCredShared');
		other = await startAccount('eventsCredOther1', 'MAYYYYYYYYYYYYYYYYYY');
		backoff = await startAccount('eventsCredBkoff1');
		recovery = await startAccount('eventsCredRecov1');
		deduplication = await startAccount('eventsCredDedup1');
		routes = {
			paced: { id: 'eventsPaced00001', path: 'paced', account: paced, options: PACED },
			sharedA: { id: 'eventsSharedA001', path: 'shared-a', account: shared, options: PACED },
			sharedB: { id: 'eventsSharedB001', path: 'shared-b', account: shared, options: PACED },
			// Its own rate, well above the shared account's: 10 requests in under 2 s.
			other: { id: 'eventsOther00001', path: 'other', account: other, options: { maxRequestsPerSecond: 5, concurrency: 2 } },
			backoff: { id: 'eventsBackoff001', path: 'backoff', account: backoff, options: PACED },
			recovery: { id: 'eventsRecovery01', path: 'recovery', account: recovery, options: PACED, responseMode: 'onReceived' },
		};
		n8n = await regularN8n(line);
		await boot(
			n8n,
			[paced, shared, other, backoff, recovery, deduplication],
			[...Object.values(routes), ...DEDUPLICATION_CASES.map((deduplicationCase) => deduplicationRoute(deduplication, deduplicationCase))],
		);
	}, 1_200_000);

	afterAll(async () => {
		await n8n?.stop();
		for (const account of [paced, shared, other, backoff, recovery, deduplication]) await account?.sim.close();
	});

	it(PACE_TITLE, async () => await paceTwentyAtOnce(n8n, line, routes.paced, 1));

	it("two workflows on one account share its pace; a workflow on another account keeps its own and is not slowed by them", async () => {
		const { sharedA, sharedB, other: otherRoute } = routes;
		shared.sim.reset();
		other.sim.reset();
		const sentAt = Date.now();
		const statuses = (
			await Promise.all(
				[sharedA, sharedB, otherRoute].map(async (route, index) =>
					await sendWebhooks(`${n8n.url}/webhook/${route.path}`, 10, 10, (item) => ({ to: destination(2 + index, item) })),
				),
			)
		).flat();
		const outcome = await outcomeOf(n8n, [sharedA.id, sharedB.id, otherRoute.id], 10);
		const sharedPace = paceOf(shared.sim, [...destinations(2, 10), ...destinations(3, 10)], sentAt);
		const otherPace = paceOf(other.sim, destinations(4, 10), sentAt);
		record(`pacing-two-workflows-one-account-${line}`, {
			n8n: LINES[line].n8n,
			webhooks: countBy(statuses.map(String)),
			...outcome,
			sharedAccount: sharedPace,
			otherAccount: otherPace,
		});
		expectAnswered(statuses, 30);

		expect([sharedPace, otherPace].map(({ lost, sentTwice }) => ({ lost, sentTwice }))).toEqual([
			{ lost: 0, sentTwice: 0 },
			{ lost: 0, sentTwice: 0 },
		]);
		// The shared account: 20 requests at 2/s between the two workflows.
		expect(sharedPace.spreadSeconds).toBeGreaterThanOrEqual(9);
		expect(sharedPace.mostInAnySecond).toBeLessThanOrEqual(3);
		// The other account: 10 at its own 5/s (1.8 s), while the shared account is still being paced;
		// evenly spaced, a second holds the rate, or one more when the timers jitter (as 3 at 2/s).
		expect(otherPace.lastAfterSendSeconds).toBeLessThanOrEqual(4);
		expect(otherPace.mostInAnySecond).toBeLessThanOrEqual(6);
		expectAllSucceeded(statuses, outcome, 30);
	});

	it("a 429 seen by one execution pauses the account's other executions for its Retry-After", async () => {
		const { sim } = backoff;
		const { path, id } = routes.backoff;
		sim.reset();
		sim.addFault({ fault: { type: 'rate-limited', retryAfterSeconds: 2 }, times: 1 });
		const url = `${n8n.url}/webhook/${path}`;
		const series = 5;
		const count = 8;
		// One execution meets the 429; the others start once it has been answered, during the pause.
		const first = await sendWebhooks(url, 1, 1, () => ({ to: destination(series, 0) }));
		const deadline = Date.now() + 60_000;
		while (!sim.count({ status: 429 }) && Date.now() < deadline) await sleep(20);
		await sleep(100);
		const rest = await sendWebhooks(url, count - 1, count - 1, (index) => ({ to: destination(series, index + 1) }));
		const statuses = [...first, ...rest];
		const outcome = await outcomeOf(n8n, [id], count);

		const refused = sim.filter({ status: 429 });
		const answeredAt = refused[0]?.finishedAt ?? Number.NaN;
		// Retry-After is whole seconds; a timer may fire a few ms early.
		const pauseEnds = answeredAt + 2 * SECOND - 50;
		const after = sim.requests.filter((request) => request.receivedAt > answeredAt);
		const duringPause = after.filter((request) => request.receivedAt < pauseEnds);
		const sentPerDestination = destinations(series, count).map((to) => sim.count({ to, status: 201 }));
		record(`backoff-429-${line}`, {
			n8n: LINES[line].n8n,
			webhooks: countBy(statuses.map(String)),
			...outcome,
			refused: refused.length,
			requestsDuringPause: duringPause.length,
			othersDuringPause: duringPause.filter((request) => request.to !== refused[0]?.to).length,
			firstRequestAfterTheAnswerSeconds: after.length ? (Math.min(...after.map((request) => request.receivedAt)) - answeredAt) / SECOND : null,
			requests: sim.requests.length,
			notSent: sentPerDestination.filter((sent) => sent === 0).length,
			sentTwice: sentPerDestination.filter((sent) => sent > 1).length,
		});
		expectAnswered(statuses, count);
		expect(refused).toHaveLength(1);

		expect(duringPause.map(({ to, receivedAt }) => ({ to, msAfterThe429: receivedAt - answeredAt }))).toEqual([]);
		expect(sentPerDestination).toEqual(sentPerDestination.map(() => 1));
		expectAllSucceeded(statuses, outcome, count);
	});

	it('events arriving faster than the rate for a minute, one 429 early on: 20–40 s after it Plivo sees at least 90% of the rate, never more, each event once', async () => {
		const { sim } = recovery;
		const { path, id } = routes.recovery;
		const count = RECOVERY_EVENTS;
		sim.reset();
		const url = `${n8n.url}/webhook/${path}`;
		const arm = setTimeout(() => sim.addFault({ fault: { type: 'rate-limited', retryAfterSeconds: 1 }, times: 1 }), 5 * SECOND);
		const { answers } = await sendSteadily(url, { count, perSecond: 3 }, (index) => ({ to: recoveryDestination(index) })).finally(() => clearTimeout(arm));
		const outcome = await outcomeOf(n8n, [id], count);

		const refused = sim.filter({ status: 429 });
		const answeredAt = refused[0]?.finishedAt ?? Number.NaN;
		const accepted = sim.filter({ route: 'multiPartyCall.dial', status: 201 }).map((request) => request.receivedAt);
		const inWindow = (from: number, to: number) => accepted.filter((at) => at >= answeredAt + from * SECOND && at < answeredAt + to * SECOND).length;
		// The 429 refused its request: Plivo acted on the accepted ones only, so those are counted.
		const acceptedPerDestination = Array.from({ length: count }, (_, index) => sim.count({ to: recoveryDestination(index), status: 201 }));
		const tally = {
			dials: accepted.length,
			dialledMoreThanOnce: acceptedPerDestination.filter((times) => times > 1).length,
			notDialled: acceptedPerDestination.filter((times) => times === 0).length,
		};
		const perFiveSeconds = Array.from({ length: 8 }, (_, slot) => inWindow(-10 + slot * 5, -5 + slot * 5) / 5);
		const facts = {
			n8n: LINES[line].n8n,
			webhooks: countBy(answers.map((answer) => String(answer.status))),
			...outcome,
			refused: refused.length,
			ratePerSecondBeforeThe429: inWindow(-5, 0) / 5,
			ratePerSecondEveryFiveSecondsFrom10sBefore: perFiveSeconds,
			ratePerSecond20To40sAfter: inWindow(20, 40) / 20,
			mostInAnySecond: mostInWindow(accepted, SECOND),
			dials: tally.dials,
			dialledMoreThanOnce: tally.dialledMoreThanOnce,
			notDialled: tally.notDialled,
		};
		record(`recovery-after-429-${line}`, facts);
		expectAnswered(answers.map((answer) => answer.status), count);
		expect(refused).toHaveLength(1);

		expect(facts.ratePerSecond20To40sAfter).toBeGreaterThanOrEqual(0.9 * PACED.maxRequestsPerSecond);
		// Evenly spaced at 2/s, a second holds 2, or 3 when its edges fall on two starts' jitter.
		expect(facts.mostInAnySecond).toBeLessThanOrEqual(PACED.maxRequestsPerSecond + 1);
		expect(inWindow(0, 40)).toBeLessThanOrEqual(40 * PACED.maxRequestsPerSecond + 1);
		expect({ dialledMoreThanOnce: tally.dialledMoreThanOnce, notDialled: tally.notDialled }).toEqual({ dialledMoreThanOnce: 0, notDialled: 0 });
		expect(outcome).toEqual({ executions: { success: count } });
	});

	it.each(DEDUPLICATION_CASES)(DEDUPLICATION_TITLE, async (deduplicationCase) => await deduplicate(n8n, line, deduplication, deduplicationCase));
});

describe('n8n 1.123.81, one process in regular mode: executions side by side', () => {
	const line: N8nLine = '1.x';
	const deduplicationCases = named([{ store: 'n8nDatabase', gapMs: 0, series: 20 }]);
	let n8n: RegularN8n;
	let paced: Account;
	let deduplication: Account;
	let pacedRoute: Route;

	beforeAll(async () => {
		paced = await startAccount('eventsCredPaced1');
		deduplication = await startAccount('eventsCredDedup1');
		pacedRoute = { id: 'eventsPaced00001', path: 'paced', account: paced, options: PACED };
		n8n = await regularN8n(line);
		await boot(n8n, [paced, deduplication], [pacedRoute, ...deduplicationCases.map((deduplicationCase) => deduplicationRoute(deduplication, deduplicationCase))]);
	}, 1_200_000);

	afterAll(async () => {
		await n8n?.stop();
		for (const account of [paced, deduplication]) await account?.sim.close();
	});

	it(PACE_TITLE, async () => await paceTwentyAtOnce(n8n, line, pacedRoute, 1));

	it.each(deduplicationCases)(DEDUPLICATION_TITLE, async (deduplicationCase) => await deduplicate(n8n, line, deduplication, deduplicationCase));
});
