import { networkErrorCode, resolveBaseUrl } from '../../nodes/PlivoPhlo/transport';

describe('resolveBaseUrl', () => {
	it.each([
		[undefined, 'https://phlorunner.plivo.com'],
		['', 'https://phlorunner.plivo.com'],
		['https://phlorunner.plivo.com/', 'https://phlorunner.plivo.com'],
		[' https://staging.example.com/phlo// ', 'https://staging.example.com/phlo'],
		['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
		['http://localhost:5000/', 'http://localhost:5000'],
		['http://[::1]:5000', 'http://[::1]:5000'],
	])('accepts %j as %j', (input, expected) => expect(resolveBaseUrl(input)).toBe(expected));

	it.each([
		['http://phlorunner.plivo.com', /plain http:\/\/ for phlorunner.plivo.com/],
		['http://10.0.0.5:8080', /plain http:\/\//],
		['http://127.0.0.1.example.com', /plain http:\/\//],
		['ftp://example.com', /must start with https/],
		['not a url', /is not a URL/],
		['https://user:pass@example.com', /must not contain a user/],
		['https://example.com/?x=1', /must not contain/],
	])('refuses %j', (input, message) => expect(() => resolveBaseUrl(input)).toThrow(message));
});

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
