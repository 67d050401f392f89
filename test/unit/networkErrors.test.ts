import { PhloFailure } from '../../nodes/PlivoPhlo/helpers/failures';
import { networkErrorCode, networkFailure, neverReachedPlivo } from '../../nodes/PlivoPhlo/helpers/networkErrors';
import type { PhloRequest } from '../../nodes/PlivoPhlo/helpers/requests';

describe('networkErrorCode', () => {
	it('finds the code wherever the HTTP helper wrapped it', () => {
		const axiosError = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
		const wrapped = Object.assign(new Error('The service refused the connection'), { cause: axiosError });
		expect(networkErrorCode(wrapped)).toBe('ECONNREFUSED');
		expect(networkErrorCode(new Error('timeout of 50ms exceeded'))).toBe('ETIMEDOUT');
		expect(networkErrorCode(new Error('nothing known'))).toBeUndefined();
		expect(networkErrorCode('text')).toBeUndefined();
	});

	it("reads n8n 1.x's wrapping, which keeps only the client's message", () => {
		const wrapped = Object.assign(new Error('The connection was aborted, perhaps the server is offline'), {
			messages: ['timeout of 500ms exceeded'],
		});
		expect(networkErrorCode(wrapped)).toBe('ETIMEDOUT');
		const refused = Object.assign(new Error('The service refused the connection - perhaps it is offline'), {
			messages: ['connect ECONNREFUSED 127.0.0.1:9'],
		});
		expect(networkErrorCode(refused)).toBe('ECONNREFUSED');
		expect(networkErrorCode(Object.assign(new Error('socket hang up'), { messages: ['socket hang up'] }))).toBeUndefined();
	});

	it('does not loop on a cyclic cause', () => {
		const error: Error & { cause?: unknown } = new Error('a');
		error.cause = error;
		expect(networkErrorCode(error)).toBeUndefined();
	});
});

describe('networkFailure', () => {
	const dial: PhloRequest = { method: 'POST', path: '/v1/phlo/p/multi_party_call/n', body: { action: 'call' }, target: { to: '+14155551234' }, destinations: [] };
	const context = { host: 'phlorunner.plivo.com', timeout: 500 };

	it('calls only errors raised before the request left not_sent', () => {
		expect(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'CERT_HAS_EXPIRED'].every(neverReachedPlivo)).toBe(true);
		expect(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', undefined].some(neverReachedPlivo)).toBe(false);
		expect(networkFailure(dial, 'ECONNREFUSED', context).facts).toEqual({ outcome: 'not_sent', to: '+14155551234' });
		expect(networkFailure(dial, 'ECONNRESET', context).facts.outcome).toBe('unknown');
		expect(networkFailure(dial, undefined, context).facts.outcome).toBe('unknown');
	});

	it('says what happened, where, and what to do', () => {
		const timedOut = networkFailure(dial, 'ETIMEDOUT', context);
		expect(timedOut).toBeInstanceOf(PhloFailure);
		expect(timedOut.message).toBe('Could not complete the request to Plivo PHLO at phlorunner.plivo.com: no answer within 500 ms');
		expect(timedOut.description).toBe(
			"Plivo may have processed the request (for example placed the call): check the call logs in Plivo's console before running this item again. Request: POST /v1/phlo/p/multi_party_call/n. Network error code: ETIMEDOUT.",
		);
		expect(networkFailure(dial, 'EPROTO', context).message).toBe(
			'Could not complete the request to Plivo PHLO at phlorunner.plivo.com: the request failed (EPROTO)',
		);
		const read = networkFailure({ method: 'GET', path: '/v1/phlo/p', target: {}, destinations: [] }, 'ECONNRESET', context);
		expect(read.description).toMatch(/^This request only reads, so running it again is safe\./);
	});
});
