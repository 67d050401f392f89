import {
	NodeApiError,
	NodeOperationError,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { DEFAULT_TIMEOUT_MS } from '../descriptions/options';
import { failureDetails, PhloFailure, type FailureDetails } from '../helpers/failures';
import { InputError } from '../helpers/validation';
import { PhloTransport } from '../transport';
import * as multiPartyCall from './multiPartyCall/MultiPartyCall.resource';
import type { PhloOperation, PlivoPhloResource } from './node.type';
import * as phlo from './phlo/Phlo.resource';

const resources: Record<PlivoPhloResource, Record<string, PhloOperation>> = {
	multiPartyCall: multiPartyCall.operations,
	phlo: phlo.operations,
};

type PhloNodeError = NodeApiError | NodeOperationError;

/** Every failure becomes an n8n error carrying the item index and, in its context, the failure's details. */
export function toNodeError(node: INode, error: unknown, itemIndex: number): PhloNodeError {
	if (error instanceof PhloFailure) {
		const nodeError = new NodeApiError(node, error.details as JsonObject, {
			message: error.message,
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
 * The item "Continue On Fail" puts in place of a failed one. `json` keeps only `error` and
 * `details`, the keys n8n's engine leaves an item with when it routes it to the error output.
 */
export function errorItem(error: PhloNodeError, itemIndex: number): INodeExecutionData {
	const details = (error.context.details as FailureDetails | undefined) ?? { item_index: itemIndex };
	return { json: { error: error.message, details }, error, pairedItem: { item: itemIndex } };
}

function readTimeout(context: IExecuteFunctions, itemIndex: number): number {
	const timeout = context.getNodeParameter('options.timeout', itemIndex, DEFAULT_TIMEOUT_MS);
	if (typeof timeout === 'number' && Number.isFinite(timeout) && timeout >= 1) return timeout;
	throw new InputError('timeout', `Timeout must be a number of milliseconds of at least 1; got ${String(timeout)}`);
}

export async function router(
	this: IExecuteFunctions,
	continueOnFail: boolean,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as PlivoPhloResource;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = resources[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(this.getNode(), `The operation "${operationName}" is not supported for "${resource}"`);
	}

	let transport: PhloTransport | undefined;
	let openingError: unknown;
	try {
		transport = await PhloTransport.open(this);
	} catch (error) {
		openingError = error;
	}

	const results: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			if (!transport) throw toNodeError(this.getNode(), openingError, itemIndex);
			const request = operation.prepare(this, itemIndex, transport.account);
			const json = await transport.send(request, {
				itemIndex,
				timeout: readTimeout(this, itemIndex),
			});
			results.push({ json, pairedItem: { item: itemIndex } });
		} catch (error) {
			if (this.getExecutionCancelSignal()?.aborted) {
				throw new NodeOperationError(this.getNode(), 'The execution was cancelled', { itemIndex });
			}
			const nodeError = toNodeError(this.getNode(), error, itemIndex);
			if (!continueOnFail) throw nodeError;
			results.push(errorItem(nodeError, itemIndex));
		}
	}
	return [results];
}
