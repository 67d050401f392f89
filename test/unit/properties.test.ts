import fc from 'fast-check';

import {
	buildDialRequest,
	buildGetMultiPartyCallRequest,
	buildGetPhloRequest,
	buildMemberActionRequest,
	buildRunPhloRequest,
	type PhloRequest,
} from '../../nodes/PlivoPhlo/helpers/requests';
import { InputError } from '../../nodes/PlivoPhlo/helpers/validation';

/** Strings that look like IDs, numbers and SIP URIs, mixed with anything at all, including path tricks. */
const nasty = fc.oneof(
	fc.string(),
	fc.string({ unit: 'grapheme' }),
	fc.constantFrom('..', '../', '/..', '%2e%2e', '%2F', '?x=1', '#f', ' ', '\n', '\u0000', 'sip:a@b/../c', '+1415/..'),
	fc.uuid(),
	fc.stringMatching(/^\+?\d{1,17}$/),
	fc.stringMatching(/^sips?:[a-z0-9.+_-]{0,8}@[a-z0-9.-]{0,10}(:\d{1,5})?$/),
	fc.webUrl({ withQueryParameters: true, withFragments: true }),
);
const anyValue = fc.oneof(nasty, fc.integer(), fc.double(), fc.constant(undefined), fc.constant(null), fc.object());

const ID = '[A-Za-z0-9][A-Za-z0-9_-]{0,99}';
const ADDRESS = '(?:\\+?\\d{3,15}|sips?:[A-Za-z0-9._~+-]+@[^/?#\\s]+)';
const MPC = `/v1/phlo/${ID}/multi_party_call/${ID}`;
const INTENDED = {
	dial: new RegExp(`^${MPC}$`),
	member: new RegExp(`^${MPC}/members/${ADDRESS}$`),
	get: new RegExp(`^${MPC}$`),
	run: new RegExp(`^/v1/account/${ID}/phlo/${ID}$`),
	phlo: new RegExp(`^/v1/phlo/${ID}$`),
};

/** Either a clear input error naming a field, or a request to exactly the intended path: never anything else. */
function check(build: () => PhloRequest, intended: RegExp): void {
	let request: PhloRequest;
	try {
		request = build();
	} catch (error) {
		expect(error).toBeInstanceOf(InputError);
		expect((error as InputError).field).toMatch(/^(phloId|nodeId|to|role|triggerSource|memberAddress|payload|authId)$/);
		expect((error as InputError).message.length).toBeGreaterThan(10);
		return;
	}
	expect(request.path).toMatch(intended);
	expect(new URL(`https://phlorunner.plivo.com${request.path}`).pathname).toBe(request.path);
	if (request.body !== undefined) expect(() => JSON.stringify(request.body)).not.toThrow();
}

const runs = { numRuns: 400 };

describe('request building never goes anywhere but the intended path', () => {
	it('dial actions', () => {
		fc.assert(
			fc.property(anyValue, anyValue, anyValue, anyValue, anyValue, (phloId, nodeId, to, role, triggerSource) =>
				check(() => buildDialRequest('call', { phloId, nodeId, to, role, triggerSource }), INTENDED.dial),
			),
			runs,
		);
	});

	it('member actions', () => {
		fc.assert(
			fc.property(anyValue, anyValue, anyValue, (phloId, nodeId, memberAddress) =>
				check(() => buildMemberActionRequest('hangup', { phloId, nodeId, memberAddress }), INTENDED.member),
			),
			runs,
		);
	});

	it('reads and runs', () => {
		fc.assert(
			fc.property(anyValue, anyValue, anyValue, anyValue, (authId, phloId, nodeId, payload) => {
				check(() => buildGetMultiPartyCallRequest({ phloId, nodeId }), INTENDED.get);
				check(() => buildGetPhloRequest({ phloId }), INTENDED.phlo);
				check(() => buildRunPhloRequest({ authId, phloId, payload }), INTENDED.run);
			}),
			runs,
		);
	});

	it('valid input always gives a request carrying exactly that input', () => {
		const phone = fc.stringMatching(/^\+?[1-9]\d{6,14}$/);
		fc.assert(
			fc.property(fc.uuid(), fc.uuid(), phone, fc.constantFrom('agent', 'customer'), phone, (phloId, nodeId, to, role, triggerSource) => {
				const request = buildDialRequest('warm_transfer', { phloId, nodeId, to, role, triggerSource });
				expect(request.path).toBe(`/v1/phlo/${phloId}/multi_party_call/${nodeId}`);
				expect(request.body).toEqual({ action: 'warm_transfer', to, role, trigger_source: triggerSource });
			}),
			runs,
		);
	});
});
