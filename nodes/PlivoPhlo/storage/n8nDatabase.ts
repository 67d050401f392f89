import type { DeduplicationHelperFunctions, ICheckProcessedOptions } from 'n8n-workflow';

import { SHARED_STORE_MAX_KEYS } from '../helpers/defaults';
import { processDeduplication } from './inProcess';
import type { SentKeyStore } from './sentKeyStore';

const ENTRIES: ICheckProcessedOptions = { mode: 'entries', maxEntries: SHARED_STORE_MAX_KEYS };

/** How long after writing a claim it is read back, and how often at most: long enough for another process's write in flight to land. */
const CONFIRM_AFTER_MS = 100;
const CONFIRM_ROUNDS = 5;

type ProcessedDataHelpers = Pick<DeduplicationHelperFunctions, 'checkProcessedAndRecord' | 'removeProcessed'>;

/**
 * n8n creates a node's list with an INSERT when it writes the first key: two processes doing so at once
 * collide on the table's unique index (SQLite and PostgreSQL words). The losing write changed nothing,
 * so it is safe to make again, and the list now exists.
 */
const LIST_CREATED_MEANWHILE = /UNIQUE constraint failed|duplicate key value violates unique constraint/i;

/**
 * Sent keys in n8n's own database, through the store n8n's Remove Duplicates node uses: shared by
 * main and every worker in queue mode, and written before each request rather than when the
 * execution ends, so an execution that dies midway has recorded what it sent.
 *
 * n8n keeps one list per node and rewrites it whole on every change. Within this process every
 * execution's writes take their turn one at a time. Another process (a queue-mode worker) writing in
 * the same moment can still overwrite the list and drop a key: a claimed key is therefore read back
 * (by writing it again) after a moment, and written again until it holds, before its request is sent;
 * a kept key is written again once Plivo has answered.
 */
export class N8nDatabaseStore implements SentKeyStore {
	constructor(
		private readonly helpers: ProcessedDataHelpers,
		private readonly scope: string,
		private readonly pause: (ms: number) => Promise<void>,
		/** Read claims back: for keys other executions may also claim (a user's key), not for keys only this run uses. */
		private readonly confirm: boolean,
	) {}

	/** Writes the key; true when it was not in the list. */
	private async record(key: string): Promise<boolean> {
		const write = async () => await processDeduplication.inTurn(this.scope, async () => await this.helpers.checkProcessedAndRecord([key], 'node', ENTRIES));
		const { new: added } = await write().catch(async (error: unknown) => {
			if (!(error instanceof Error && LIST_CREATED_MEANWHILE.test(error.message))) throw error;
			return await write();
		});
		return added.length > 0;
	}

	/** n8n's store answers only by recording the key, which a dry run must not do. */
	async wouldSkip(): Promise<undefined> {
		return undefined;
	}

	async claim(key: string): Promise<boolean> {
		if (!(await this.record(key))) return false;
		for (let round = 0; this.confirm && round < CONFIRM_ROUNDS; round++) {
			await this.pause(CONFIRM_AFTER_MS);
			if (!(await this.record(key))) break;
		}
		return true;
	}

	async keep(key: string): Promise<void> {
		await this.record(key);
	}

	async release(key: string): Promise<void> {
		await processDeduplication.inTurn(this.scope, async () => await this.helpers.removeProcessed([key], 'node', ENTRIES));
	}

	close(): void {}
}
