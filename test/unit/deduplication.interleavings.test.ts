import type { IDataObject } from 'n8n-workflow';

import { ProcessDeduplication, type SentKeys } from '../../nodes/PlivoPhlo/storage/inProcess';
import { StaticDataStore } from '../../nodes/PlivoPhlo/storage/staticData';

/**
 * Three executions of one workflow in one n8n process, each with a single item and a Deduplication
 * Key, run through every order in which their steps can interleave. What n8n does is modelled as it
 * is: each execution reads the saved static data when it starts, gets its own copy, and has the copy
 * saved whole (JSON) when it ends, the last save winning. After every order n8n "restarts" (a new
 * process reads the last save) and every key must block exactly when it was sent and not freed.
 */

type Step = 'open' | 'claim' | 'settle' | 'close' | 'save';
interface Plan {
	key: string;
	/** What Plivo made of the request: a kept key stays, a released one is free again. */
	outcome: 'keep' | 'release';
}

const WINDOW_MINUTES = 60;
const SCOPE = 'wf:plivo';

/** Every way to interleave `counts[i]` steps of execution i, keeping each execution's own order. */
function* interleavings(counts: number[], prefix: number[] = []): Generator<number[]> {
	if (counts.every((count) => count === 0)) {
		yield prefix;
		return;
	}
	for (let execution = 0; execution < counts.length; execution++) {
		if (counts[execution] === 0) continue;
		counts[execution]--;
		prefix.push(execution);
		yield* interleavings(counts, prefix);
		prefix.pop();
		counts[execution]++;
	}
}

const saveOf = (copy: IDataObject): SentKeys =>
	(JSON.parse(JSON.stringify(copy)) as { plivoPhloSentKeys?: SentKeys }).plivoPhloSentKeys ?? {};

/** Runs one order; returns the first broken promise, or undefined. */
async function runOrder(order: number[], plans: Plan[], steps: Step[]): Promise<string | undefined> {
	let time = 1_000;
	const now = () => time;
	const process = new ProcessDeduplication(now);
	const keysOf = () => process.keysOf(SCOPE);
	let saved: SentKeys = {};
	/** What is true at Plivo: keys sent (or claimed for sending) and not freed. */
	const held = new Set<string>();
	interface Execution {
		step: number;
		copy: IDataObject;
		store?: StaticDataStore;
		claimed: boolean;
	}
	const executions = plans.map((): Execution => ({ step: 0, copy: {}, claimed: false }));

	for (const index of order) {
		time += 1;
		const execution = executions[index];
		const { key, outcome } = plans[index];
		const step = steps[execution.step++];
		if (step === 'open') {
			execution.copy = { plivoPhloSentKeys: { ...saved } };
			execution.store = new StaticDataStore(execution.copy, keysOf, WINDOW_MINUTES, now);
		} else if (step === 'claim') {
			execution.claimed = await execution.store!.claim(key);
			if (execution.claimed === held.has(key)) return `execution ${index} claim of ${key}: ${execution.claimed ? 'sent a duplicate' : 'skipped an item never sent'}`;
			if (execution.claimed) held.add(key);
		} else if (step === 'settle') {
			if (execution.claimed && outcome === 'release') {
				await execution.store!.release(key);
				held.delete(key);
			} else if (execution.claimed) await execution.store!.keep();
			if (!steps.includes('close')) execution.store!.close();
		} else if (step === 'close') {
			execution.store!.close();
		} else {
			saved = saveOf(execution.copy);
		}
	}

	// n8n restarts: a new process, a new execution reading what was saved last.
	time += 60_000;
	const restarted = new ProcessDeduplication(now);
	for (const key of new Set(plans.map((plan) => plan.key))) {
		const store = new StaticDataStore({ plivoPhloSentKeys: { ...saved } }, () => restarted.keysOf(SCOPE), WINDOW_MINUTES, now);
		const free = await store.claim(key);
		store.close();
		if (free === held.has(key)) return `after a restart ${key} ${free ? 'was free although sent' : 'was blocked although freed'} (saved: ${JSON.stringify(saved)})`;
	}
	return undefined;
}

async function everyOrder(plans: Plan[], steps: Step[]): Promise<{ orders: number; broken: string[] }> {
	const broken: string[] = [];
	let orders = 0;
	for (const order of interleavings(plans.map(() => steps.length))) {
		orders++;
		const failure = await runOrder(order, plans, steps);
		if (failure && broken.length < 5) broken.push(`${order.join('')}: ${failure}`);
	}
	return { orders, broken };
}

describe('Workflow Static Data store: exact whatever order n8n runs and saves executions in', () => {
	// Execution 2 is the retry of execution 0's item (the same key) after Plivo refused it.
	const retry: Plan[] = [
		{ key: 'A', outcome: 'release' },
		{ key: 'B', outcome: 'keep' },
		{ key: 'A', outcome: 'keep' },
	];

	it('every interleaving of open, claim, release or keep, detach and save, for three executions', async () => {
		const { orders, broken } = await everyOrder(retry, ['open', 'claim', 'settle', 'close', 'save']);
		expect(orders).toBe(756_756);
		expect(broken).toEqual([]);
	}, 600_000);

	it.each([
		['keep', 'keep', 'keep'],
		['release', 'release', 'keep'],
		['keep', 'release', 'release'],
		['release', 'release', 'release'],
	] as const)('every interleaving with outcomes %s, %s, %s (the same key twice)', async (...outcomes) => {
		const plans = retry.map((plan, index) => ({ ...plan, outcome: outcomes[index] }));
		const { orders, broken } = await everyOrder(plans, ['open', 'claim', 'settle', 'save']);
		expect(orders).toBe(34_650);
		expect(broken).toEqual([]);
	}, 300_000);
});
