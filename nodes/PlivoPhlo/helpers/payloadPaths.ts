import { InputError } from './failures';
import { quoteValue } from './labels';

/** One step into a payload: an object's key, an array's index, or `*` for any one of either. */
export type PathStep = { key: string } | { index: number } | { any: true };
/** A place in a payload, written as messages name it: `order.id`, `items[0].sku`, `["a b"]`, `items[*].sku`. */
export type PayloadPath = readonly PathStep[];

const FIELD = 'payloadKeysNotDialled';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** The first step, then each following one: `.name`, `.*`, `[0]`, `[*]`, `["any key"]`. */
const FIRST_STEP = /^(?:([A-Za-z_$][\w$]*)|(\*))/;
const NEXT_STEP = /^(?:\.([A-Za-z_$][\w$]*)|\.(\*)|\[(\d+)\]|\[(\*)\]|\[("(?:[^"\\]|\\.)*")\])/;

/** How messages name the value under `key` of the value at `path`: like JavaScript, `a.b`, `a[0]`, `a["b c"]`. */
export function childPath(path: string, key: string | number): string {
	if (typeof key === 'number') return `${path}[${key}]`;
	if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`;
	return path ? `${path}.${key}` : key;
}

/** A path as a message shows it: a path through long keys is cut, as values are (`quoteValue`). */
export const shownPath = (path: string): string => (path.length > 80 ? `${path.slice(0, 77)}...` : path);

function stepOf(match: RegExpExecArray): PathStep | undefined {
	const [, name, star, index, anyIndex, quoted] = match;
	if (name !== undefined) return { key: name };
	if (star !== undefined || anyIndex !== undefined) return { any: true };
	if (index !== undefined) return { index: Number(index) };
	try {
		const key: unknown = JSON.parse(quoted);
		return typeof key === 'string' ? { key } : undefined;
	} catch {
		return undefined;
	}
}

function parsePath(text: string): PayloadPath {
	const steps: PathStep[] = [];
	let rest = text;
	while (rest !== '') {
		const first = steps.length === 0;
		const match = (first ? FIRST_STEP.exec(rest) : undefined) ?? NEXT_STEP.exec(rest);
		const step = match && !(first && match[0].startsWith('.')) ? stepOf(match) : undefined;
		if (!match || !step) {
			throw new InputError(
				FIELD,
				`Payload Keys Not Dialled: ${quoteValue(text)} is not a payload path; write paths as errors name them, e.g. order.id, items[0].sku, items[*].sku, ["order id"]`,
			);
		}
		steps.push(step);
		rest = rest.slice(match[0].length);
	}
	return steps;
}

/** The paths of a list, split at commas and new lines outside a quoted key; undefined when a quote is left open. */
function splitPaths(text: string): string[] | undefined {
	const paths: string[] = [];
	let current = '';
	let quoted = false;
	for (let at = 0; at < text.length; at++) {
		const character = text[at];
		if (!quoted && (character === ',' || character === '\n')) {
			paths.push(current);
			current = '';
			continue;
		}
		if (quoted && character === '\\') {
			current += text.slice(at, at + 2);
			at++;
			continue;
		}
		if (character === '"') quoted = !quoted;
		current += character;
	}
	return quoted ? undefined : [...paths, current];
}

/**
 * Payload Keys Not Dialled: payload paths separated by commas or new lines. Blank names none; text that
 * names no path (`,`) is refused like a malformed path, so a slip is seen rather than ignored.
 */
export function parsePayloadPaths(value: unknown): PayloadPath[] {
	if (value === undefined || value === null) return [];
	if (typeof value !== 'string') throw new InputError(FIELD, `Payload Keys Not Dialled must be text, such as order.id, items[*].sku; got ${quoteValue(value)}`);
	if (value.trim() === '') return [];
	const paths = splitPaths(value)?.map((path) => path.trim()).filter((path) => path !== '');
	if (paths === undefined) throw new InputError(FIELD, `Payload Keys Not Dialled ${quoteValue(value)} leaves a quoted key open`);
	if (paths.length === 0) throw new InputError(FIELD, `Payload Keys Not Dialled ${quoteValue(value)} names no payload path, e.g. order.id`);
	return paths.map(parsePath);
}

const stepMatches = (step: PathStep, key: string | number): boolean =>
	'any' in step || ('index' in step ? step.index === key : step.key === key);

/** Whether a place in the payload (its keys and indexes from the top) is, or lies under, one of `paths`. */
export const isUnder = (keys: ReadonlyArray<string | number>, paths: readonly PayloadPath[]): boolean =>
	paths.some((path) => path.length <= keys.length && path.every((step, at) => stepMatches(step, keys[at])));
