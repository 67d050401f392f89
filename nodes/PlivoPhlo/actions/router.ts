import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { errorItem, toNodeError, type PhloNodeError } from '../helpers/nodeErrors';
import { runPool } from '../helpers/pool';
import * as multiPartyCall from './multiPartyCall/MultiPartyCall.resource';
import type { PhloOperation, PlivoPhloResource } from './node.type';
import { openRun } from './openRun';
import * as phlo from './phlo/Phlo.resource';

const resources: Record<PlivoPhloResource, Record<string, PhloOperation>> = {
	multiPartyCall: multiPartyCall.operations,
	phlo: phlo.operations,
};

function findOperation(context: IExecuteFunctions): PhloOperation {
	const resource = context.getNodeParameter('resource', 0) as PlivoPhloResource;
	const operation = context.getNodeParameter('operation', 0) as string;
	const found = resources[resource]?.[operation];
	if (!found) {
		throw new NodeOperationError(context.getNode(), `The operation "${operation}" is not supported for "${resource}"`);
	}
	return found;
}

/**
 * Sends every item, at most `concurrency` at a time, and returns one output item per input item, in
 * order. With Continue On Fail a failed item is output in its place; without it the node stops at the
 * first failed item (the lowest index among those in flight) and starts no more.
 */
export async function router(this: IExecuteFunctions, continueOnFail: boolean): Promise<INodeExecutionData[][]> {
	const node = this.getNode();
	const run = await openRun(this, findOperation(this));
	const count = this.getInputData().length;
	const results: INodeExecutionData[] = new Array(count);
	let firstFailure: { itemIndex: number; error: PhloNodeError } | undefined;
	const cancelled = () => this.getExecutionCancelSignal()?.aborted === true;

	const sendItem = async (itemIndex: number): Promise<void> => {
		try {
			results[itemIndex] = await run.sendItem(itemIndex);
		} catch (error) {
			const nodeError = toNodeError(node, error, itemIndex, run.audience);
			if (continueOnFail) results[itemIndex] = errorItem(nodeError);
			else if (!firstFailure || itemIndex < firstFailure.itemIndex) firstFailure = { itemIndex, error: nodeError };
		}
	};
	try {
		await runPool(count, run.concurrency, sendItem, () => cancelled() || (firstFailure !== undefined && !continueOnFail));
	} finally {
		run.close();
	}

	if (cancelled()) throw new NodeOperationError(node, 'The execution was cancelled before every item was sent');
	if (firstFailure) throw firstFailure.error;
	return [results];
}
