import { InputError } from './failures';
import { childPath, isUnder, shownPath, type PayloadPath } from './payloadPaths';

/** Text in a payload that could be dialled: a string or number value, or an object's key, and where it is. */
export interface PayloadText {
	/** As messages name it: `customer.numbers[1]`. */
	path: string;
	kind: 'value' | 'key';
	text: string;
}

/**
 * How much of a payload the node reads. A PHLO's payload is a handful of values; past these bounds the
 * item fails rather than going out partly read.
 */
export const PAYLOAD_LIMITS = { depth: 32, values: 10_000, characters: 100_000 } as const;

interface Place {
	value: unknown;
	/** The key it is under in an object, itself read. */
	key?: string;
	path: string;
	keys: ReadonlyArray<string | number>;
	depth: number;
}

/** What JSON.stringify sends for a value: a `toJSON()` result (a date's text), a boxed string or number's own value. */
function asSent(value: unknown, key: string | number): unknown {
	if (value instanceof String || value instanceof Number || value instanceof Boolean) return value.valueOf();
	const toJSON: unknown = typeof value === 'object' && value !== null ? (value as { toJSON?: unknown }).toJSON : undefined;
	return typeof toJSON === 'function' ? (toJSON as (key: string) => unknown).call(value, String(key)) : value;
}

const tooLarge = (what: string): InputError =>
	new InputError(
		'payload',
		`Payload ${what}: Allowed Destinations can be checked only on a payload of at most ${PAYLOAD_LIMITS.depth} levels, ${PAYLOAD_LIMITS.values.toLocaleString('en-US')} values and ${PAYLOAD_LIMITS.characters.toLocaleString('en-US')} characters of text`,
	);

/**
 * Every key and every string, number or bigint value of a payload, at any depth, in order, except those
 * at or under `notDialled`. Walked with a stack of its own, so no payload can exhaust the call stack.
 */
export function payloadTexts(payload: object, notDialled: readonly PayloadPath[] = []): PayloadText[] {
	const texts: PayloadText[] = [];
	const stack: Place[] = [{ value: payload, path: '', keys: [], depth: 0 }];
	let values = 0;
	let characters = 0;
	const read = (place: Place, kind: PayloadText['kind'], text: string) => {
		characters += text.length;
		if (characters > PAYLOAD_LIMITS.characters) throw tooLarge(`holds more than ${PAYLOAD_LIMITS.characters.toLocaleString('en-US')} characters of text`);
		texts.push({ path: place.path, kind, text });
	};
	for (let place = stack.pop(); place !== undefined; place = stack.pop()) {
		if (place.key !== undefined) read(place, 'key', place.key);
		const value = asSent(place.value, place.keys[place.keys.length - 1] ?? '');
		if (typeof value === 'string') read(place, 'value', value);
		else if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint') read(place, 'value', String(value));
		if (typeof value !== 'object' || value === null) continue;
		if (place.depth >= PAYLOAD_LIMITS.depth) throw tooLarge(`is nested more than ${PAYLOAD_LIMITS.depth} levels deep (at ${shownPath(place.path)})`);
		values += Array.isArray(value) ? value.length : Object.keys(value).length;
		if (values > PAYLOAD_LIMITS.values) throw tooLarge(`holds more than ${PAYLOAD_LIMITS.values.toLocaleString('en-US')} values`);
		const keys: Array<string | number> = Array.isArray(value) ? Array.from(value, (_, index) => index) : Object.keys(value);
		const children: Place[] = [];
		for (const key of keys) {
			const child: Place = {
				value: (value as Record<string | number, unknown>)[key],
				key: typeof key === 'string' ? key : undefined,
				path: childPath(place.path, key),
				keys: [...place.keys, key],
				depth: place.depth + 1,
			};
			if (!isUnder(child.keys, notDialled)) children.push(child);
		}
		stack.push(...children.reverse());
	}
	return texts;
}
