import { parsePayloadPaths, payloadDestinations } from '../../nodes/PlivoPhlo/helpers/destinations';
import { InputError } from '../../nodes/PlivoPhlo/helpers/failures';
import { PAYLOAD_LIMITS } from '../../nodes/PlivoPhlo/helpers/payloadWalk';
import { parsePayload } from '../../nodes/PlivoPhlo/helpers/validation';
import { thrownBy } from '../support/thrown';

/** Payload Keys Not Dialled, and the bounds past which a payload is refused rather than read in part. */

const fieldsRead = (payload: object, notDialled: string): string[] =>
	payloadDestinations(payload, parsePayloadPaths(notDialled)).map(({ field }) => field);

describe('Payload Keys Not Dialled', () => {
	const payload = {
		to: '+14155551234',
		order: { id: '20240514001', placed: '2024-05-14' },
		items: [
			{ sku: '4006381333931', phone: '+19005551234' },
			{ sku: '5012345678900', phone: '+19005550000' },
		],
		'order id': '123456789',
		'+19005551234': 'a number as a key',
	};

	it('every key is read when none is named', () => {
		expect(fieldsRead(payload, '')).toEqual([
			'payload.to',
			'payload.order.id',
			'payload.order.placed',
			'payload.items[0].sku',
			'payload.items[0].phone',
			'payload.items[1].sku',
			'payload.items[1].phone',
			'payload["order id"]',
			'payload["+19005551234"]',
		]);
	});

	it('a path leaves out its value and everything under it; every other key is still read', () => {
		expect(fieldsRead(payload, 'order')).not.toContain('payload.order.id');
		expect(fieldsRead(payload, 'order.id, items[0].sku')).toEqual([
			'payload.to',
			'payload.order.placed',
			'payload.items[0].phone',
			'payload.items[1].sku',
			'payload.items[1].phone',
			'payload["order id"]',
			'payload["+19005551234"]',
		]);
	});

	it('* stands for any one key or index', () => {
		expect(fieldsRead(payload, 'items[*].sku\norder.*')).toEqual([
			'payload.to',
			'payload.items[0].phone',
			'payload.items[1].phone',
			'payload["order id"]',
			'payload["+19005551234"]',
		]);
		expect(fieldsRead({ a: { x: '+19005551234' }, b: { x: '+19005551234' } }, '*.x')).toEqual([]);
	});

	it('a quoted key is named as messages name it, commas inside it included; a named key is not read either', () => {
		expect(fieldsRead(payload, '["order id"], ["+19005551234"]')).not.toEqual(expect.arrayContaining(['payload["order id"]']));
		expect(fieldsRead({ 'a,b': '+19005551234' }, '["a,b"]')).toEqual([]);
		expect(fieldsRead({ 'say "hi"': '+19005551234' }, '["say \\"hi\\""]')).toEqual([]);
	});

	it('an index is not an object key: items[0] is the first element, ["0"] the key "0"', () => {
		expect(fieldsRead({ list: ['+19005551234'], map: { 0: '+19005551234' } }, 'list[0], map["0"]')).toEqual([]);
		expect(fieldsRead({ list: ['+19005551234'], map: { 0: '+19005551234' } }, 'list["0"], map[0]')).toEqual(['payload.list[0]', 'payload.map["0"]']);
	});

	it('reads paths as written', () => {
		expect(parsePayloadPaths(' order.id , items[*].sku,\n["a b"].c[2] ')).toEqual([
			[{ key: 'order' }, { key: 'id' }],
			[{ key: 'items' }, { any: true }, { key: 'sku' }],
			[{ key: 'a b' }, { key: 'c' }, { index: 2 }],
		]);
		expect(parsePayloadPaths(undefined)).toEqual([]);
		expect(parsePayloadPaths('  ')).toEqual([]);
	});

	it.each(['order-id', '.order', 'order.', 'order..id', 'items[]', 'items[-1]', 'items[0', '["open', "['single']", 'a b', ',', ' , \n', '["\\x"]'])(
		'refuses %j, naming the option',
		(value) => {
			const error = thrownBy(() => parsePayloadPaths(value), InputError);
			expect(error.field).toBe('payloadKeysNotDialled');
			expect(error.message).toMatch(/^Payload Keys Not Dialled/);
		},
	);
});

describe('payload limits: refused, never read in part, never a stack overflow', () => {
	const limitError = (payload: object): InputError => thrownBy(() => payloadDestinations(payload), InputError);

	function nested(depth: number, leaf: unknown = '+19005551234'): object {
		let value: unknown = leaf;
		// Objects and arrays in turn, an object outermost: paths read a[0].a[0]…
		for (let level = depth - 1; level >= 0; level--) value = level % 2 ? [value] : { a: value };
		return value as object;
	}

	it('reads a payload 32 levels deep', () => {
		expect(payloadDestinations(nested(PAYLOAD_LIMITS.depth))).toHaveLength(1);
	});

	it.each([33, 5_000, 100_000])('refuses a payload %i levels deep with an input error on payload', (depth) => {
		const error = limitError(nested(depth));
		expect(error.field).toBe('payload');
		expect(error.message).toMatch(/^Payload is nested more than 32 levels deep \(at a\[0\]\.a\[0\]/);
	});

	it('refuses a payload nested 5,000 deep given as JSON text, as the node receives it', () => {
		const text = `${'{"a":'.repeat(5_000)}"+19005551234"${'}'.repeat(5_000)}`;
		expect(limitError(parsePayload(text)).field).toBe('payload');
	});

	it('refuses a cycle (a payload built by an expression) as too deep rather than looping', () => {
		const cycle: Record<string, unknown> = { to: '+14155551234' };
		cycle.self = cycle;
		expect(limitError(cycle).message).toMatch(/nested more than 32 levels/);
	});

	it('refuses more than 10,000 values, counted at any depth', () => {
		expect(payloadDestinations({ list: Array.from({ length: 9_999 }, () => 1) })).toEqual([]);
		const error = limitError({ list: Array.from({ length: 5_000 }, () => [1]) });
		expect(error.message).toBe(
			'Payload holds more than 10,000 values: Allowed Destinations can be checked only on a payload of at most 32 levels, 10,000 values and 100,000 characters of text',
		);
		// A huge sparse array is refused by its length, before any element is visited.
		expect(limitError({ list: new Array(2 ** 31) }).field).toBe('payload');
	});

	it('refuses more than 100,000 characters of text, keys included', () => {
		expect(payloadDestinations({ note: 'x'.repeat(99_990) })).toEqual([]);
		expect(limitError({ note: 'x'.repeat(100_001) }).message).toMatch(/^Payload holds more than 100,000 characters of text:/);
		expect(limitError({ ['k'.repeat(60_000)]: 'x'.repeat(50_000) }).field).toBe('payload');
	});

	it('reads a huge text at the bound quickly', () => {
		const started = process.hrtime.bigint();
		payloadDestinations({ note: '1 '.repeat(49_990) });
		payloadDestinations({ note: '1,'.repeat(49_990) });
		expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(3_000);
	});
});

describe('what JSON sends is what is read', () => {
	it('a value with toJSON (a date, a Luxon DateTime from an expression) is read as the text it becomes', () => {
		const at = new Date('2024-05-14T09:00:00.000Z');
		// The cost of reading every digit run: a timestamp reads as numbers, which then must match a pattern.
		expect(payloadDestinations({ at }).map(({ address }) => address)).toEqual(['20240514', '090000000', '0000000']);
		const custom = { toJSON: () => '+19005551234', hidden: 'not sent' };
		expect(payloadDestinations({ custom }).map(({ address }) => address)).toEqual(['+19005551234']);
	});

	it('a boxed string or number is read as its value', () => {
		expect(payloadDestinations({ to: new String('+19005551234'), n: new Number(19005551234) }).map(({ address }) => address)).toEqual([
			'+19005551234',
			'19005551234',
		]);
	});

	it('a sparse array is read as JSON sends it', () => {
		const list: unknown[] = [];
		list[1] = '+19005551234';
		expect(payloadDestinations({ list }).map(({ field }) => field)).toEqual(['payload.list[1]']);
	});
});
