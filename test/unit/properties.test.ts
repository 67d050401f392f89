import fc from 'fast-check';

import { InputError } from '../../nodes/PlivoPhlo/helpers/failures';
import type { PhloRequest } from '../../nodes/PlivoPhlo/helpers/requests';
import { OPERATIONS, requestFor } from '../support/operations';

/**
 * Every operation, fed generated input, either refuses it with an input error naming a field, or sends
 * exactly the request the input calls for. What the request must be is worked out here from how each
 * input was generated (the digits of a number typed with separators, the PHLO ID a URL was built
 * around), by rules written in this file, never by the node's own parsing.
 */

/** A generated value and, when the node must accept it, what it must send for it; `sent` is absent for anything at all. */
interface Input {
	raw: unknown;
	sent?: unknown;
}
const accepted = (raw: unknown, sent: unknown): Input => ({ raw, sent });

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
const anything: fc.Arbitrary<Input> = fc
	.oneof(nasty, fc.integer(), fc.double(), fc.constant(undefined), fc.constant(null), fc.object())
	.map((raw) => ({ raw }));

/** Blanks around a value, which the node trims. */
const padding = fc.constantFrom('', ' ', '  ', '\t');
const padded = (value: fc.Arbitrary<Input>): fc.Arbitrary<Input> =>
	fc.tuple(value, padding, padding).map(([input, before, after]) =>
		typeof input.raw === 'string' ? { ...input, raw: `${before}${input.raw}${after}` } : input,
	);

/** A phone number typed as people type it: its digits, maybe a +, and separators anywhere between digits; sent as the + and the digits. */
const phoneNumber: fc.Arbitrary<Input> = fc
	.tuple(
		fc.stringMatching(/^[1-9]\d{6,14}$/),
		fc.boolean(),
		fc.array(fc.constantFrom('', '', '', ' ', '-', '.', '(', ')'), { minLength: 15, maxLength: 15 }),
	)
	.chain(([digits, plus, separators]) => {
		const typed = `${plus ? '+' : ''}${[...digits].map((digit, index) => separators[index] + digit).join('')}`;
		const sent = `${plus ? '+' : ''}${digits}`;
		// A number without a + may also arrive as a JSON number.
		return plus ? fc.constant(accepted(typed, sent)) : fc.constantFrom(accepted(typed, sent), accepted(Number(digits), digits));
	});

/** A SIP URI, sent exactly as written. */
const sipUri: fc.Arbitrary<Input> = fc
	.tuple(
		fc.constantFrom('sip', 'sips', 'SIP'),
		fc.stringMatching(/^[a-z0-9._~+-]{1,8}$/),
		fc.oneof(fc.stringMatching(/^[a-z0-9]{1,10}\.(com|net)$/), fc.constant('[2001:db8::1]')),
		fc.constantFrom('', ':5060', ':5061'),
		fc.constantFrom('', ';transport=udp', ';transport=tcp;user=phone'),
	)
	.map(([scheme, user, host, port, parameters]) => {
		const uri = `${scheme}:${user}@${host}${port}${parameters}`;
		return accepted(uri, uri);
	});

const address = padded(fc.oneof(phoneNumber, sipUri));
const uuid = fc.uuid();
const plainId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,30}$/);

/** A bare ID is sent as typed; an ID found in a URL is sent in lower case. */
const phloId: fc.Arbitrary<Input> = padded(
	fc.oneof(
		fc.oneof(uuid, plainId).map((id) => accepted(id, id)),
		uuid.map((id) => accepted(`https://console.plivo.com/phlo/edit/${id.toUpperCase()}`, id)),
		fc.tuple(uuid, uuid).map(([id, node]) => accepted(`https://phlorunner.plivo.com/v1/phlo/${id}/multi_party_call/${node}`, id)),
	),
);
const nodeId: fc.Arbitrary<Input> = padded(
	fc.oneof(
		fc.oneof(uuid, plainId).map((id) => accepted(id, id)),
		fc.tuple(uuid, uuid).map(([phlo, id]) => accepted(`https://phlorunner.plivo.com/v1/phlo/${phlo}/multi_party_call/${id.toUpperCase()}`, id)),
		fc.tuple(uuid, uuid).map(([phlo, id]) => accepted(`https://console.plivo.com/phlo/edit/${phlo}?node_id=${id}`, id)),
	),
);

/** A JSON object as JSON would carry it (no -0, no undefined), given as an object or as JSON text; nothing at all sends {}. */
const jsonObject = fc.dictionary(fc.string(), fc.jsonValue()).map((value) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>);
const payload: fc.Arbitrary<Input> = fc.oneof(
	fc.constantFrom(accepted('', {}), accepted('  ', {}), accepted(undefined, {})),
	jsonObject.map((value) => accepted(value, value)),
	jsonObject.map((value) => accepted(JSON.stringify(value), value)),
);

const VALID: Record<string, fc.Arbitrary<Input>> = {
	phloId,
	nodeId,
	to: address,
	triggerSource: address,
	memberAddress: address,
	role: fc.constantFrom(accepted('agent', 'agent'), accepted('customer', 'customer'), accepted('Agent', 'agent'), accepted(' CUSTOMER ', 'customer')),
	payload,
	authId: fc.stringMatching(/^[MS]A[A-Z0-9]{18}$/).map((id) => accepted(id, id)),
};

/** Mostly valid, sometimes anything: so that every operation reaches both its request and its refusals. */
const field = (name: string) => fc.oneof({ weight: 4, arbitrary: VALID[name] }, { weight: 1, arbitrary: anything });

/** The fields each kind of operation reads; the Run PHLO path also holds the credential's Auth ID. */
const FIELDS: Record<string, readonly string[]> = {
	dial: ['phloId', 'nodeId', 'to', 'role', 'triggerSource'],
	member: ['phloId', 'nodeId', 'memberAddress'],
	getMultiPartyCall: ['phloId', 'nodeId'],
	run: ['authId', 'phloId', 'payload'],
	getPhlo: ['phloId'],
};
const SOME_AUTH_ID = 'MAXXXXXXXXXXXXXXXXXX';

/**
 * A path segment as Plivo's SDKs write one: letters, digits, `- . _ ~` and `+ : @` as they are, every
 * other byte of its UTF-8 as `%XX`.
 */
const segment = (value: string): string =>
	[...Buffer.from(value, 'utf8')]
		.map((byte) => {
			const character = String.fromCharCode(byte);
			return /^[A-Za-z0-9\-._~+:@]$/.test(character) ? character : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
		})
		.join('');

/** Any segment a value the test did not choose may give: encoded, nothing that could change the path. */
const SOME_SEGMENT = expect.stringMatching(/^(?:[A-Za-z0-9\-._~+:@]|%[0-9A-F]{2})+$/);

interface Expected {
	method: 'GET' | 'POST';
	segments: unknown[];
	body?: unknown;
}

/**
 * The request the inputs call for. A field the test did not choose stands for whatever the node made
 * of it: any well-formed segment, any string (any role Plivo knows, any object for a payload).
 */
function expectedRequest(kind: string, action: string | undefined, inputs: Record<string, Input>): Expected {
	const known = (name: string) => 'sent' in inputs[name];
	const pathPart = (name: string) => (known(name) ? segment(inputs[name].sent as string) : SOME_SEGMENT);
	const bodyValue = (name: string, otherwise: unknown) => (known(name) ? inputs[name].sent : otherwise);
	const multiPartyCall = () => ['v1', 'phlo', pathPart('phloId'), 'multi_party_call', pathPart('nodeId')];
	switch (kind) {
		case 'dial':
			return {
				method: 'POST',
				segments: multiPartyCall(),
				body: {
					action,
					to: bodyValue('to', expect.any(String)),
					role: bodyValue('role', expect.stringMatching(/^(agent|customer)$/)),
					trigger_source: bodyValue('triggerSource', expect.any(String)),
				},
			};
		case 'member':
			return { method: 'POST', segments: [...multiPartyCall(), 'members', pathPart('memberAddress')], body: { action } };
		case 'getMultiPartyCall':
			return { method: 'GET', segments: multiPartyCall() };
		case 'run':
			return { method: 'POST', segments: ['v1', 'account', pathPart('authId'), 'phlo', pathPart('phloId')], body: bodyValue('payload', expect.any(Object)) };
		default:
			return { method: 'GET', segments: ['v1', 'phlo', pathPart('phloId')] };
	}
}

function checkRequest(expected: Expected, request: PhloRequest, allKnown: boolean): void {
	expect(request.method).toBe(expected.method);
	expect(request.path.split('/')).toEqual(['', ...expected.segments]);
	expect(new URL(`https://phlorunner.plivo.com${request.path}`).pathname).toBe(request.path);
	expect(request.body).toEqual(expected.body);
	// Plivo's SDKs send the body's keys in this order (the SDK parity test compares bytes).
	if (allKnown) expect(JSON.stringify(request.body)).toBe(JSON.stringify(expected.body));
}

function kindOf(resource: string, operation: string): string {
	if (resource === 'phlo') return operation === 'run' ? 'run' : 'getPhlo';
	if (operation === 'get') return 'getMultiPartyCall';
	return ['addUser', 'warmTransfer', 'coldTransfer'].includes(operation) ? 'dial' : 'member';
}

const runs = { numRuns: 400 };
const operations = Object.entries(OPERATIONS).flatMap(([resource, byName]) =>
	Object.entries(byName).map(([operation, action]) => [resource, operation, action as string | undefined] as const),
);

describe('request building sends exactly what the input calls for, or refuses it', () => {
	it.each(operations)('%s > %s: a clear input error naming a field, or exactly the intended request', (resource, operation, action) => {
		const kind = kindOf(resource, operation);
		const fields = FIELDS[kind];
		let exact = 0;
		let built = 0;
		let refused = 0;
		fc.assert(
			fc.property(fc.record(Object.fromEntries(fields.map((name) => [name, field(name)]))), (inputs) => {
				const unknown = fields.filter((name) => !('sent' in inputs[name]));
				const values = Object.fromEntries(fields.map((name) => [name, inputs[name].raw]));
				let request: PhloRequest;
				try {
					request = requestFor(resource as 'phlo', operation, values, (inputs.authId ? inputs.authId.raw : SOME_AUTH_ID) as string);
				} catch (error) {
					expect(error).toBeInstanceOf(InputError);
					// Only a value the test did not choose may be refused.
					expect(unknown).toContain((error as InputError).field);
					expect((error as InputError).message.length).toBeGreaterThan(10);
					refused++;
					return;
				}
				checkRequest(expectedRequest(kind, action, inputs), request, unknown.length === 0);
				built++;
				if (unknown.length === 0) exact++;
			}),
			runs,
		);
		// Both branches were reached often: a property that only ever saw refusals would prove nothing about paths.
		expect(built).toBeGreaterThan(runs.numRuns / 10);
		expect(exact).toBeGreaterThan(runs.numRuns / 10);
		expect(refused).toBeGreaterThan(runs.numRuns / 20);
	});
});
