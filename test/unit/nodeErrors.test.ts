import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';

import { failureFacts, InputError, PhloFailure, StoreFailure } from '../../nodes/PlivoPhlo/helpers/failures';
import { errorItem, toNodeError } from '../../nodes/PlivoPhlo/helpers/nodeErrors';
import { PLIVO_NODE_TYPE } from '../support/workflows';

const node: INode = { id: 'n', name: 'Plivo PHLO', type: PLIVO_NODE_TYPE, typeVersion: 1, position: [0, 0], parameters: {} };
const target = { to: '+14155551234', trigger_source: '+14155550000' };

/** A person and an AI agent read the same failure: both messages are built from the same parts. */
describe('toNodeError', () => {
	const refused = new PhloFailure(
		{ summary: 'Plivo PHLO error (HTTP 404)', detail: 'member not found' },
		'Check the PHLO ID.',
		failureFacts('rejected', target, { status: 404, api_id: 'a-1' }),
	);

	it("gives a person Plivo's words, the item, and the facts, in an n8n API error", () => {
		const error = toNodeError(node, refused, 3, 'person');
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'Plivo PHLO error (HTTP 404) [item 3]: member not found (outcome: rejected; to: +14155551234; trigger_source: +14155550000; api_id: a-1)',
		);
		expect(error).toMatchObject({ description: 'Check the PHLO ID.', httpCode: '404' });
		expect(error.context).toMatchObject({ itemIndex: 3, details: { ...refused.facts, item_index: 3 } });
	});

	it('is the one place the item index enters: the same failure placed on two items', () => {
		expect(refused.message).toBe('Plivo PHLO error (HTTP 404): member not found');
		expect(toNodeError(node, refused, 7, 'person').message).toMatch(/^Plivo PHLO error \(HTTP 404\) \[item 7\]: member not found /);
		expect(toNodeError(node, refused, 8, 'person').context.details).toMatchObject({ item_index: 8 });
	});

	it('gives a tool the same words, short, without the item or the facts', () => {
		expect(toNodeError(node, refused, 3, 'tool').message).toBe('Refused by Plivo, nothing was done: Plivo PHLO error (HTTP 404): member not found.');
		const unknown = new PhloFailure({ summary: 'Could not complete the request to Plivo PHLO at h: no answer within 5 ms' }, '', failureFacts('unknown', target));
		expect(toNodeError(node, unknown, 0, 'tool').message).toBe(
			"Outcome unknown: Could not complete the request to Plivo PHLO at h: no answer within 5 ms. The call may have been placed. Do not retry: a person must check Plivo's call logs.",
		);
		expect(toNodeError(node, unknown, 0, 'person').message).toBe(
			'Could not complete the request to Plivo PHLO at h: no answer within 5 ms [item 0] (outcome: unknown, Plivo may have acted: check its call logs before retrying; to: +14155551234; trigger_source: +14155550000)',
		);
	});

	it('names the field of bad input, for a person and for a tool', () => {
		const input = new InputError('to', 'To "x" is not a phone number');
		const error = toNodeError(node, input, 1, 'person');
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('To "x" is not a phone number [item 1]');
		expect(error.description).toBe('Parameter "to". Nothing was sent to Plivo for this item.');
		expect(error.context.details).toEqual({ outcome: 'not_sent', item_index: 1, field: 'to' });
		expect(toNodeError(node, input, 1, 'tool').message).toBe('Not sent, nothing was done: To "x" is not a phone number.');
	});

	it("puts the deduplication store's own words in the description", () => {
		const error = toNodeError(node, new StoreFailure('connect ECONNREFUSED', target), 2, 'person');
		expect(error.message).toBe('Could not record the deduplication key, so nothing was sent [item 2]');
		expect(error.description).toContain('The deduplication store answered: connect ECONNREFUSED.');
		expect(error.context.details).toEqual({ outcome: 'not_sent', item_index: 2, ...target });
		expect(toNodeError(node, new StoreFailure('x', target), 2, 'tool').message).toBe(
			'Not sent, nothing was done: Could not record the deduplication key, so nothing was sent.',
		);
	});

	it("keeps n8n's own errors, adding the item index", () => {
		const own = new NodeOperationError(node, 'Credentials not found');
		expect(toNodeError(node, own, 4, 'person')).toBe(own);
		expect(own.context.itemIndex).toBe(4);
		const anything = toNodeError(node, new TypeError('boom'), 5, 'person');
		expect(anything).toBeInstanceOf(NodeOperationError);
		expect(anything).toMatchObject({ message: 'boom', context: { itemIndex: 5 } });
	});
});

describe('errorItem', () => {
	it('keeps the message and the details in json, the error beside it, paired to its input item', () => {
		const error = toNodeError(node, new InputError('role', 'Role "boss" is not allowed'), 6, 'person');
		expect(errorItem(error)).toEqual({
			json: { error: 'Role "boss" is not allowed [item 6]', details: { outcome: 'not_sent', item_index: 6, field: 'role' } },
			error,
			pairedItem: { item: 6 },
		});
	});
});
