import { InputError } from '../../nodes/PlivoPhlo/helpers/failures';
import { parseNodeId, parsePhloId, parsePlainId } from '../../nodes/PlivoPhlo/helpers/ids';
import { parseAddress, parseNumberOption, parsePayload, parseRole } from '../../nodes/PlivoPhlo/helpers/validation';
import { thrownBy } from '../support/thrown';

const PHLO = '4c1a9f23-7f56-4879-bb80-db856e1e7701';
const NODE = 'b4b48fc2-f47a-4a93-97c3-749ed9a40fa8';

const inputErrorOf = (run: () => unknown): InputError => thrownBy(run, InputError);

describe('parseAddress', () => {
	it.each([
		['+14155551234', '+14155551234'],
		['14155551234', '14155551234'],
		['+1 (415) 555-1234', '+14155551234'],
		['+44 20 7946.0958', '+442079460958'],
		['  +14155551234  ', '+14155551234'],
		['sip:agent@example.com', 'sip:agent@example.com'],
		['sip:agent.one@phone.plivo.com', 'sip:agent.one@phone.plivo.com'],
		['sips:agent@example.com:5061;transport=tls', 'sips:agent@example.com:5061;transport=tls'],
		['SIP:Agent@Example.com', 'SIP:Agent@Example.com'],
		['sip:1001@[2001:db8::1]', 'sip:1001@[2001:db8::1]'],
	])('accepts %j as %j', (input, expected) => {
		expect(parseAddress('to', input)).toBe(expected);
	});

	it('accepts a number value from an expression', () => {
		expect(parseAddress('to', 14155551234)).toBe('14155551234');
	});

	it.each([
		['', /To is required/],
		['   ', /To is required/],
		[undefined, /To is required/],
		[null, /To is required/],
		[{}, /To is required/],
		['abc', /"abc" is not a phone number or SIP URI/],
		['+1-415-CALL-NOW', /not a phone number/],
		['12', /not a phone number/],
		['+1234567890123456', /not a phone number/],
		['1+4155551234', /not a phone number/],
		['++14155551234', /not a phone number/],
		['sip:agent', /not a valid SIP URI/],
		['sip:@example.com', /not a valid SIP URI/],
		['sip:agent@exa mple.com', /not a valid SIP URI/],
		['sip:agent@example.com/../x', /not a valid SIP URI/],
		['sip:agent@example.com?subject=x', /not a valid SIP URI/],
		['sip:agent@example.com#x', /not a valid SIP URI/],
		['tel:+14155551234', /not a phone number/],
		['+1415555/1234', /not a phone number/],
		[-14155551234, /To is required/],
		[1.5, /To is required/],
	])('rejects %j', (input, message) => {
		const error = inputErrorOf(() => parseAddress('to', input));
		expect(error.field).toBe('to');
		expect(error.message).toMatch(message);
	});

	it('names the field it checks', () => {
		expect(inputErrorOf(() => parseAddress('triggerSource', 'x')).message).toMatch(/^Trigger Source /);
		expect(inputErrorOf(() => parseAddress('memberAddress', '')).message).toMatch(/^Member Address is required/);
	});

	it('shortens a huge value in the message', () => {
		const error = inputErrorOf(() => parseAddress('to', 'x'.repeat(10_000)));
		expect(error.message.length).toBeLessThan(300);
	});
});

describe('parseRole', () => {
	it.each([
		['agent', 'agent'],
		['customer', 'customer'],
		[' Customer ', 'customer'],
		['AGENT', 'agent'],
	])('accepts %j', (input, expected) => expect(parseRole(input)).toBe(expected));

	it.each([['supervisor'], [''], [undefined], [1]])('rejects %j', (input) => {
		const error = inputErrorOf(() => parseRole(input));
		expect(error.field).toBe('role');
		expect(error.message).toMatch(/use "agent" or "customer"/);
	});
});

describe('parsePhloId', () => {
	it.each([
		[PHLO, PHLO],
		[` ${PHLO} `, PHLO],
		['legacy_id-1', 'legacy_id-1'],
		[`https://console.plivo.com/phlo/edit/${PHLO}/`, PHLO],
		[`https://console.plivo.com/phlo/edit/${PHLO.toUpperCase()}`, PHLO],
		[`https://phlorunner.plivo.com/v1/phlo/${PHLO}/multi_party_call/${NODE}`, PHLO],
		[`https://phlorunner.plivo.com/v1/account/MAXXXXXXXXXXXXXXXXXX/phlo/${PHLO}`, PHLO],
	])('takes %j as %j', (input, expected) => expect(parsePhloId(input)).toBe(expected));

	it.each([
		['', /PHLO ID is required/],
		[undefined, /PHLO ID is required/],
		['../admin', /no PHLO ID found in the URL/],
		['a/b', /no PHLO ID found in the URL/],
		['abc?x=1', /no PHLO ID found in the URL/],
		['abc#frag', /is not an ID/],
		['..', /is not an ID/],
		['id with space', /is not an ID/],
		['%2e%2e', /is not an ID/],
		['x'.repeat(101), /is not an ID/],
	])('rejects %j', (input, message) => {
		const error = inputErrorOf(() => parsePhloId(input));
		expect(error.field).toBe('phloId');
		expect(error.message).toMatch(message);
	});
});

describe('parseNodeId', () => {
	it.each([
		[NODE, NODE],
		[`https://phlorunner.plivo.com/v1/phlo/${PHLO}/multi_party_call/${NODE}`, NODE],
		[`https://console.plivo.com/phlo/edit/${PHLO}?node_id=${NODE}`, NODE],
		[`https://console.plivo.com/phlo/edit/${PHLO}#node=${NODE}`, NODE],
		[`https://console.plivo.com/phlo/edit/${PHLO}/${NODE}`, NODE],
	])('takes %j as %j', (input, expected) => expect(parseNodeId(input)).toBe(expected));

	it.each([
		['', /Node ID is required/],
		[`https://console.plivo.com/phlo/edit/${PHLO}`, /no Multi-Party Call node ID found/],
		['x/../y', /no Multi-Party Call node ID found/],
		['node;drop', /is not an ID/],
	])('rejects %j', (input, message) => {
		const error = inputErrorOf(() => parseNodeId(input));
		expect(error.field).toBe('nodeId');
		expect(error.message).toMatch(message);
	});
});

describe('parsePlainId', () => {
	it('accepts an Auth ID and refuses anything that could change a path', () => {
		expect(parsePlainId('authId', 'MAXXXXXXXXXXXXXXXXXX', 'hint')).toBe('MAXXXXXXXXXXXXXXXXXX');
		expect(inputErrorOf(() => parsePlainId('authId', 'MA/../x', 'hint')).message).toMatch(
			/Auth ID \(credential\) "MA\/..\/x" is not an ID/,
		);
		expect(inputErrorOf(() => parsePlainId('authId', '', 'set it')).message).toMatch(/is required; set it/);
	});
});

describe('parsePayload', () => {
	it.each([
		['{}', {}],
		['', {}],
		[undefined, {}],
		[null, {}],
		['{"from":"+1415","nested":{"a":[1,2]}}', { from: '+1415', nested: { a: [1, 2] } }],
		[{ to: '+14155551234' }, { to: '+14155551234' }],
	])('accepts %j', (input, expected) => expect(parsePayload(input)).toEqual(expected));

	it.each([
		['{not json', /Payload is not valid JSON/],
		['[1,2]', /must be a JSON object/],
		['"text"', /must be a JSON object/],
		['42', /must be a JSON object/],
		[[1], /must be a JSON object/],
		[true, /must be a JSON object/],
	])('rejects %j', (input, message) => {
		const error = inputErrorOf(() => parsePayload(input));
		expect(error.field).toBe('payload');
		expect(error.message).toMatch(message);
	});
});

describe('parseNumberOption', () => {
	it('accepts a finite number at or above the minimum', () => {
		expect(parseNumberOption('concurrency', 1, 1)).toBe(1);
		expect(parseNumberOption('maxRequestsPerSecond', 0, 0)).toBe(0);
		expect(parseNumberOption('timeout', 2.5, 1)).toBe(2.5);
	});

	it.each([
		['concurrency', 0, 1, 'Concurrency must be a number of at least 1; got 0'],
		['maxRequestsPerSecond', -1, 0, 'Max Requests per Second must be a number of at least 0; got -1'],
		['timeout', '5000', 1, 'Timeout must be a number of at least 1; got "5000"'],
		['deduplicationWindowMinutes', Number.NaN, 1, 'Deduplication Window must be a number of at least 1; got null'],
	])('refuses %s = %j, naming the option', (field, value, minimum, message) => {
		const error = inputErrorOf(() => parseNumberOption(field, value, minimum));
		expect(error.field).toBe(field);
		expect(error.message).toBe(message);
	});

	it('refuses a number above the maximum, and accepts the maximum itself', () => {
		expect(parseNumberOption('deduplicationWindowMinutes', 1440, 1, 1440)).toBe(1440);
		const error = inputErrorOf(() => parseNumberOption('deduplicationWindowMinutes', 1441, 1, 1440));
		expect(error.message).toBe('Deduplication Window must be a number from 1 to 1440; got 1441');
	});
});
