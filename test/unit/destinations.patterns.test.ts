import { isAllowed } from '../../nodes/PlivoPhlo/helpers/destinationPatterns';
import { parseAllowedDestinations } from '../../nodes/PlivoPhlo/helpers/destinations';
import { InputError } from '../../nodes/PlivoPhlo/helpers/failures';
import { globMatches, parseSipUri } from '../../nodes/PlivoPhlo/helpers/sipUri';
import { thrownBy } from '../support/thrown';

/** The Allowed Destinations option: its patterns, and how phone numbers and SIP URIs are matched. */

const allows = (patterns: string, address: string): boolean => isAllowed(address, parseAllowedDestinations(patterns));

describe('parseAllowedDestinations', () => {
	it.each(['', '  ', '\n', undefined, null])('%j allows everything', (value) => {
		const allowed = parseAllowedDestinations(value);
		expect(allowed.empty).toBe(true);
		expect(isAllowed('sip:x@evil.com@example.com', allowed)).toBe(true);
	});

	it.each([',', ' , ', ',,\n,', '\n,\n'])('%j holds no pattern: refused, not read as empty', (value) => {
		const error = thrownBy(() => parseAllowedDestinations(value), InputError);
		expect(error.field).toBe('allowedDestinations');
		expect(error.message).toBe(
			`Allowed Destinations ${JSON.stringify(value)} holds no pattern: write patterns such as +1415*, sip:*@example.com, or leave it empty to allow any destination`,
		);
	});

	it.each(['abc', '+1415*x', '+', '1415?', 'sip:example.com', 'sip:*@', 'sip:@example.com', 'sip:*@example.com;transport=tls', 'sip:*@example.com?h=1', 'sip:a@b@example.com', 'sip:*@exa mple.com', 'tel:', 'mailto:a@example.com'])(
		'refuses the pattern %j, naming it',
		(pattern) => {
			const error = thrownBy(() => parseAllowedDestinations(`+1415*, ${pattern}`), InputError);
			expect(error.field).toBe('allowedDestinations');
			expect(error.message).toMatch(/^Allowed Destinations pattern ".*" is neither a phone number pattern/);
		},
	);

	it('refuses a value that is not text', () => {
		expect(thrownBy(() => parseAllowedDestinations(['+1415*']), InputError).field).toBe('allowedDestinations');
	});

	it('splits at commas and new lines and keeps the text as written for messages', () => {
		const text = ' +1415*,\r\n+44 20 *\nsip:*@example.com ';
		expect(parseAllowedDestinations(text)).toEqual({
			text,
			empty: false,
			phone: ['1415*', '4420*'],
			sip: [{ scheme: 'sip', user: '*', host: 'example.com', port: undefined }],
		});
	});

	it('reads a phone pattern as a number is read: formatting, scripts and tel: do not matter', () => {
		for (const pattern of ['+1 (415) *', '+1-415-*', '＋１４１５*', 'tel:+1415*', '+١٤١٥*', '1415*']) {
			expect(parseAllowedDestinations(pattern).phone).toEqual(['1415*']);
		}
	});
});

describe('phone patterns', () => {
	it.each([
		['+1415*', '+14155551234', true],
		['+1415*', '14155551234', true],
		['1415*', '+14155551234', true],
		['+1415*', '+14165551234', false],
		['+1415*', '+1415', true],
		['+447911123456', '+447911123456', true],
		['+447911123456', '+4479111234567', false],
		['+44*', '07911123456', false],
		['*', '+19005551234', true],
		['*', 'sip:x@example.com', false],
		['+1*1234', '+19005551234', true],
		['+1*1234', '+19005551235', false],
	])('%j against %j: %p', (pattern, address, expected) => {
		expect(allows(pattern, address)).toBe(expected);
	});

	it('a tel: address is compared by its number', () => {
		expect(allows('+1415*', 'tel:+1-415-555-1234;ext=1')).toBe(true);
		expect(allows('+1415*', 'tel:+1900-CALL')).toBe(false);
	});
});

describe('SIP URIs: read by their parts', () => {
	it.each([
		['sip:agent@example.com', { scheme: 'sip', user: 'agent', host: 'example.com', params: [], headers: [] }],
		['SIP:Ada@Example.COM', { scheme: 'sip', user: 'Ada', host: 'example.com' }],
		['sips:agent@example.com:5061;transport=tls;lr', { scheme: 'sips', host: 'example.com', port: '5061', params: ['transport=tls', 'lr'] }],
		['sip:agent@example.com?subject=hi&priority=urgent', { host: 'example.com', headers: ['subject=hi', 'priority=urgent'] }],
		['sip:%2B14155551234@example.com', { user: '+14155551234' }],
		['sip:%EF%BC%8B%EF%BC%91@example.com', { user: '+1' }],
		['sip:1001@[2001:db8::1]:5060', { host: '[2001:db8::1]', port: '5060' }],
		['sip:agent@10.0.0.1', { host: '10.0.0.1' }],
	])('%j', (uri, parts) => {
		expect(parseSipUri(uri)).toMatchObject(parts);
	});

	it.each([
		['two @', 'sip:x@evil.com@example.com'],
		['an @ in a parameter', 'sip:x@evil.com;a=@example.com'],
		['an @ in a header', 'sip:x@evil.com?h=@example.com'],
		['no user', 'sip:example.com'],
		['an empty user', 'sip:@example.com'],
		['an empty host', 'sip:x@'],
		['nothing', 'sip:'],
		['% in the host', 'sip:x@evil%2ecom'],
		['a host ending in a dot', 'sip:x@example.com.'],
		['a host with a space', 'sip:x@exa mple.com'],
		['a user that does not percent-decode', 'sip:%ZZ@example.com'],
		['a ; in the user, which parsers split differently', 'sip:evil.com;x=y@example.com'],
		['a ? in the user', 'sip:evil.com?x@example.com'],
		['a password', 'sip:x:secret@example.com'],
		['a port that is not a number', 'sip:x@example.com:http'],
		['a host name with an underscore', 'sip:x@ex_ample.com'],
		['a non-ASCII host', 'sip:x@exämple.com'],
	])('refuses %s: %j', (_, uri) => {
		expect(parseSipUri(uri)).toBeUndefined();
		expect(allows('sip:*@*', uri)).toBe(false);
	});
});

describe('SIP patterns: scheme, user and host compared part by part; a maddr parameter is a host too', () => {
	it.each([
		['sip:*@example.com', 'sip:agent@example.com', true],
		['sip:*@example.com', 'SIP:Agent@EXAMPLE.com', true],
		['sip:*@example.com', 'sip:agent@example.com:5080;transport=tcp?h=1', true],
		['sip:*@example.com', 'sip:agent@evil.com', false],
		['sip:*@example.com', 'sips:agent@example.com', false],
		['sip:*@example.com', 'sip:agent@example.com.evil.com', false],
		['sip:*@example.com', 'sip:agent@evilexample.com', false],
		['sip:*@example.com', 'sip:agent@evil.com;x=example.com', false],
		['sip:*@example.com', 'sip:agent@example.com;maddr=evil.com', false],
		['sip:*@example.com', 'sip:agent@example.com;transport=udp;MADDR=203.0.113.5', false],
		['sip:*@example.com', 'sip:agent@example.com;maddr=evil%2Ecom', false],
		['sip:*@example.com', 'sip:agent@example.com;maddr=EXAMPLE.com', true],
		['sip:*@*.example.com', 'sip:agent@pbx.example.com;maddr=edge.example.com', true],
		['sip:*@example.com', 'sip:x%40evil.com@example.com', true],
		['sip:*@*.example.com', 'sip:agent@pbx.eu.example.com', true],
		['sip:*@*.example.com', 'sip:agent@example.com', false],
		['sip:agent*@example.com', 'sip:agent7@example.com', true],
		['sip:agent*@example.com', 'sip:Agent7@example.com', false],
		['sip:*@example.com:5060', 'sip:agent@example.com:5060', true],
		['sip:*@example.com:5060', 'sip:agent@example.com', false],
		['sip:*@example.com:5060', 'sip:agent@example.com:5061', false],
		['sip:%2B1415*@example.com', 'sip:+14155551234@example.com', true],
		['sip:+1415*@example.com', 'sip:%2B14155551234@example.com', true],
		['sips:*@example.com', 'sips:agent@example.com', true],
		['+1415*', 'sip:+14155551234@evil.com', false],
	])('%j against %j: %p', (pattern, uri, expected) => {
		expect(allows(pattern, uri)).toBe(expected);
	});
});

describe('globMatches', () => {
	it.each([
		['*', '', true],
		['a*', 'a', true],
		['*a', 'ba', true],
		['a*b*c', 'aXbYc', true],
		['a*b*c', 'aXbY', false],
		['a**', 'abc', true],
		['abc', 'abd', false],
	])('%j, %j: %p', (glob, text, expected) => {
		expect(globMatches(glob, text)).toBe(expected);
	});

	it('stays fast on a long text against many stars', () => {
		const started = process.hrtime.bigint();
		expect(globMatches('*a*a*a*a*a*a*a*b', 'a'.repeat(50_000))).toBe(false);
		expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1_000);
	});
});
