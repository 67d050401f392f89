import {
	assertAllowedDestination,
	parseAllowedDestinations,
	payloadDestinations,
	type Destination,
} from '../../nodes/PlivoPhlo/helpers/destinations';
import { InputError } from '../../nodes/PlivoPhlo/helpers/failures';
import { requestFor } from '../support/operations';
import { thrownBy } from '../support/thrown';

/**
 * Allowed Destinations on a Run PHLO payload: what is read as something Plivo could dial, and what a
 * refusal says. Encodings (digit scripts, invisible characters), SIP URIs, payload paths and limits have
 * their own files (`destinations.*.test.ts`); generated encodings are in `destinations.properties.test.ts`.
 */

const PHLO = '4c1a9f23-7f56-4879-bb80-db856e1e7701';
const NODE = 'b4b48fc2-f47a-4a93-97c3-749ed9a40fa8';
const OUTSIDE = '+442071838750';
const ALLOWED_TEXT = '+1415*, sip:*@example.com';
const ALLOWED = parseAllowedDestinations(ALLOWED_TEXT);

/** The addresses read from one payload value. */
const addressesIn = (value: unknown): string[] => payloadDestinations({ value }).map(({ address }) => address);

/** The message refusing `destination`, or undefined when it is allowed. */
function refusal(destination: Destination, allowed = ALLOWED): string | undefined {
	try {
		assertAllowedDestination(destination, allowed);
		return undefined;
	} catch (error) {
		if (error instanceof InputError) return error.message;
		throw error;
	}
}

/** Whether a payload holding `value` would be sent with `allowed`. */
const sent = (value: unknown, allowed = ALLOWED): boolean =>
	payloadDestinations({ value }).every((destination) => refusal(destination, allowed) === undefined);

describe('payloadDestinations: where in a payload', () => {
	it('finds a phone number under any key, in any case', () => {
		expect(payloadDestinations({ to: OUTSIDE, To: OUTSIDE, PHONE: OUTSIDE, customerNumber: OUTSIDE }).map(({ field }) => field)).toEqual([
			'payload.to',
			'payload.To',
			'payload.PHONE',
			'payload.customerNumber',
		]);
	});

	it('walks nested objects and arrays in order, naming each value by its path', () => {
		const payload = { customer: { number: OUTSIDE, backup: [{ phone: '+14155551234' }] }, numbers: ['+14155550000', [[OUTSIDE]]] };
		expect(payloadDestinations(payload)).toEqual([
			{ field: 'payload.customer.number', label: 'Payload value at customer.number', address: OUTSIDE },
			{ field: 'payload.customer.backup[0].phone', label: 'Payload value at customer.backup[0].phone', address: '+14155551234' },
			{ field: 'payload.numbers[0]', label: 'Payload value at numbers[0]', address: '+14155550000' },
			{ field: 'payload.numbers[1][0][0]', label: 'Payload value at numbers[1][0][0]', address: OUTSIDE },
		]);
	});

	it('quotes a key that is not a plain name', () => {
		expect(payloadDestinations({ 'phone number': OUTSIDE, contact: { 'mobile.1': OUTSIDE }, 0: OUTSIDE }).map(({ field }) => field)).toEqual([
			'payload["0"]',
			'payload["phone number"]',
			'payload.contact["mobile.1"]',
		]);
	});

	it('reads object keys too: a number used as a key is named as a key', () => {
		expect(payloadDestinations({ calls: { '+19005551234': 'yes' } })).toEqual([
			{ field: 'payload.calls["+19005551234"]', label: 'Payload key at calls["+19005551234"]', address: '+19005551234' },
		]);
	});

	it('finds nothing in an empty payload', () => {
		expect(payloadDestinations({})).toEqual([]);
	});
});

describe('payloadDestinations: one number however it is typed', () => {
	it.each([
		['+44 (20) 7183-8750', OUTSIDE],
		['  +44.20.7183.8750 ', OUTSIDE],
		['+44/20/7183/8750', OUTSIDE],
		['+44_20_7183_8750', OUTSIDE],
		['+44\u201320\u20147183\u22128750', OUTSIDE],
		['442071838750', '442071838750'],
		['5551234', '5551234'],
		['+123456789012345', '+123456789012345'],
		['+1 415 555 1234', '+14155551234'],
		['(415) 555-1234', '4155551234'],
	])('reads %j as the one number %j', (value, address) => {
		expect(addressesIn(value)).toEqual([address]);
	});

	it.each([
		[442071838750, '442071838750'],
		[5551234, '5551234'],
		[-442071838750, '442071838750'],
		[1234567.89, '123456789'],
		[1.9005551234e10, '19005551234'],
		[4.4e12, '4400000000000'],
		[BigInt('19005551234'), '19005551234'],
	])('reads the JSON number %p as its decimal text, %j', (value, address) => {
		expect(addressesIn(value)).toEqual([address]);
	});

	it('reads exponent forms written as text as the digits a dialler would keep', () => {
		expect(addressesIn('1.9005551234e10')).toEqual(['19005551234']);
	});

	it.each([
		['a short number', '911'],
		['six digits', '123456'],
		['a small number', 42],
		['sixteen digits', '1234567890123456'],
		['a number beyond 15 digits', 1e16],
		['a number JSON writes with an exponent', 1e21],
		['a word', 'Ada'],
		['letters among digits (a vanity number)', '+1-415-CALL-NOW'],
		['digits split by letters into short runs', 'A1234B567C89'],
		['true', true],
		['null', null],
		['an empty string', ''],
		['an empty array', []],
		['not a number', Number.NaN],
		['infinity', Number.POSITIVE_INFINITY],
	])('reads nothing dialable in %s', (_, value) => {
		expect(addressesIn(value)).toEqual([]);
	});
});

describe('payloadDestinations: several numbers in one value, and numbers in text', () => {
	const ALLOWED_NUMBER = '+14155551234';
	const BARRED = '+19005551234';

	it.each([',', '<', '\n', '\r\n', ', ', ' ,', ';', '|', '\t', ' < ', '&', '" "', "','"])(
		'a list with %j between the numbers: each is read and the outside one refused',
		(separator) => {
			const value = `${ALLOWED_NUMBER}${separator}${BARRED}`;
			expect(addressesIn(value)).toEqual(expect.arrayContaining([ALLOWED_NUMBER, BARRED]));
			expect(sent(value)).toBe(false);
			expect(sent(`${ALLOWED_NUMBER}${separator}+14155550000`)).toBe(true);
		},
	);

	it('numbers without + side by side, which together exceed 15 digits, are each read', () => {
		expect(addressesIn('14155551234 19005551234')).toEqual(['14155551234', '19005551234']);
	});

	it.each([
		['call +19005551234 now', BARRED],
		['call+19005551234', BARRED],
		['Customer: Ada (+1 900 555 1234)', BARRED],
		['{"to":"+19005551234"}', BARRED],
		['[14155551234,19005551234]', '19005551234'],
		['to=+19005551234&from=+14155551234', BARRED],
		['<+19005551234>', BARRED],
		['Ada:+19005551234', BARRED],
	])('a number inside text is read: %j holds %j', (value, address) => {
		expect(addressesIn(value)).toContain(address);
		expect(sent(value)).toBe(false);
	});

	it.each(["'", ',', ':', '\u2044', '\u00b7', '*', '#', '~', '\t', '\n', '%', '=', '\u3001'])(
		'a number split by %j is read in every grouping a dialler could keep, the whole number among them',
		(separator) => {
			const value = ['+1', '900', '555', '1234'].join(separator);
			expect(addressesIn(value)).toEqual(expect.arrayContaining(['+19005551234', '+1900555', '9005551234', '5551234']));
			expect(sent(value)).toBe(false);
			// Its parts are read too, so even an allowed number is refused when written this way.
			expect(sent(value, parseAllowedDestinations('+1900*'))).toBe(false);
			expect(sent('+1 900 555 1234', parseAllowedDestinations('+1900*'))).toBe(true);
		},
	);

	it('formatting inside one number keeps it one number; anything else also reads its parts', () => {
		expect(addressesIn('+44 7911 123456')).toEqual(['+447911123456']);
		expect(addressesIn('+44,7911123456')).toEqual(['+447911123456', '7911123456']);
		expect(addressesIn('+1,900,555,1234')).toEqual(expect.arrayContaining(['+19005551234', '9005551234', '5551234']));
		expect(addressesIn('+447911123456 19005551234')).toEqual(['+447911123456', '19005551234']);
	});

	it('a + between groups starts a new number: no reading runs across it, so a list of numbers with + is read number by number', () => {
		expect(addressesIn('+44+7911123456')).toEqual(['+7911123456']);
		expect(addressesIn('+1 415 555 1234 +1 900 555 1234')).toEqual(['+14155551234', '+19005551234']);
		expect(sent('+1 415 555 1234 +1 415 555 0000')).toBe(true);
		// Digits cut by + into runs under 7 digits are no number Plivo dials.
		expect(addressesIn('+1+900+555+1234')).toEqual([]);
	});
});

describe('payloadDestinations: SIP and tel URIs anywhere in a value', () => {
	it.each([
		['sip:agent@example.com', ['sip:agent@example.com']],
		['<sip:x@evil.com>', ['sip:x@evil.com']],
		['call sip:x@evil.com now', ['sip:x@evil.com']],
		['{"to":"sip:x@evil.com"}', ['sip:x@evil.com']],
		["'sip:x@evil.com'", ['sip:x@evil.com']],
		['SIP:Ada@Example.com', ['SIP:Ada@Example.com']],
		['SIPS:agent@example.com:5061;transport=tls', ['SIPS:agent@example.com:5061;transport=tls']],
		['sip:a@example.com,sip:x@evil.com', ['sip:a@example.com', 'sip:x@evil.com']],
		['sip:a@example.com;x=sip:x@evil.com', ['sip:a@example.com;x=', 'sip:x@evil.com']],
		['sip:', ['sip:']],
		['tel:+44-20-7183-8750', [OUTSIDE]],
		['TEL:+14155551234;ext=12', ['+14155551234']],
		['<tel:911>', ['911']],
		['tel:+1900-CALL', ['tel:+1900-CALL']],
		['Tel: +44 20 7183 8750', [OUTSIDE]],
		['hotel: Ritz', []],
	])('%j holds %j', (value, addresses) => {
		expect(addressesIn(value)).toEqual(addresses);
	});

	it("a URI's text is not read again for numbers: the host decides a SIP URI", () => {
		expect(addressesIn('sip:+19005551234@example.com')).toEqual(['sip:+19005551234@example.com']);
		expect(sent('sip:+19005551234@example.com')).toBe(true);
		expect(sent('sip:+14155551234@evil.com')).toBe(false);
	});

	it('a malformed SIP URI, or an empty one, is refused rather than guessed at', () => {
		for (const value of ['sip:x@evil.com@example.com', 'sip:@example.com', 'sip:x@', 'sip:', 'SIP: not set', 'sip:x@exa%6dple.com']) {
			expect(sent(value)).toBe(false);
		}
	});
});

describe('the refusal names the path, the value and the number read', () => {
	const refused = (value: unknown): string[] =>
		payloadDestinations({ customer: { numbers: ['+14155550000', value] } }).flatMap((destination) => refusal(destination) ?? []);

	it('a value that is the number: as before', () => {
		expect(refused('+19005551234')).toEqual([
			'Payload value at customer.numbers[1] "+19005551234" is not an allowed destination (allowed: +1415*, sip:*@example.com)',
		]);
	});

	it('a value that holds more than the number: the value, then the number read', () => {
		expect(refused('+14155551234, +19005551234')).toEqual([
			'Payload value at customer.numbers[1] "+14155551234, +19005551234" holds "+19005551234", which is not an allowed destination (allowed: +1415*, sip:*@example.com)',
		]);
		expect(refused('+1 900 555 1234')).toEqual([
			'Payload value at customer.numbers[1] "+1 900 555 1234" holds "+19005551234", which is not an allowed destination (allowed: +1415*, sip:*@example.com)',
		]);
	});

	it('a malformed SIP URI: says why', () => {
		expect(refused('sip:x@evil.com?h=@example.com')).toEqual([
			'Payload value at customer.numbers[1] "sip:x@evil.com?h=@example.com" is not a SIP URI the node can read (sip:user@host), so it is not an allowed destination (allowed: +1415*, sip:*@example.com)',
		]);
	});

	it('the field is the payload path, for the error item', () => {
		const [destination] = payloadDestinations({ customer: { numbers: ['+19005551234'] } });
		expect(thrownBy(() => assertAllowedDestination(destination, ALLOWED), InputError).field).toBe('payload.customer.numbers[0]');
	});
});

describe('what each operation may dial', () => {
	it('a dial operation: To, not Trigger Source (already in the call)', () => {
		const request = requestFor('multiPartyCall', 'warmTransfer', {
			phloId: PHLO,
			nodeId: NODE,
			to: '+1 415 555 1234',
			role: 'agent',
			triggerSource: OUTSIDE,
		});
		expect(request.destinations).toEqual([{ field: 'to', label: 'To', address: '+14155551234' }]);
	});

	it('To is matched with the same patterns: a SIP To by its host', () => {
		const to = (address: string) => refusal({ field: 'to', label: 'To', address });
		expect(to('+14155551234')).toBeUndefined();
		expect(to('14155551234')).toBeUndefined();
		expect(to('sip:agent@example.com;transport=tls')).toBeUndefined();
		expect(to('sip:agent@evil.com')).toBe('To "sip:agent@evil.com" is not an allowed destination (allowed: +1415*, sip:*@example.com)');
		expect(to(OUTSIDE)).toBe(`To "${OUTSIDE}" is not an allowed destination (allowed: +1415*, sip:*@example.com)`);
	});

	it('a member operation dials nobody', () => {
		const request = requestFor('multiPartyCall', 'hangUp', { phloId: PHLO, nodeId: NODE, memberAddress: OUTSIDE });
		expect(request.destinations ?? []).toEqual([]);
	});

	it("Run PHLO: every number of the payload, while the error items' To stays the payload's to", () => {
		const request = requestFor('phlo', 'run', { phloId: PHLO, payload: { to: '+1 415 555 1234', customer: { phone: OUTSIDE } } });
		expect(request.destinations?.map(({ field, address }) => [field, address])).toEqual([
			['payload.to', '+14155551234'],
			['payload.customer.phone', OUTSIDE],
		]);
		expect(request.target).toEqual({ to: '+1 415 555 1234' });
	});

	it('Run PHLO leaves out the paths named in Payload Keys Not Dialled', () => {
		const request = requestFor('phlo', 'run', {
			phloId: PHLO,
			payload: { to: '+14155551234', order: { id: '20240514001' } },
			'options.payloadKeysNotDialled': 'order.id',
		});
		expect(request.destinations?.map(({ field }) => field)).toEqual(['payload.to']);
	});
});
