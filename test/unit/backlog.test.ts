import { backlogWarning, BURSTS_DOC_URL, handedBack } from '../../nodes/PlivoPhlo/helpers/backlog';
import { InputError } from '../../nodes/PlivoPhlo/helpers/failures';
import { toNodeError } from '../../nodes/PlivoPhlo/helpers/nodeErrors';
import { parsePaceSettings } from '../../nodes/PlivoPhlo/helpers/paceSettings';
import { PLIVO_NODE_TYPE } from '../support/workflows';
import { thrownBy } from '../support/thrown';

const node = { id: 'n', name: 'Plivo PHLO', type: PLIVO_NODE_TYPE, typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
const now = Date.parse('2026-12-06T05:00:00.000Z');

describe('an item handed back because its turn on the pace is too far off', () => {
	const failure = handedBack(
		{ waiting: 24, turnInMs: 12_500, retryInMs: 24_200, requestsPerSecond: 2 },
		{ now, maxWaitSeconds: 10, target: { to: '+14155551234' } },
	);

	it('is not_sent, with when to send it again in whole seconds and as a time', () => {
		expect(failure.facts).toEqual({ outcome: 'not_sent', to: '+14155551234', retryAt: '2026-12-06T05:00:25.000Z', retryAfterSeconds: 25 });
	});

	it('tells a person how many wait, how far off the turn was, the limit, and when to send it again', () => {
		const error = toNodeError(node, failure, 4, 'person');
		expect(error.message).toBe(
			"The Plivo account's pace has a backlog [item 4]: 24 requests wait for a turn at 2 per second, so this one would start in 12.5 s, past Max Wait for Turn (10 s). Nothing was sent: send it again in 25 s (2026-12-06T05:00:25.000Z)",
		);
		expect(error.context.details).toEqual({ outcome: 'not_sent', item_index: 4, to: '+14155551234', retryAt: '2026-12-06T05:00:25.000Z', retryAfterSeconds: 25 });
		expect(error.description).toContain('Nothing was sent to Plivo');
	});

	it('tells an AI agent the same in one sentence that says nothing was done', () => {
		expect(toNodeError(node, failure, 0, 'tool').message).toMatch(/^Not sent, nothing was done: The Plivo account's pace has a backlog: 24 requests wait .* send it again in 25 s/);
	});
});

describe('the backlog warning in n8n’s log', () => {
	const line = backlogWarning({ executions: 34, requests: 41, requestsPerSecond: 2 }, { authId: 'MAXXXXXXXXXXXXXX1234', host: 'phlorunner.plivo.com' });

	it('says how many wait, how much memory that holds, and where to read more', () => {
		expect(line).toContain('34 executions (41 requests) are waiting');
		expect(line).toContain('about 20.5 s of backlog');
		expect(line).toContain('374 MB now');
		expect(line).toContain(BURSTS_DOC_URL);
	});

	it('names the account by the last characters of its Auth ID only', () => {
		expect(line).toContain('…1234 at phlorunner.plivo.com');
		expect(line).not.toContain('MAXXXX');
	});
});

describe('the pace settings', () => {
	it('take 0 (no limit) or at least 0.001 requests per second, and a wait of 0 or more seconds', () => {
		expect(parsePaceSettings(0, 0)).toEqual({ requestsPerSecond: 0, maxWaitSeconds: 0 });
		expect(parsePaceSettings(0.001, 7.5)).toEqual({ requestsPerSecond: 0.001, maxWaitSeconds: 7.5 });
		expect(thrownBy(() => parsePaceSettings(0.0005, 0), InputError)).toMatchObject({ field: 'maxRequestsPerSecond', message: expect.stringContaining('0 (no limit) or at least 0.001') });
		expect(thrownBy(() => parsePaceSettings(2, -1), InputError)).toMatchObject({ field: 'maxWaitSeconds', message: expect.stringContaining('Max Wait for Turn') });
	});
});
