import type { DeduplicationHelperFunctions, ICheckProcessedOptions } from 'n8n-workflow';

import type { Claim, SentKeyStore, Settlement } from '../helpers/deduplication';

/** n8n's store keeps this many keys per node, the most recent ones. */
export const SHARED_STORE_MAX_KEYS = 10_000;

const ENTRIES: ICheckProcessedOptions = { mode: 'entries', maxEntries: SHARED_STORE_MAX_KEYS };

type ProcessedDataHelpers = Pick<DeduplicationHelperFunctions, 'checkProcessedAndRecord' | 'removeProcessed'>;

/**
 * Sent keys in n8n's own database, through the store n8n's Remove Duplicates node uses: shared by
 * main and every worker in queue mode, and written before each request rather than when the
 * execution ends, so an execution that dies midway has recorded what it sent.
 *
 * n8n keeps one list per node and rewrites it on every change. This node's own writes are made
 * one at a time; another execution writing in the same moment can still overwrite the list, so a
 * key is written again once Plivo has answered, which restores it if it was dropped.
 */
export class N8nDatabaseStore implements SentKeyStore {
	private queue: Promise<unknown> = Promise.resolve();

	constructor(private readonly helpers: ProcessedDataHelpers) {}

	private inTurn<T>(task: () => Promise<T>): Promise<T> {
		const result = this.queue.then(task, task);
		this.queue = result.catch(() => undefined);
		return result;
	}

	async claim(key: string): Promise<Claim> {
		const { new: added } = await this.inTurn(() => this.helpers.checkProcessedAndRecord([key], 'node', ENTRIES));
		return added.length ? { claimed: true } : { claimed: false };
	}

	async settle(key: string, settlement: Settlement): Promise<void> {
		if (settlement.state === 'released') {
			await this.inTurn(() => this.helpers.removeProcessed([key], 'node', ENTRIES));
		} else {
			await this.inTurn(() => this.helpers.checkProcessedAndRecord([key], 'node', ENTRIES));
		}
	}
}
