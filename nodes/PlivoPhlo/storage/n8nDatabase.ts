import type { DeduplicationHelperFunctions, ICheckProcessedOptions } from 'n8n-workflow';

import { SHARED_STORE_MAX_KEYS } from '../helpers/defaults';
import type { SentKeyStore } from './sentKeyStore';

const ENTRIES: ICheckProcessedOptions = { mode: 'entries', maxEntries: SHARED_STORE_MAX_KEYS };

type ProcessedDataHelpers = Pick<DeduplicationHelperFunctions, 'checkProcessedAndRecord' | 'removeProcessed'>;

/**
 * Sent keys in n8n's own database, through the store n8n's Remove Duplicates node uses: shared by
 * main and every worker in queue mode, and written before each request rather than when the
 * execution ends, so an execution that dies midway has recorded what it sent.
 *
 * n8n keeps one list per node and rewrites it on every change. This node's own writes are made
 * one at a time; another execution writing in the same moment can still overwrite the list, so a
 * kept key is written again once Plivo has answered, which restores it if it was dropped.
 */
export class N8nDatabaseStore implements SentKeyStore {
	private queue: Promise<unknown> = Promise.resolve();

	constructor(private readonly helpers: ProcessedDataHelpers) {}

	private inTurn<T>(task: () => Promise<T>): Promise<T> {
		const result = this.queue.then(task, task);
		this.queue = result.catch(() => undefined);
		return result;
	}

	async claim(key: string): Promise<boolean> {
		const { new: added } = await this.inTurn(() => this.helpers.checkProcessedAndRecord([key], 'node', ENTRIES));
		return added.length > 0;
	}

	async keep(key: string): Promise<void> {
		await this.inTurn(() => this.helpers.checkProcessedAndRecord([key], 'node', ENTRIES));
	}

	async release(key: string): Promise<void> {
		await this.inTurn(() => this.helpers.removeProcessed([key], 'node', ENTRIES));
	}
}
