import { createHash } from 'node:crypto';

import { DataDeduplicationService } from 'n8n-core';
import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	IDataDeduplicator,
	IDeduplicationOutput,
} from 'n8n-workflow';

/**
 * n8n's processed-data store (what the n8n server plugs into n8n-core), in memory and faithful to
 * the part the node relies on: one list of md5 hashes per workflow and node, read, changed and
 * written back whole, trimmed to `maxEntries`. `beforeWrite` runs between the read and the write,
 * where another execution's write can land in the real store.
 */
export class MemoryProcessedData implements IDataDeduplicator {
	readonly lists = new Map<string, string[]>();
	beforeWrite: (() => Promise<void> | void) | undefined;
	/** Runs once a write has landed: where another process's late write can drop what was just written. */
	afterWrite: (() => void) | undefined;
	failWith: Error | undefined;
	/** Every key recorded, when, and whether it was new to the list. */
	readonly writes: Array<{ key: string; added: boolean; at: number }> = [];

	private static listKey(scope: DeduplicationScope, context: ICheckProcessedContextData): string {
		return `${context.workflow.id}|${scope === 'node' ? `n:${context.node?.id ?? ''}` : ''}`;
	}

	static hash(value: DeduplicationItemTypes): string {
		return createHash('md5').update(value.toString()).digest('base64');
	}

	has(workflowId: string, nodeId: string, value: string): boolean {
		return this.lists.get(`${workflowId}|n:${nodeId}`)?.includes(MemoryProcessedData.hash(value)) ?? false;
	}

	private async change(listKey: string, update: (list: string[]) => void): Promise<void> {
		if (this.failWith) throw this.failWith;
		const list = [...(this.lists.get(listKey) ?? [])];
		update(list);
		await this.beforeWrite?.();
		this.lists.set(listKey, list);
		this.afterWrite?.();
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		const output: IDeduplicationOutput = { new: [], processed: [] };
		await this.change(MemoryProcessedData.listKey(scope, context), (list) => {
			for (const item of items) {
				const hash = MemoryProcessedData.hash(item);
				if (list.includes(hash)) {
					output.processed.push(item);
				} else {
					output.new.push(item);
					list.push(hash);
				}
			}
			if (options.maxEntries) list.splice(0, Math.max(0, list.length - options.maxEntries));
		});
		const at = Date.now();
		for (const item of items) this.writes.push({ key: String(item), added: output.new.includes(item), at });
		return output;
	}

	async removeProcessed(items: DeduplicationItemTypes[], scope: DeduplicationScope, context: ICheckProcessedContextData): Promise<void> {
		await this.change(MemoryProcessedData.listKey(scope, context), (list) => {
			for (const item of items) {
				const index = list.indexOf(MemoryProcessedData.hash(item));
				if (index !== -1) list.splice(index, 1);
			}
		});
	}

	async clearAllProcessedItems(scope: DeduplicationScope, context: ICheckProcessedContextData): Promise<void> {
		this.lists.delete(MemoryProcessedData.listKey(scope, context));
	}

	async getProcessedDataCount(scope: DeduplicationScope, context: ICheckProcessedContextData): Promise<number> {
		return this.lists.get(MemoryProcessedData.listKey(scope, context))?.length ?? 0;
	}
}

let installed: MemoryProcessedData | undefined;

/** n8n-core allows one store per process: the first call installs it, later calls reset and reuse it. */
export async function useMemoryProcessedData(): Promise<MemoryProcessedData> {
	if (!installed) {
		installed = new MemoryProcessedData();
		await DataDeduplicationService.init(installed);
	}
	installed.lists.clear();
	installed.beforeWrite = undefined;
	installed.afterWrite = undefined;
	installed.failWith = undefined;
	installed.writes.length = 0;
	return installed;
}
