import fc from 'fast-check';

import { InputError } from '../../nodes/PlivoPhlo/helpers/failures';
import type { PhloRequest } from '../../nodes/PlivoPhlo/helpers/requests';
import { OPERATIONS, requestFor } from '../support/operations';

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

/** Values the node accepts, in the forms people type them, including the characters a path must encode. */
const address = fc.oneof(
	fc.stringMatching(/^\+?[1-9]\d{6,14}$/),
	fc.stringMatching(/^\+1 \(\d{3}\) \d{3}-\d{4}$/),
	fc.stringMatching(/^sips?:[a-z0-9._~+-]{1,8}@[a-z0-9]{1,10}\.(com|net)(:\d{2,5})?(;transport=(udp|tcp))?(;user=phone)?$/),
);
const VALID: Record<string, fc.Arbitrary<unknown>> = {
	phloId: fc.oneof(fc.uuid(), fc.uuid().map((id) => `https://console.plivo.com/phlo/edit/${id}`)),
	nodeId: fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,30}$/)),
	to: address,
	triggerSource: address,
	memberAddress: address,
	role: fc.constantFrom('agent', 'customer', 'Agent', ' CUSTOMER '),
	payload: fc.oneof(fc.constant(''), fc.dictionary(fc.string(), fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue()).map((value) => JSON.stringify(value))),
	authId: fc.stringMatching(/^[MS]A[A-Z0-9]{18}$/),
};

/** Mostly valid, sometimes anything: so that every operation reaches both its request and its refusals. */
const field = (name: string) => fc.oneof({ weight: 4, arbitrary: VALID[name] }, { weight: 1, arbitrary: anyValue });

const FIELDS: Record<string, readonly string[]> = {
	dial: ['phloId', 'nodeId', 'to', 'role', 'triggerSource'],
	member: ['phloId', 'nodeId', 'memberAddress'],
	getMultiPartyCall: ['phloId', 'nodeId'],
	run: ['phloId', 'payload'],
	getPhlo: ['phloId'],
};

const ID = '[A-Za-z0-9][A-Za-z0-9_-]{0,99}';
const MPC = `/v1/phlo/${ID}/multi_party_call/${ID}`;
const INTENDED: Record<string, RegExp> = {
	dial: new RegExp(`^${MPC}$`),
	member: new RegExp(`^${MPC}/members/[^/?#]+$`),
	getMultiPartyCall: new RegExp(`^${MPC}$`),
	run: new RegExp(`^/v1/account/${ID}/phlo/${ID}$`),
	getPhlo: new RegExp(`^/v1/phlo/${ID}$`),
};

/** A path segment as Plivo's SDKs send one: unreserved characters, `+ : @`, and percent escapes for the rest. */
const WELL_FORMED_SEGMENT = /^(?:[A-Za-z0-9\-._~+:@]|%[0-9A-F]{2})+$/;

function kindOf(resource: string, operation: string): string {
	if (resource === 'phlo') return operation === 'run' ? 'run' : 'getPhlo';
	if (operation === 'get') return 'getMultiPartyCall';
	return ['addUser', 'warmTransfer', 'coldTransfer'].includes(operation) ? 'dial' : 'member';
}

/** What the request must be, whatever the input: exactly the intended path, every segment encoded, nothing else. */
function checkRequest(kind: string, action: string | undefined, request: PhloRequest): void {
	expect(request.path).toMatch(INTENDED[kind]);
	expect(new URL(`https://phlorunner.plivo.com${request.path}`).pathname).toBe(request.path);
	const segments = request.path.split('/').slice(1);
	for (const segment of segments) expect(segment).toMatch(WELL_FORMED_SEGMENT);
	if (kind === 'member') {
		expect(decodeURIComponent(segments[segments.length - 1])).toBe(request.target.member_address);
		expect(request.body).toEqual({ action });
	}
	if (kind === 'dial') {
		expect(request.body).toEqual({ action, to: request.target.to, role: expect.stringMatching(/^(agent|customer)$/), trigger_source: request.target.trigger_source });
	}
	expect(request.method).toBe(kind.startsWith('get') ? 'GET' : 'POST');
	if (request.body !== undefined) expect(() => JSON.stringify(request.body)).not.toThrow();
}

const runs = { numRuns: 400 };
const operations = Object.entries(OPERATIONS).flatMap(([resource, byName]) =>
	Object.entries(byName).map(([operation, action]) => [resource, operation, action as string | undefined] as const),
);

describe('request building never goes anywhere but the intended path', () => {
	it.each(operations)('%s > %s: a clear input error naming a field, or exactly the intended request', (resource, operation, action) => {
		const kind = kindOf(resource, operation);
		const fields = FIELDS[kind];
		let built = 0;
		let refused = 0;
		fc.assert(
			fc.property(fc.record(Object.fromEntries(fields.map((name) => [name, field(name)]))), field('authId'), (values, authId) => {
				let request: PhloRequest;
				try {
					request = requestFor(resource as 'phlo', operation, values, authId as string);
				} catch (error) {
					expect(error).toBeInstanceOf(InputError);
					expect([...fields, 'authId']).toContain((error as InputError).field);
					expect((error as InputError).message.length).toBeGreaterThan(10);
					refused++;
					return;
				}
				checkRequest(kind, action, request);
				built++;
			}),
			runs,
		);
		// Both branches were reached often: a property that only ever saw refusals would prove nothing about paths.
		expect(built).toBeGreaterThan(runs.numRuns / 10);
		expect(refused).toBeGreaterThan(runs.numRuns / 20);
	});

	it('valid input always gives a request carrying exactly that input', () => {
		const phone = fc.stringMatching(/^\+?[1-9]\d{6,14}$/);
		fc.assert(
			fc.property(fc.uuid(), fc.uuid(), phone, fc.constantFrom('agent', 'customer'), phone, (phloId, nodeId, to, role, triggerSource) => {
				const request = requestFor('multiPartyCall', 'warmTransfer', { phloId, nodeId, to, role, triggerSource });
				expect(request.path).toBe(`/v1/phlo/${phloId}/multi_party_call/${nodeId}`);
				expect(request.body).toEqual({ action: 'warm_transfer', to, role, trigger_source: triggerSource });
			}),
			runs,
		);
	});
});
