import { PhloFailure } from '../../nodes/PlivoPhlo/helpers/failures';
import type { PhloRequest } from '../../nodes/PlivoPhlo/helpers/requests';
import { excerpt, interpretAnswer, parseBody, retryAfterMs } from '../../nodes/PlivoPhlo/helpers/responses';
import { thrownBy } from '../support/thrown';

const post: PhloRequest = {
	method: 'POST',
	path: '/v1/phlo/p/multi_party_call/n',
	body: { action: 'call' },
	target: { to: '+14155551234', trigger_source: '+14155550000' },
	destinations: [],
};
const get: PhloRequest = { method: 'GET', path: '/v1/phlo/p', target: {}, destinations: [] };

const failureOf = (run: () => unknown): PhloFailure => thrownBy(run, PhloFailure);

describe('interpretAnswer', () => {
	it("returns Plivo's body unchanged on success", () => {
		const body = { api_id: 'a1', error: '' };
		expect(interpretAnswer(post, { statusCode: 201, headers: {}, body })).toBe(body);
		expect(interpretAnswer(get, { statusCode: 200, headers: {}, body: '{"api_id":"a2","name":"x"}' })).toEqual({
			api_id: 'a2',
			name: 'x',
		});
	});

	it('treats a 2xx answer with a non-empty error as a refusal', () => {
		const failure = failureOf(() =>
			interpretAnswer(post, { statusCode: 201, headers: {}, body: { api_id: 'a3', error: 'Member not in call' } }),
		);
		expect(failure.message).toBe('Plivo PHLO error (HTTP 201): Member not in call');
		expect(failure.facts).toEqual({
			outcome: 'rejected',
			status: 201,
			api_id: 'a3',
			plivo_error: 'Member not in call',
			to: '+14155551234',
			trigger_source: '+14155550000',
		});
		expect(failure.description).toContain('Plivo api_id: a3.');
	});

	it.each([
		[400, 'rejected', /Check the values sent/],
		[401, 'rejected', /Auth ID and Auth Token/],
		[403, 'rejected', /may not use this PHLO/],
		[404, 'rejected', /Check the PHLO ID and Node ID/],
		[500, 'unknown', /check the call logs/],
		[503, 'unknown', /check the call logs/],
	])('HTTP %i with a Plivo error body is %s', (status, outcome, hint) => {
		const failure = failureOf(() =>
			interpretAnswer(post, { statusCode: status, headers: {}, body: { api_id: 'x', error: 'boom' } }),
		);
		expect(failure.facts.outcome).toBe(outcome);
		expect(failure.facts.status).toBe(status);
		expect(failure.message).toBe(`Plivo PHLO error (HTTP ${status}): boom`);
		expect(failure.description).toMatch(hint);
	});

	it('explains an HTML error page in one line', () => {
		const html = '<html><head><style>p{}</style></head><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>';
		const failure = failureOf(() => interpretAnswer(post, { statusCode: 502, headers: {}, body: html }));
		expect(failure.message).toBe('Plivo PHLO answered HTTP 502 with a body that is not JSON: 502 Bad Gateway nginx');
		expect(failure.facts.outcome).toBe('unknown');
	});

	it('a 2xx body that cannot be read leaves the outcome unknown', () => {
		const failure = failureOf(() => interpretAnswer(post, { statusCode: 201, headers: {}, body: '{"api_id":"tr' }));
		expect(failure.facts.outcome).toBe('unknown');
		expect(failure.message).toMatch(/not JSON/);
	});

	it('a read that fails is safe to repeat, and says so', () => {
		const failure = failureOf(() => interpretAnswer(get, { statusCode: 500, headers: {}, body: { error: 'x' } }));
		expect(failure.description).toMatch(/only reads, so running it again is safe/);
	});

	it('an error without text still names the status', () => {
		const failure = failureOf(() => interpretAnswer(get, { statusCode: 404, headers: {}, body: {} }));
		expect(failure.message).toBe('Plivo PHLO error (HTTP 404): HTTP 404 without an error message');
	});
});

describe('parseBody and excerpt', () => {
	it('parses JSON text and buffers, and keeps other text', () => {
		expect(parseBody(Buffer.from('{"a":1}'))).toEqual({ json: { a: 1 }, text: '{"a":1}' });
		expect(parseBody('[1]')).toEqual({ text: '[1]' });
		expect(parseBody(undefined)).toEqual({ text: '' });
	});

	it('shortens long text', () => {
		expect(excerpt('a'.repeat(500)).length).toBe(160);
		expect(excerpt('')).toBe('(empty body)');
	});
});

describe('retryAfterMs', () => {
	const now = Date.parse('2026-11-24T12:00:00Z');
	it('reads seconds and HTTP dates', () => {
		expect(retryAfterMs({ 'retry-after': '2' }, now)).toBe(2000);
		expect(retryAfterMs({ 'Retry-After': '0.5' }, now)).toBe(500);
		expect(retryAfterMs({ 'retry-after': 'Tue, 24 Nov 2026 12:00:03 GMT' }, now)).toBe(3000);
		expect(retryAfterMs({ 'retry-after': 'Tue, 24 Nov 2026 11:00:00 GMT' }, now)).toBe(0);
	});
	it('gives undefined when absent or unreadable', () => {
		expect(retryAfterMs({}, now)).toBeUndefined();
		expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
	});
});
