import {
	NodeApiError,
	NodeOperationError,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import {
	DEFAULT_CONCURRENCY,
	DEFAULT_REQUESTS_PER_SECOND,
	DEFAULT_TIMEOUT_MS,
} from '../descriptions/options';
import { DeduplicationWindow, type SentKeys, type SentKeyStore, type Settlement } from '../helpers/deduplication';
import { assertAllowedDestination, parseAllowedDestinations } from '../helpers/destinations';
import { failureDetails, PhloFailure, toolMessage, type FailureDetails, type Outcome } from '../helpers/failures';
import { runPool } from '../helpers/limiter';
import { createParameterReader, type ItemParameters } from '../helpers/parameters';
import { InputError } from '../helpers/validation';
import { N8nDatabaseStore } from '../storage/n8nDatabase';
import { PhloTransport } from '../transport';
import * as multiPartyCall from './multiPartyCall/MultiPartyCall.resource';
import type { PhloOperation, PlivoPhloResource } from './node.type';
import * as phlo from './phlo/Phlo.resource';

const resources: Record<PlivoPhloResource, Record<string, PhloOperation>> = {
	multiPartyCall: multiPartyCall.operations,
	phlo: phlo.operations,
};

type PhloNodeError = NodeApiError | NodeOperationError;

/**
 * The facts a person needs about a failed request, repeated in the message itself: n8n keeps only
 * the message in a failed item's `json` once the item is routed, on both release lines.
 */
function factsOf(details: FailureDetails): string {
	const facts = [
		details.outcome === 'unknown'
			? "outcome: unknown, Plivo may have acted: check its call logs before retrying"
			: `outcome: ${details.outcome}`,
	];
	for (const key of ['to', 'trigger_source', 'member_address', 'api_id'] as const) {
		if (details[key]) facts.push(`${key}: ${details[key]}`);
	}
	return `(${facts.join('; ')})`;
}

/** Every failure becomes an n8n error carrying the item index and, in its context, the failure's details. */
export function toNodeError(node: INode, error: unknown, itemIndex: number): PhloNodeError {
	if (error instanceof PhloFailure) {
		const nodeError = new NodeApiError(node, error.details as JsonObject, {
			message: `${error.message} ${factsOf(error.details)}`,
			description: error.description,
			httpCode: error.details.status === undefined ? undefined : String(error.details.status),
			itemIndex,
		});
		nodeError.context.details = error.details;
		return nodeError;
	}
	if (error instanceof InputError) {
		const nodeError = new NodeOperationError(node, `${error.message} [item ${itemIndex}]`, {
			description: `Parameter "${error.field}". Nothing was sent to Plivo for this item.`,
			itemIndex,
		});
		nodeError.context.details = failureDetails('not_sent', itemIndex, {}, { field: error.field });
		return nodeError;
	}
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(node, error instanceof Error ? error.message : String(error), {
		itemIndex,
	});
}

/**
 * The item "Continue On Fail" puts in place of a failed one. Once n8n routes or continues it, its
 * `json` is cut down to `error` on both release lines, which is why the message carries the facts;
 * `item.error` keeps the description and the details.
 */
export function errorItem(error: PhloNodeError, itemIndex: number): INodeExecutionData {
	const details = (error.context.details as FailureDetails | undefined) ?? { item_index: itemIndex };
	return { json: { error: error.message, details }, error, pairedItem: { item: itemIndex } };
}

/** Run-wide settings come from the first item: they pace the whole run, so they cannot differ per item. */
interface RunSettings {
	concurrency: number;
	requestsPerSecond: number;
}

function positiveNumber(field: string, value: unknown, minimum: number, label: string): number {
	if (typeof value === 'number' && Number.isFinite(value) && value >= minimum) return value;
	throw new InputError(field, `${label} must be a number of at least ${minimum}; got ${JSON.stringify(value)}`);
}

function readRunSettings(parameters: ItemParameters): RunSettings {
	const concurrency = positiveNumber(
		'concurrency',
		parameters('options.concurrency', DEFAULT_CONCURRENCY),
		1,
		'Concurrency',
	);
	return {
		concurrency: Math.floor(concurrency),
		requestsPerSecond: positiveNumber(
			'maxRequestsPerSecond',
			parameters('options.maxRequestsPerSecond', DEFAULT_REQUESTS_PER_SECOND),
			0,
			'Max Requests per Second',
		),
	};
}

const STATIC_DATA_KEY = 'plivoPhloSentKeys';

interface Deduplication {
	store: SentKeyStore;
	/** The item's key; '' leaves the item out of deduplication. */
	keyOf(itemIndex: number, parameters: ItemParameters): string;
}

const userKeyOf = (parameters: ItemParameters): string => String(parameters('options.deduplicationKey', '') ?? '').trim();

/**
 * Deduplication for this run, when the Deduplication Key option is set or the shared store is
 * chosen. In the shared store an item without a key of its own is keyed by its place in this
 * execution, so an execution that n8n runs again after its worker died (n8n 1.x re-runs a stalled
 * job once) skips what the first attempt sent.
 */
function openDeduplication(context: IExecuteFunctions, parameters: ItemParameters): Deduplication | undefined {
	if (parameters('options.deduplicationStore', 'staticData') === 'n8nDatabase') {
		const place = `execution:${context.getExecutionId()}:${context.getNode().id}:${context.getWorkflowDataProxy(0).$runIndex}`;
		return { store: new N8nDatabaseStore(context.helpers), keyOf: (itemIndex, item) => userKeyOf(item) || `${place}:${itemIndex}` };
	}
	const options = context.getNode().parameters.options;
	if (typeof options !== 'object' || options === null || !('deduplicationKey' in options) || options.deduplicationKey === '') {
		return undefined;
	}
	const minutes = positiveNumber(
		'deduplicationWindowMinutes',
		parameters('options.deduplicationWindowMinutes', 60),
		1,
		'Deduplication Window',
	);
	const staticData = context.getWorkflowStaticData('node');
	const sent = (staticData[STATIC_DATA_KEY] ??= {}) as SentKeys;
	return { store: new DeduplicationWindow(sent, minutes, () => Date.now()), keyOf: (_, item) => userKeyOf(item) };
}

const outcomeOf = (error: PhloNodeError): Outcome | undefined =>
	(error.context.details as FailureDetails | undefined)?.outcome;

export async function router(
	this: IExecuteFunctions,
	continueOnFail: boolean,
): Promise<INodeExecutionData[][]> {
	const node = this.getNode();
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as PlivoPhloResource;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = resources[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(node, `The operation "${operationName}" is not supported for "${resource}"`);
	}
	/** As an AI agent's tool, n8n gives the node a type ending in `Tool`. */
	const asTool = node.type.endsWith('Tool');
	const parametersOf = createParameterReader(this);

	let transport: PhloTransport | undefined;
	let settings: RunSettings = { concurrency: 1, requestsPerSecond: 0 };
	let deduplication: Deduplication | undefined;
	let openingError: unknown;
	try {
		settings = readRunSettings(parametersOf(0));
		deduplication = openDeduplication(this, parametersOf(0));
		transport = await PhloTransport.open(this, settings.requestsPerSecond);
	} catch (error) {
		openingError = error;
	}

	let allowed: { text: string; patterns: RegExp[] } | undefined;
	const sendItem = async (itemIndex: number): Promise<INodeExecutionData> => {
		if (!transport) throw toNodeError(node, openingError, itemIndex);
		const parameters = parametersOf(itemIndex);
		const request = operation.prepare(parameters, transport.account);
		const allowedPatterns = String(parameters('options.allowedDestinations', ''));
		if (allowed?.text !== allowedPatterns) allowed = { text: allowedPatterns, patterns: parseAllowedDestinations(allowedPatterns) };
		assertAllowedDestination('to', request.target.to, allowed.patterns, allowedPatterns);
		const timeout = positiveNumber('timeout', parameters('options.timeout', DEFAULT_TIMEOUT_MS), 1, 'Timeout');

		const key = deduplication?.keyOf(itemIndex, parameters) ?? '';
		if (key && deduplication) {
			const claim = await deduplication.store.claim(key).catch((error: unknown) => {
				// The store's own words go in the description: n8n swaps a message naming a network code for a generic one.
				const storeError = new NodeOperationError(node, `Could not record the deduplication key, so nothing was sent [item ${itemIndex}]`, {
					description: `The deduplication store answered: ${error instanceof Error ? error.message : String(error)}. Check that n8n can reach its database, then run the item again.`,
					itemIndex,
				});
				storeError.context.details = failureDetails('not_sent', itemIndex, request.target);
				throw storeError;
			});
			if (!claim.claimed) {
				return { json: { skipped: 'duplicate', key }, pairedItem: { item: itemIndex } };
			}
		}
		const sent = await transport.send(request, { itemIndex, timeout }).then(
			(json) => ({ json }),
			(error: unknown) => ({ error }),
		);
		const settle = async (settlement: Settlement): Promise<void> => {
			if (!key || !deduplication) return;
			// A key that cannot be settled stays claimed: it blocks a re-send, which is the safe side.
			await deduplication.store.settle(key, settlement).catch((error: unknown) => {
				this.logger.warn(`Plivo PHLO: could not record the outcome of key "${key}": ${String(error)}`);
			});
		};
		if ('json' in sent) {
			await settle({ state: 'sent' });
			return { json: sent.json, pairedItem: { item: itemIndex } };
		}
		const mayHaveActed = sent.error instanceof PhloFailure && sent.error.details.outcome === 'unknown';
		await settle(mayHaveActed ? { state: 'unknown' } : { state: 'released' });
		throw toNodeError(node, sent.error, itemIndex);
	};

	const results: INodeExecutionData[] = new Array(items.length);
	let firstFailure: { itemIndex: number; error: PhloNodeError } | undefined;
	const cancelled = () => this.getExecutionCancelSignal()?.aborted === true;

	await runPool(
		items.length,
		settings.concurrency,
		async (itemIndex) => {
			try {
				results[itemIndex] = await sendItem(itemIndex);
			} catch (error) {
				const nodeError = toNodeError(node, error, itemIndex);
				if (asTool) nodeError.message = toolMessage(outcomeOf(nodeError), nodeError.message.replace(/ \[item \d+\]| \(outcome: [^)]*\)$/g, ''));
				if (continueOnFail) {
					results[itemIndex] = errorItem(nodeError, itemIndex);
				} else if (!firstFailure || itemIndex < firstFailure.itemIndex) {
					firstFailure = { itemIndex, error: nodeError };
				}
			}
		},
		() => cancelled() || (firstFailure !== undefined && !continueOnFail),
	);

	if (cancelled()) throw new NodeOperationError(node, 'The execution was cancelled before every item was sent');
	if (firstFailure) throw firstFailure.error;
	return [results];
}
