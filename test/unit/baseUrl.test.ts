import { resolveBaseUrl } from '../../nodes/PlivoPhlo/helpers/baseUrl';

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
