import fc from 'fast-check';

import { isAllowed } from '../../nodes/PlivoPhlo/helpers/destinationPatterns';
import { assertAllowedDestination, parseAllowedDestinations, payloadDestinations } from '../../nodes/PlivoPhlo/helpers/destinations';
import { InputError } from '../../nodes/PlivoPhlo/helpers/failures';

/**
 * Allowed Destinations against generated disguises. A number outside the patterns is hidden every way
 * this file can think of (digit scripts, compatibility forms, every separator between any digits,
 * invisible characters, combining marks, inside text, in a list beside an allowed number, as a SIP user,
 * as a key, deep in the payload) and must be refused; allowed numbers written the usual ways must pass.
 * What must happen is decided here from how each value was generated, never by the node's own reading.
 */

const ALLOWED = parseAllowedDestinations('+1415*, +44*, sip:*@example.com');
const runs = { numRuns: 2_000 };

/** Whether the payload would be sent: every destination in it allowed. */
function sent(payload: object): boolean {
	try {
		for (const destination of payloadDestinations(payload)) assertAllowedDestination(destination, ALLOWED);
		return true;
	} catch (error) {
		if (error instanceof InputError) return false;
		throw error;
	}
}

/** The ten digits of every decimal numbering system the runtime formats (ICU), ASCII's among them. */
const numberingSystems = (Intl as unknown as { supportedValuesOf(key: 'numberingSystem'): string[] }).supportedValuesOf('numberingSystem');
const SCRIPTS = numberingSystems
	.map((system) => [...new Intl.NumberFormat('en', { numberingSystem: system, useGrouping: false }).format(1234567890)])
	.filter((digits) => digits.length === 10 && digits.every((digit) => /^\p{Nd}$/u.test(digit)))
	.map((digits) => [digits[9], ...digits.slice(0, 9)]);
const COMPATIBILITY_DIGITS = ['⁰¹²³⁴⁵⁶⁷⁸⁹', '₀₁₂₃₄₅₆₇₈₉', '⓪①②③④⑤⑥⑦⑧⑨'].map((digits) => [...digits]);
const digitForms = fc.constantFrom(...SCRIPTS, ...COMPATIBILITY_DIGITS);

const FORMATTING = [' ', '\u00a0', '\u2009', '\u202f', '\u3000', '\u2007', '.', '-', '\u2010', '\u2013', '\u2014', '\u2212', '(', ')', '/', '_', '\uff0d', '\uff0e', ' - ', ') ', ' ('];
const INVISIBLE = ['\u200b', '\u200c', '\u200d', '\u2060', '\u00ad', '\u200e', '\u200f', '\u202a', '\u202e', '\ufeff', '\ufe0f', '\u034f', '\u3164', '\u180e'];
const OTHER = [',', "'", '"', ':', '\t', '\n', '\r\n', '\u00b7', '\u2044', '*', '#', '~', ';', '|', '<', '>', '%', '\\', '=', '&', '\u3001', '\u060c', '\u2028', '[', ']', '{', '}', '!', '?', '\u00b4', ', ', '\u2022'];
const COMBINING = ['\u0301', '\u0308', '\u20e3', '\u0336', '\ufe0f\u20e3'];
const PLUS = ['+', '\uff0b', '\ufe62', '\u207a', '\u208a'];

/** A number's digits, each in any script, with anything between any two of them and marks on any of them. */
const disguised = (digits: string, separators: readonly string[]): fc.Arbitrary<string> =>
	fc
		.tuple(
			fc.array(digitForms, { minLength: digits.length, maxLength: digits.length }),
			fc.array(fc.oneof(fc.constant(''), fc.constantFrom(...separators)), { minLength: digits.length, maxLength: digits.length }),
			fc.array(fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(...COMBINING) }), {
				minLength: digits.length,
				maxLength: digits.length,
			}),
			fc.oneof(fc.constant(''), fc.constantFrom(...PLUS)),
		)
		.map(([forms, between, marks, plus]) => plus + [...digits].map((digit, at) => (at ? between[at] : '') + forms[at][Number(digit)] + marks[at]).join(''));

/** Digits of a number no pattern allows: not +1415…, not +44…. */
const barredDigits = fc.stringMatching(/^[1-9]\d{6,14}$/).filter((digits) => !digits.startsWith('1415') && !digits.startsWith('44'));
const allowedDigits = fc.oneof(fc.stringMatching(/^1415\d{7}$/), fc.stringMatching(/^44\d{9,10}$/));

/** Text that holds no digit, in any script (a letter or sign before and after the number). */
const wordsAround = fc
	.string({ unit: fc.oneof(fc.constantFrom('a', 'Z', 'é', 'ж', 'ب', 'क', '中', ' ', ':', '(', '"', '!', '\u0301', '\u200b'), fc.constantFrom(...'call me on ')), maxLength: 12 })
	.filter((text) => !/\p{N}/u.test(text.normalize('NFKC')));

/** Between two numbers of a list: Plivo's `<`, commas, new lines, and whatever else people and models write. */
const LIST_SEPARATORS = [',', ', ', ' ,', '<', ' < ', '\n', '\r\n', ';', '; ', '|', '\t', ' / ', '&', ' and ', ' or ', '" "', "','", '},{', '\u3001', '\u060c'];

/** Places a value somewhere in a payload: under a key, deep in arrays and objects, or as a key itself. */
const placed = (value: fc.Arbitrary<string>): fc.Arbitrary<object> =>
	fc.tuple(value, fc.array(fc.constantFrom('list', 'object'), { maxLength: 6 }), fc.boolean()).map(([text, wrappers, asKey]) =>
		wrappers.reduce<object>((inner, wrapper) => (wrapper === 'list' ? [1, inner] : { note: 'x', inner }), asKey ? { [text]: true } : { value: text }),
	);

describe('a number outside the patterns is refused however it is hidden', () => {
	it('alone, in any script, with any separators, invisible characters and marks between its digits', () => {
		const value = barredDigits.chain((digits) => disguised(digits, [...FORMATTING, ...INVISIBLE, ...OTHER]));
		fc.assert(fc.property(placed(value), (payload) => !sent(payload)), runs);
	});

	it('inside text', () => {
		const value = fc
			.tuple(wordsAround, barredDigits.chain((digits) => disguised(digits, [...FORMATTING, ...INVISIBLE])), wordsAround)
			.map(([before, number, after]) => `${before}${number}${after}`);
		fc.assert(fc.property(placed(value), (payload) => !sent(payload)), runs);
	});

	it('in a list beside allowed numbers, with every list separator, in any order', () => {
		const value = fc
			.tuple(
				barredDigits.chain((digits) => disguised(digits, [...FORMATTING, ...INVISIBLE, ...OTHER])),
				fc.array(allowedDigits.map((digits) => `+${digits}`), { minLength: 1, maxLength: 3 }),
				fc.constantFrom(...LIST_SEPARATORS),
				fc.nat(),
			)
			.map(([barred, allowed, separator, at]) => {
				const list = [...allowed];
				list.splice(at % (list.length + 1), 0, barred);
				return list.join(separator);
			});
		fc.assert(fc.property(placed(value), (payload) => !sent(payload)), runs);
	});

	it('as the user of a SIP URI at a host not allowed, percent-encoded or not, in brackets or after text', () => {
		const encoded = (text: string, which: readonly boolean[]) =>
			[...text].map((character, at) => (which[at % which.length] ? encodeURIComponent(character).replace(/^[^%]/, (c) => `%${c.charCodeAt(0).toString(16)}`) : character)).join('');
		const value = fc
			.tuple(
				fc.oneof(barredDigits, allowedDigits).map((digits) => `+${digits}`),
				fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
				fc.constantFrom('evil.com', 'example.com.evil.com', 'evilexample.com', 'example.co', '10.0.0.1', '[2001:db8::1]'),
				fc.constantFrom('sip', 'SIP', 'Sip', 'sips'),
				fc.constantFrom(['', ''], ['<', '>'], ['call ', ' now'], ['"', '"'], ['+14155551234,', '']),
			)
			.map(([user, which, host, scheme, [before, after]]) => `${before}${scheme}:${encoded(user, which)}@${host}${after}`);
		fc.assert(fc.property(placed(value), (payload) => !sent(payload)), runs);
	});
});

describe('allowed numbers written the usual ways pass', () => {
	it('with a + or without, in any script, spaces, dots, dashes, brackets and invisible characters anywhere', () => {
		const value = allowedDigits.chain((digits) => disguised(digits, [...FORMATTING, ...INVISIBLE]));
		fc.assert(fc.property(placed(value), (payload) => sent(payload)), runs);
	});

	it('several, each with its +, in a list with any separator, or in text', () => {
		const number = allowedDigits.chain((digits) => disguised(digits, [' ', '-', '.', '(', ')'])).map((text) => `+${text.replace(/^\p{Sm}/u, '')}`);
		const value = fc
			.tuple(fc.array(number, { minLength: 1, maxLength: 4 }), fc.constantFrom(...LIST_SEPARATORS), wordsAround, wordsAround)
			.map(([numbers, separator, before, after]) => `${before} ${numbers.join(separator)} ${after}`);
		fc.assert(fc.property(placed(value), (payload) => sent(payload)), runs);
	});
});

describe('SIP URIs: the host decides (and maddr), whatever the user, port, other parameters and headers', () => {
	const token = fc.stringMatching(/^[a-z0-9.=+-]{1,8}$/).filter((text) => !text.startsWith('maddr='));
	const uri = fc.record({
		scheme: fc.constantFrom('sip', 'SIP', 'sips'),
		user: fc.stringMatching(/^[A-Za-z0-9._~+-]{1,10}$/),
		host: fc.constantFrom('example.com', 'EXAMPLE.com', 'evil.com', 'example.com.evil.com', 'pbx.example.com', 'example.co'),
		port: fc.constantFrom('', ':5060', ':5061'),
		params: fc.array(fc.oneof(token, fc.constantFrom('host=example.com', 'x=evil.com', 'maddr=example.com', 'maddr=evil.com')), { maxLength: 3 }),
		headers: fc.array(fc.oneof(token, fc.constantFrom('to=example.com', 'route=evil.com')), { maxLength: 3 }),
	});
	const written = ({ scheme, user, host, port, params, headers }: { scheme: string; user: string; host: string; port: string; params: string[]; headers: string[] }) =>
		`${scheme}:${user}@${host}${port}${params.map((param) => `;${param}`).join('')}${headers.length ? `?${headers.join('&')}` : ''}`;

	it('allowed exactly when the scheme is sip and the host is example.com, and so is a maddr parameter (where a SIP server sends the call)', () => {
		fc.assert(
			fc.property(uri, (parts) => {
				const expected = parts.scheme.toLowerCase() === 'sip' && parts.host.toLowerCase() === 'example.com' && !parts.params.includes('maddr=evil.com');
				expect(isAllowed(written(parts), ALLOWED)).toBe(expected);
				expect(sent({ to: written(parts) })).toBe(expected);
			}),
			runs,
		);
	});

	it('a second @ anywhere, however it is written, is refused', () => {
		const at = fc.constantFrom('@', '\uff20', '\ufe6b');
		fc.assert(
			fc.property(uri, at, fc.nat(), (parts, extra, position) => {
				const text = written({ ...parts, host: 'example.com' });
				// Anywhere after the scheme's colon, up to the very end.
				const start = parts.scheme.length + 1;
				const cut = start + (position % (text.length - start + 1));
				expect(sent({ to: `${text.slice(0, cut)}${extra}${text.slice(cut)}` })).toBe(false);
			}),
			runs,
		);
	});
});
