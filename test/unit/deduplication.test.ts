import type { IDataObject } from 'n8n-workflow';

import { PROCESS_MAX_KEYS, SAVED_MAX_KEYS } from '../../nodes/PlivoPhlo/helpers/defaults';
import { ProcessDeduplication, ProcessKeys, type SentKeys } from '../../nodes/PlivoPhlo/storage/inProcess';
import { StaticDataStore } from '../../nodes/PlivoPhlo/storage/staticData';

const MINUTE = 60_000;

/** What n8n stores for the node's static data when it saves an execution: the record as JSON. */
const savedRecord = (nodeStaticData: IDataObject): SentKeys =>
	(JSON.parse(JSON.stringify(nodeStaticData)) as { plivoPhloSentKeys?: SentKeys }).plivoPhloSentKeys ?? {};

/** One execution's static data for the node, as n8n reads it from what was saved. */
const readBack = (saved: SentKeys): IDataObject => ({ plivoPhloSentKeys: { ...saved } });

/** One execution of a workflow: opens its copy of the saved record, claims keys, closes, and is saved. */
async function execution(saved: SentKeys, keys: ProcessKeys, now: () => number, claims: string[], windowMinutes = 60) {
	const copy = readBack(saved);
	const store = new StaticDataStore(copy, () => keys, windowMinutes, now);
	const claimed: boolean[] = [];
	for (const key of claims) claimed.push(await store.claim(key));
	store.close();
	return { claimed, saved: savedRecord(copy) };
}

describe('Workflow Static Data store: what it holds is bounded', () => {
	it(`saves only the newest ${SAVED_MAX_KEYS} keys with the workflow, however many it has claimed`, async () => {
		let time = 0;
		const keys = new ProcessKeys();
		let saved: SentKeys = {};
		for (let i = 0; i < 3 * SAVED_MAX_KEYS; i++) {
			time += 10;
			({ saved } = await execution(saved, keys, () => time, [`event-${i}`]));
		}
		const savedKeys = Object.keys(saved);
		expect(savedKeys).toHaveLength(SAVED_MAX_KEYS);
		expect(savedKeys).toContain(`event-${3 * SAVED_MAX_KEYS - 1}`);
		expect(savedKeys).not.toContain(`event-${2 * SAVED_MAX_KEYS - 1}`);
		// The process still knows every key of the window.
		expect(keys.size).toBe(3 * SAVED_MAX_KEYS);
		expect((await execution(saved, keys, () => time, ['event-0'])).claimed).toEqual([false]);
	});

	it('keeps numeric keys in the order they were claimed (an object would sort them)', async () => {
		let time = 0;
		const keys = new ProcessKeys();
		let saved: SentKeys = {};
		for (let i = SAVED_MAX_KEYS + 5; i > 0; i--) {
			time += 1;
			({ saved } = await execution(saved, keys, () => time, [String(i)]));
		}
		expect(Object.keys(saved)).toHaveLength(SAVED_MAX_KEYS);
		expect(saved['1']).toBe(time);
		expect(saved[String(SAVED_MAX_KEYS + 5)]).toBeUndefined();
	});

	it(`holds at most ${PROCESS_MAX_KEYS} keys in memory, forgetting the oldest first`, () => {
		const keys = new ProcessKeys();
		const close = keys.open({}, 1440 * MINUTE, 0);
		for (let i = 0; i < PROCESS_MAX_KEYS + 10; i++) keys.claim(`k${i}`, 1);
		close();
		expect(keys.size).toBe(PROCESS_MAX_KEYS);
		expect(keys.claimedAt('k9', 1)).toBeUndefined();
		expect(keys.claimedAt('k10', 1)).toBe(1);
		expect(Object.keys(keys.saved(1))).toHaveLength(SAVED_MAX_KEYS);
	});

	it('forgets by claim time, oldest first, also the keys read back from a saved record', () => {
		const keys = new ProcessKeys();
		keys.open({}, 1440 * MINUTE, 0);
		for (let i = 0; i < SAVED_MAX_KEYS; i++) keys.claim(`new-${i}`, 10 * MINUTE + i);
		// Saved by another process before these were claimed: older, so they go first, not the newest here.
		keys.open({ 'old-1': 5 * MINUTE, 'old-2': 6 * MINUTE }, 1440 * MINUTE, 20 * MINUTE);
		const saved = Object.keys(keys.saved(20 * MINUTE));
		expect(saved).toHaveLength(SAVED_MAX_KEYS);
		expect(saved).toContain(`new-${SAVED_MAX_KEYS - 1}`);
		expect(saved).toContain('new-0');
		expect(saved).not.toContain('old-1');
		expect(keys.claimedAt('old-1', 20 * MINUTE)).toBe(5 * MINUTE);
	});

	it('knows after a restart the keys the workflow saved, within their window', async () => {
		const saved: SentKeys = { old: 0, recent: 50 * MINUTE };
		const restarted = new ProcessKeys();
		const { claimed } = await execution(saved, restarted, () => 61 * MINUTE, ['old', 'recent']);
		expect(claimed).toEqual([true, false]);
	});

	it('sees at once what an execution running beside it claimed, and both saved records carry both keys', async () => {
		const keys = new ProcessKeys();
		const a = readBack({});
		const b = readBack({});
		const storeA = new StaticDataStore(a, () => keys, 60, () => 1);
		const storeB = new StaticDataStore(b, () => keys, 60, () => 2);
		expect(await storeA.claim('ticket-1')).toBe(true);
		expect(await storeB.claim('ticket-1')).toBe(false);
		expect(await storeB.claim('ticket-2')).toBe(true);
		storeA.close();
		storeB.close();
		expect(Object.keys(savedRecord(a)).sort()).toEqual(['ticket-1', 'ticket-2']);
		expect(Object.keys(savedRecord(b)).sort()).toEqual(['ticket-1', 'ticket-2']);
	});

	it('a record saved after its Plivo node finished still holds the keys claimed since, by any execution', async () => {
		const keys = new ProcessKeys();
		const early = readBack({});
		const earlyStore = new StaticDataStore(early, () => keys, 60, () => 1);
		await earlyStore.claim('K1');
		earlyStore.close(); // its node is done; the execution goes on (a Wait node), and is saved last
		const later = readBack({});
		const laterStore = new StaticDataStore(later, () => keys, 60, () => 2);
		await laterStore.claim('K2');
		laterStore.close();
		expect(Object.keys(savedRecord(later)).sort()).toEqual(['K1', 'K2']);
		expect(Object.keys(savedRecord(early)).sort()).toEqual(['K1', 'K2']);
	});

	it('a released key is free again, leaves every record saved after, and is not read back from one saved before', async () => {
		const keys = new ProcessKeys();
		const record = readBack({});
		const store = new StaticDataStore(record, () => keys, 60, () => 1);
		await store.claim('x');
		const savedWhileClaimed = savedRecord(record);
		await store.release('x');
		expect(await store.claim('x')).toBe(true);
		await store.release('x');
		store.close();
		expect(savedRecord(record)).toEqual({});
		expect(savedWhileClaimed).toEqual({ x: 1 });
		const next = new StaticDataStore(readBack(savedWhileClaimed), () => keys, 60, () => 3);
		expect(await next.claim('x')).toBe(true);
	});
});

describe('ProcessDeduplication: what the process holds for every execution is dropped when unused', () => {
	it('drops a scope once its keys are past their window and nobody has it open', async () => {
		let time = 0;
		const process = new ProcessDeduplication(() => time);
		const store = new StaticDataStore(readBack({}), () => process.keysOf('wf:node'), 1, () => time);
		await store.claim('k');
		process.keysOf('other');
		expect(process.size.scopes).toBe(2);
		store.close();
		time += MINUTE;
		process.keysOf('other');
		expect(process.size.scopes).toBe(2); // its key is still within the window
		time += 1;
		process.keysOf('other');
		expect(process.size.scopes).toBe(1);
	});

	it('keeps a scope an execution has open, even without keys', () => {
		const process = new ProcessDeduplication(() => 0);
		const close = process.keysOf('wf:node').open({}, MINUTE, 0);
		process.keysOf('other');
		expect(process.size.scopes).toBe(2);
		close();
		process.keysOf('other');
		expect(process.size.scopes).toBe(1);
	});

	it('runs store calls of a scope one at a time, and drops the turn once it has settled', async () => {
		const process = new ProcessDeduplication(() => 0);
		const order: string[] = [];
		let release: () => void = () => undefined;
		const gate = new Promise<void>((done) => (release = done));
		const first = process.inTurn('s', async () => {
			await gate;
			order.push('first');
		});
		const second = process.inTurn('s', async () => {
			order.push('second');
			throw new Error('store down');
		});
		const third = process.inTurn('s', async () => order.push('third'));
		expect(process.size.turns).toBe(1);
		release();
		await first;
		await expect(second).rejects.toThrow('store down');
		await third;
		expect(order).toEqual(['first', 'second', 'third']);
		await new Promise((done) => setImmediate(done));
		expect(process.size.turns).toBe(0);
	});
});
