import {
	NodeApiError,
	NodeOperationError,
	type INode,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import {
	failureFacts,
	HeldBackFailure,
	InputError,
	PhloFailure,
	plainWording,
	StoreFailure,
	type FailureDetails,
	type FailureFacts,
	type Outcome,
	type Wording,
} from './failures';

export type PhloNodeError = NodeApiError | NodeOperationError;

/** Who reads a failure: a person in n8n, or an AI agent that called the node as a tool. */
export type Audience = 'person' | 'tool';

/**
 * The facts a person needs about a failed request, repeated in the message itself: n8n keeps only
 * the message in a failed item's `json` once the item is routed, on both release lines.
 */
function factsOf(details: FailureDetails): string {
	const facts = [
		details.outcome === 'unknown'
			? 'outcome: unknown, Plivo may have acted: check its call logs before retrying'
			: `outcome: ${details.outcome}`,
	];
	for (const key of ['to', 'trigger_source', 'member_address', 'api_id'] as const) {
		if (details[key]) facts.push(`${key}: ${details[key]}`);
	}
	return `(${facts.join('; ')})`;
}

/** What an AI agent gets instead of the full message: short, and plain about what it must not do. */
function toolMessage(outcome: Outcome | undefined, reason: string): string {
	if (outcome === 'unknown') {
		return `Outcome unknown: ${reason}. The call may have been placed. Do not retry: a person must check Plivo's call logs.`;
	}
	if (outcome === 'rejected') return `Refused by Plivo, nothing was done: ${reason}.`;
	return `Not sent, nothing was done: ${reason}.`;
}

/** Where the item index enters a failure's words and facts: nowhere else. */
const placed = (facts: FailureFacts, itemIndex: number): FailureDetails => {
	const { outcome, ...rest } = facts;
	return { outcome, item_index: itemIndex, ...rest };
};

const itemWording = ({ summary, detail }: Wording, itemIndex: number): string =>
	`${summary} [item ${itemIndex}]${detail ? `: ${detail}` : ''}`;

function messageFor(audience: Audience, wording: Wording, details: FailureDetails, withFacts: boolean): string {
	if (audience === 'tool') return toolMessage(details.outcome, plainWording(wording));
	const message = itemWording(wording, details.item_index);
	return withFacts ? `${message} ${factsOf(details)}` : message;
}

/** A failure nothing was sent for, as n8n shows it: the field or the store at fault, and the item. */
function notSentError(node: INode, wording: Wording, description: string, details: FailureDetails, audience: Audience): NodeOperationError {
	const nodeError = new NodeOperationError(node, messageFor(audience, wording, details, false), {
		description,
		itemIndex: details.item_index,
	});
	nodeError.context.details = details;
	return nodeError;
}

/**
 * Every failure becomes an n8n error carrying the item index and, in its context, the failure's
 * details. The one place a failure's message is built, and the one place it learns its item.
 */
export function toNodeError(node: INode, error: unknown, itemIndex: number, audience: Audience): PhloNodeError {
	if (error instanceof PhloFailure) {
		const details = placed(error.facts, itemIndex);
		const nodeError = new NodeApiError(node, details as JsonObject, {
			message: messageFor(audience, error.wording, details, true),
			description: error.description,
			httpCode: details.status === undefined ? undefined : String(details.status),
			itemIndex,
		});
		nodeError.context.details = details;
		return nodeError;
	}
	if (error instanceof InputError) {
		const details = placed(failureFacts('not_sent', {}, { field: error.field }), itemIndex);
		const description = `Parameter "${error.field}". Nothing was sent to Plivo for this item.`;
		return notSentError(node, { summary: error.message }, description, details, audience);
	}
	if (error instanceof HeldBackFailure) {
		const details = placed(error.facts, itemIndex);
		const description = `Nothing was sent to Plivo for this item. It can be sent again from ${details.retryAt ?? 'later'}.`;
		return notSentError(node, error.wording, description, details, audience);
	}
	if (error instanceof StoreFailure) {
		// The store's own words go in the description: n8n swaps a message naming a network code for a generic one.
		const description = `The deduplication store answered: ${error.storeMessage}. Check that n8n can reach its database, then run the item again.`;
		return notSentError(node, { summary: error.message }, description, placed(failureFacts('not_sent', error.target), itemIndex), audience);
	}
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		if (audience === 'tool') error.message = toolMessage(undefined, error.message);
		return error;
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, audience === 'tool' ? toolMessage(undefined, message) : message, { itemIndex });
}

/**
 * The item "Continue On Fail" puts in place of a failed one, at the index `toNodeError` gave it. Once
 * n8n routes or continues it, its `json` is cut down to `error` on both release lines, which is why
 * the message carries the facts; `item.error` keeps the description and the details.
 */
export function errorItem(error: PhloNodeError): INodeExecutionData {
	const itemIndex = Number(error.context.itemIndex);
	const details = (error.context.details as FailureDetails | undefined) ?? { item_index: itemIndex };
	return { json: { error: error.message, details }, error, pairedItem: { item: itemIndex } };
}
