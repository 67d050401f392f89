import {
	assertAllowedDestination,
	parseAllowedDestinations,
	payloadDestinations,
	phoneLikeValues,
} from '../../nodes/PlivoPhlo/helpers/destinations';
import { InputError } from '../../nodes/PlivoPhlo/helpers/failures';
import { requestFor } from '../support/operations';
import { thrownBy } from '../support/thrown';

const PHLO = '4c1a9f23-7f56-4879-bb80-db856e1e7701';
const NODE = 'b4b48fc2-f47a-4a93-97c3-749ed9a40fa8';
const OUTSIDE = '+442071838750';

describe('phoneLikeValues', () => {
	it('finds a phone number under any key, in any case', () => {
		expect(phoneLikeValues({ to: OUTSIDE, To: OUTSIDE, PHONE: OUTSIDE, customerNumber: OUTSIDE })).toEqual([
			{ path: 'to', address: OUTSIDE },
			{ path: 'To', address: OUTSIDE },
			{ path: 'PHONE', address: OUTSIDE },
			{ path: 'customerNumber', address: OUTSIDE },
		]);
	});

	it('walks nested objects and arrays, naming each value by its path', () => {
		const payload = { customer: { number: OUTSIDE, backup: [{ phone: '+14155551234' }] }, numbers: ['+14155550000', OUTSIDE] };
		expect(phoneLikeValues(payload)).toEqual([
			{ path: 'customer.number', address: OUTSIDE },
			{ path: 'customer.backup[0].phone', address: '+14155551234' },
			{ path: 'numbers[0]', address: '+14155550000' },
			{ path: 'numbers[1]', address: OUTSIDE },
		]);
	});

	it('quotes a key that is not a plain name', () => {
		expect(phoneLikeValues({ 'phone number': OUTSIDE, contact: { 'mobile.1': OUTSIDE } })).toEqual([
			{ path: '["phone number"]', address: OUTSIDE },
			{ path: 'contact["mobile.1"]', address: OUTSIDE },
		]);
	});

	it.each([
		['+44 (20) 7183-8750', OUTSIDE],
		['  +44.20.7183.8750 ', OUTSIDE],
		['442071838750', '442071838750'],
		['5551234', '5551234'],
		['+123456789012345', '+123456789012345'],
	])('reads the string %j as the number %j, separators removed as for To', (value, address) => {
		expect(phoneLikeValues({ value })).toEqual([{ path: 'value', address }]);
	});

	it.each([
		[442071838750, '442071838750'],
		[5551234, '5551234'],
		[-442071838750, '442071838750'],
		[1234567.89, '123456789'],
	])('reads the number %j as its decimal text, %j', (value, address) => {
		expect(phoneLikeValues({ value })).toEqual([{ path: 'value', address }]);
	});

	it.each([
		['tel:+44-20-7183-8750', OUTSIDE],
		['TEL:+14155551234', '+14155551234'],
		['tel:+1415555;ext=12', '+1415555;ext=12'],
		['tel:911', '911'],
		['tel:', ''],
	])('reads every tel: URI, however short or odd: %j as %j', (value, address) => {
		expect(phoneLikeValues({ value })).toEqual([{ path: 'value', address }]);
	});

	it.each(['sip:agent@example.com', 'SIPS:agent@example.com:5061;transport=tls', 'sip:not a valid uri'])(
		'reads every SIP URI as it is written, valid or not: %j',
		(value) => {
			expect(phoneLikeValues({ value: ` ${value} ` })).toEqual([{ path: 'value', address: value }]);
		},
	);

	it.each([
		['a short number', '911'],
		['six digits', '123456'],
		['a small number', 42],
		['a six-digit number', 123456],
		['sixteen digits', '1234567890123456'],
		['a number too large for 15 digits', 1e16],
		['a word', 'Ada'],
		['a sentence holding a number', `call ${OUTSIDE} now`],
		['letters among digits', '+1-415-CALL-NOW'],
		['a + inside', '1415+5551234'],
		['a comma-grouped amount', '1,234,567'],
		['a time', '2024-05-14T09:00:00Z'],
		['true', true],
		['false', false],
		['null', null],
		['an empty string', ''],
		['an empty object', {}],
		['an empty array', []],
		['not a number', Number.NaN],
	])('leaves %s alone', (_, value) => {
		expect(phoneLikeValues({ value })).toEqual([]);
	});

	it('finds nothing in an empty payload', () => {
		expect(phoneLikeValues({})).toEqual([]);
	});
});

describe('payloadDestinations', () => {
	it('names each value as a field under payload', () => {
		expect(payloadDestinations({ customer: { number: OUTSIDE }, numbers: [1, OUTSIDE], 'a b': OUTSIDE })).toEqual([
			{ field: 'payload.customer.number', label: 'Payload value at customer.number', address: OUTSIDE },
			{ field: 'payload.numbers[1]', label: 'Payload value at numbers[1]', address: OUTSIDE },
			{ field: 'payload["a b"]', label: 'Payload value at ["a b"]', address: OUTSIDE },
		]);
	});
});

describe('assertAllowedDestination', () => {
	const patterns = '+1415*, sip:*@example.com';
	const allowed = parseAllowedDestinations(patterns);
	const [outside] = payloadDestinations({ customer: { number: '+44 20 7183 8750' } });

	it('refuses an address outside the patterns, naming the payload path and the address as it would be dialled', () => {
		const error = thrownBy(() => assertAllowedDestination(outside, allowed, patterns), InputError);
		expect(error.field).toBe('payload.customer.number');
		expect(error.message).toBe(`Payload value at customer.number "${OUTSIDE}" is not an allowed destination (allowed: ${patterns})`);
	});

	it('lets an address matching a pattern through', () => {
		for (const destination of payloadDestinations({ to: '+1 415 555 1234', agent: 'SIP:Ada@Example.com' })) {
			expect(() => assertAllowedDestination(destination, allowed, patterns)).not.toThrow();
		}
	});

	it('checks nothing when Allowed Destinations is empty', () => {
		expect(() => assertAllowedDestination(outside, parseAllowedDestinations(''), '')).not.toThrow();
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

	it('a member operation dials nobody', () => {
		const request = requestFor('multiPartyCall', 'hangUp', { phloId: PHLO, nodeId: NODE, memberAddress: OUTSIDE });
		expect(request.destinations ?? []).toEqual([]);
	});

	it("Run PHLO: every phone-like value of the payload, while the error items' To stays the payload's to", () => {
		const request = requestFor('phlo', 'run', { phloId: PHLO, payload: { to: '+1 415 555 1234', customer: { phone: OUTSIDE } } });
		expect(request.destinations?.map(({ field, address }) => [field, address])).toEqual([
			['payload.to', '+14155551234'],
			['payload.customer.phone', OUTSIDE],
		]);
		expect(request.target).toEqual({ to: '+1 415 555 1234' });
	});
});
