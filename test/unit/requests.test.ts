import {
	buildDialRequest,
	buildGetMultiPartyCallRequest,
	buildGetPhloRequest,
	buildMemberActionRequest,
	buildRunPhloRequest,
	encodePathSegment,
	type DialAction,
	type MemberAction,
} from '../../nodes/PlivoPhlo/helpers/requests';
import { InputError } from '../../nodes/PlivoPhlo/helpers/validation';

const PHLO = '4c1a9f23-7f56-4879-bb80-db856e1e7701';
const NODE = 'b4b48fc2-f47a-4a93-97c3-749ed9a40fa8';
const MPC_PATH = `/v1/phlo/${PHLO}/multi_party_call/${NODE}`;

describe('dial actions', () => {
	it.each<DialAction>(['call', 'warm_transfer', 'cold_transfer'])(
		'%s posts action, to, role, trigger_source in that order',
		(action) => {
			const request = buildDialRequest(action, {
				phloId: PHLO,
				nodeId: NODE,
				to: '+1 (415) 555-1234',
				role: 'customer',
				triggerSource: 'sip:agent@example.com',
			});
			expect(request.method).toBe('POST');
			expect(request.path).toBe(MPC_PATH);
			expect(JSON.stringify(request.body)).toBe(
				`{"action":"${action}","to":"+14155551234","role":"customer","trigger_source":"sip:agent@example.com"}`,
			);
			expect(request.target).toEqual({ to: '+14155551234', trigger_source: 'sip:agent@example.com' });
		},
	);

	it.each([
		['phloId', { phloId: 'a/b' }],
		['nodeId', { nodeId: '' }],
		['to', { to: 'nobody' }],
		['role', { role: 'boss' }],
		['triggerSource', { triggerSource: '' }],
	])('reports the field at fault: %s', (field, override) => {
		const input = { phloId: PHLO, nodeId: NODE, to: '+14155551234', role: 'agent', triggerSource: '+14155550000', ...override };
		expect(() => buildDialRequest('call', input)).toThrow(InputError);
		try {
			buildDialRequest('call', input);
		} catch (error) {
			expect((error as InputError).field).toBe(field);
		}
	});
});

describe('member actions', () => {
	it.each<MemberAction>(['abort_transfer', 'hold', 'unhold', 'hangup', 'resume_call', 'voicemail_drop'])(
		'%s posts only the action to the member URL',
		(action) => {
			const request = buildMemberActionRequest(action, { phloId: PHLO, nodeId: NODE, memberAddress: '+14155551234' });
			expect(request.method).toBe('POST');
			expect(request.path).toBe(`${MPC_PATH}/members/+14155551234`);
			expect(JSON.stringify(request.body)).toBe(`{"action":"${action}"}`);
			expect(request.target).toEqual({ member_address: '+14155551234' });
		},
	);

	it('keeps a SIP member address readable in the path', () => {
		const request = buildMemberActionRequest('hold', { phloId: PHLO, nodeId: NODE, memberAddress: 'sip:agent@example.com' });
		expect(request.path).toBe(`${MPC_PATH}/members/sip:agent@example.com`);
	});

	it('refuses a member address that would leave the member path', () => {
		expect(() =>
			buildMemberActionRequest('hangup', { phloId: PHLO, nodeId: NODE, memberAddress: '../../phlo' }),
		).toThrow(/Member Address "..\/..\/phlo" is not a phone number or SIP URI/);
	});
});

describe('reads and PHLO runs', () => {
	it('gets a Multi-Party Call without a body', () => {
		expect(buildGetMultiPartyCallRequest({ phloId: PHLO, nodeId: NODE })).toEqual({
			method: 'GET',
			path: MPC_PATH,
			target: {},
		});
	});

	it('gets a PHLO, taking the ID out of a console URL', () => {
		expect(buildGetPhloRequest({ phloId: `https://console.plivo.com/phlo/edit/${PHLO}` })).toEqual({
			method: 'GET',
			path: `/v1/phlo/${PHLO}`,
			target: {},
		});
	});

	it('runs a PHLO under the account with the payload unchanged', () => {
		const request = buildRunPhloRequest({
			authId: 'MAXXXXXXXXXXXXXXXXXX',
			phloId: PHLO,
			payload: '{"from":"+14155550000","to":"+14155551234","camelKey":1}',
		});
		expect(request.method).toBe('POST');
		expect(request.path).toBe(`/v1/account/MAXXXXXXXXXXXXXXXXXX/phlo/${PHLO}`);
		expect(JSON.stringify(request.body)).toBe('{"from":"+14155550000","to":"+14155551234","camelKey":1}');
		expect(request.target).toEqual({ to: '+14155551234' });
	});

	it('sends {} for an empty payload', () => {
		const request = buildRunPhloRequest({ authId: 'MAXXXXXXXXXXXXXXXXXX', phloId: PHLO, payload: '' });
		expect(JSON.stringify(request.body)).toBe('{}');
	});

	it("refuses an Auth ID that is not an ID (it is part of the run's path)", () => {
		expect(() => buildRunPhloRequest({ authId: 'MA/x', phloId: PHLO, payload: {} })).toThrow(
			/Auth ID \(credential\)/,
		);
	});
});

describe('encodePathSegment', () => {
	it('encodes everything that could change the path, and keeps + : @', () => {
		expect(encodePathSegment('+1415')).toBe('+1415');
		expect(encodePathSegment('sip:a@b.c')).toBe('sip:a@b.c');
		expect(encodePathSegment('a/b?c#d e%')).toBe('a%2Fb%3Fc%23d%20e%25');
	});
});
