import { InputError } from '../../nodes/PlivoPhlo/helpers/failures';
import { encodePathSegment } from '../../nodes/PlivoPhlo/helpers/requests';
import { DIAL_OPERATIONS, MEMBER_OPERATIONS, OPERATIONS, requestFor } from '../support/operations';
import { thrownBy } from '../support/thrown';

const PHLO = '4c1a9f23-7f56-4879-bb80-db856e1e7701';
const NODE = 'b4b48fc2-f47a-4a93-97c3-749ed9a40fa8';
const MPC_PATH = `/v1/phlo/${PHLO}/multi_party_call/${NODE}`;

/** The request each operation builds from one item's parameters: what the node sends, before any HTTP. */
describe('dial operations', () => {
	it.each(DIAL_OPERATIONS)('%s posts action, to, role, trigger_source in that order', (operation) => {
		const request = requestFor('multiPartyCall', operation, {
			phloId: PHLO,
			nodeId: NODE,
			to: '+1 (415) 555-1234',
			role: 'customer',
			triggerSource: 'sip:agent@example.com',
		});
		expect(request.method).toBe('POST');
		expect(request.path).toBe(MPC_PATH);
		expect(JSON.stringify(request.body)).toBe(
			`{"action":"${OPERATIONS.multiPartyCall[operation]}","to":"+14155551234","role":"customer","trigger_source":"sip:agent@example.com"}`,
		);
		expect(request.target).toEqual({ to: '+14155551234', trigger_source: 'sip:agent@example.com' });
	});

	it.each([
		['phloId', { phloId: 'a/b' }],
		['nodeId', { nodeId: '' }],
		['to', { to: 'nobody' }],
		['role', { role: 'boss' }],
		['triggerSource', { triggerSource: '' }],
	])('reports the field at fault: %s', (field, override) => {
		const input = { phloId: PHLO, nodeId: NODE, to: '+14155551234', role: 'agent', triggerSource: '+14155550000', ...override };
		expect(thrownBy(() => requestFor('multiPartyCall', 'addUser', input), InputError).field).toBe(field);
	});
});

describe('member operations', () => {
	it.each(MEMBER_OPERATIONS)('%s posts only the action to the member URL', (operation) => {
		const request = requestFor('multiPartyCall', operation, { phloId: PHLO, nodeId: NODE, memberAddress: '+14155551234' });
		expect(request.method).toBe('POST');
		expect(request.path).toBe(`${MPC_PATH}/members/+14155551234`);
		expect(JSON.stringify(request.body)).toBe(`{"action":"${OPERATIONS.multiPartyCall[operation]}"}`);
		expect(request.target).toEqual({ member_address: '+14155551234' });
	});

	it('keeps a SIP member address readable in the path', () => {
		const request = requestFor('multiPartyCall', 'hold', { phloId: PHLO, nodeId: NODE, memberAddress: 'sip:agent@example.com' });
		expect(request.path).toBe(`${MPC_PATH}/members/sip:agent@example.com`);
	});

	it('refuses a member address that would leave the member path', () => {
		expect(() => requestFor('multiPartyCall', 'hangUp', { phloId: PHLO, nodeId: NODE, memberAddress: '../../phlo' })).toThrow(
			/Member Address "..\/..\/phlo" is not a phone number or SIP URI/,
		);
	});
});

describe('reads and PHLO runs', () => {
	it('gets a Multi-Party Call without a body', () => {
		expect(requestFor('multiPartyCall', 'get', { phloId: PHLO, nodeId: NODE })).toEqual({
			method: 'GET',
			path: MPC_PATH,
			target: {},
			destinations: [],
		});
	});

	it('gets a PHLO, taking the ID out of a console URL', () => {
		expect(requestFor('phlo', 'get', { phloId: `https://console.plivo.com/phlo/edit/${PHLO}` })).toEqual({
			method: 'GET',
			path: `/v1/phlo/${PHLO}`,
			target: {},
			destinations: [],
		});
	});

	it('runs a PHLO under the account with the payload unchanged', () => {
		const request = requestFor(
			'phlo',
			'run',
			{ phloId: PHLO, payload: '{"from":"+14155550000","to":"+14155551234","camelKey":1}' },
			'MAXXXXXXXXXXXXXXXXXX',
		);
		expect(request.method).toBe('POST');
		expect(request.path).toBe(`/v1/account/MAXXXXXXXXXXXXXXXXXX/phlo/${PHLO}`);
		expect(JSON.stringify(request.body)).toBe('{"from":"+14155550000","to":"+14155551234","camelKey":1}');
		expect(request.target).toEqual({ to: '+14155551234' });
	});

	it('sends {} for an empty payload', () => {
		const request = requestFor('phlo', 'run', { phloId: PHLO, payload: '' });
		expect(JSON.stringify(request.body)).toBe('{}');
	});

	it("refuses an Auth ID that is not an ID (it is part of the run's path)", () => {
		expect(() => requestFor('phlo', 'run', { phloId: PHLO, payload: {} }, 'MA/x')).toThrow(/Auth ID \(credential\)/);
	});
});

describe('encodePathSegment', () => {
	it('encodes everything that could change the path, and keeps + : @', () => {
		expect(encodePathSegment('+1415')).toBe('+1415');
		expect(encodePathSegment('sip:a@b.c')).toBe('sip:a@b.c');
		expect(encodePathSegment('a/b?c#d e%')).toBe('a%2Fb%3Fc%23d%20e%25');
	});
});
