import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { OPTION_DEFAULTS } from '../helpers/defaults';
import type { ItemParameters } from '../helpers/parameters';
import { PhloFailure, StoreFailure, type RequestTarget } from '../helpers/failures';
import { parseNumberOption } from '../helpers/validation';
import type { SentKeyStore } from '../storage/sentKeyStore';
import type { PhloTransport } from '../transport';
import { rehearse } from './dryRun';
import { createGuards } from './guards';
import type { PhloOperation } from './node.type';

export interface Deduplication {
	store: SentKeyStore;
	/** The item's key; '' leaves the item out of deduplication. */
	keyOf(itemIndex: number, parameters: ItemParameters): string;
}

interface OpenedRun {
	parametersOf: (itemIndex: number) => ItemParameters;
	transport: PhloTransport;
	deduplication: Deduplication | undefined;
	/** Send nothing: output what would be sent and what each guard says. */
	dryRun: boolean;
}

/** Claims the key, or fails the item as not sent when the store cannot record it. */
async function claimOrFail(store: SentKeyStore, key: string, target: RequestTarget): Promise<boolean> {
	const claim = await store.claim(key).then(
		(claimed) => ({ claimed }),
		(error: unknown) => ({ error }),
	);
	if ('claimed' in claim) return claim.claimed;
	throw new StoreFailure(claim.error instanceof Error ? claim.error.message : String(claim.error), target);
}

/**
 * One item's way to Plivo: build its request (nothing is sent for a value that cannot be), pass the
 * guards (Allowed Destinations, Calling Hours), claim its deduplication key, send, then keep or free
 * the key by what Plivo answered. Returns the output item; throws what made the item fail. In a dry
 * run the item stops before the key is claimed, with what would have been sent.
 */
export function createItemSender(
	context: IExecuteFunctions,
	operation: PhloOperation,
	{ parametersOf, transport, deduplication, dryRun }: OpenedRun,
): (itemIndex: number) => Promise<INodeExecutionData> {
	const checkGuards = createGuards();

	return async (itemIndex) => {
		const parameters = parametersOf(itemIndex);
		const request = operation.prepare(parameters, transport.account);
		const guards = checkGuards(request, parameters);
		const timeout = parseNumberOption('timeout', parameters('options.timeout', OPTION_DEFAULTS.timeout), 1);

		const key = deduplication?.keyOf(itemIndex, parameters) ?? '';
		const store = key ? deduplication?.store : undefined;
		if (dryRun) return { json: await rehearse(request, guards, { store, key }, transport), pairedItem: { item: itemIndex } };
		if (store && !(await claimOrFail(store, key, request.target))) {
			return { json: { skipped: 'duplicate', key }, pairedItem: { item: itemIndex } };
		}
		const sent = await transport.send(request, timeout).then(
			(json) => ({ json }),
			(error: unknown) => ({ error }),
		);
		const mayHaveActed = 'json' in sent || (sent.error instanceof PhloFailure && sent.error.facts.outcome === 'unknown');
		if (store) {
			// A key that cannot be released stays claimed: it blocks a re-send, which is the safe side.
			await (mayHaveActed ? store.keep(key) : store.release(key)).catch((error: unknown) => {
				context.logger.warn(`Plivo PHLO: could not record the outcome of key "${key}": ${String(error)}`);
			});
		}
		if ('json' in sent) return { json: sent.json, pairedItem: { item: itemIndex } };
		throw sent.error;
	};
}
