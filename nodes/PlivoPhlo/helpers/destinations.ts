import { InputError } from './failures';
import { quoteValue } from './labels';
import { PHONE_SEPARATORS } from './validation';

/** An address a request can make Plivo dial, and the parameter it came from, as errors name it. */
export interface Destination {
	/** The parameter at fault, e.g. `to` or `payload.customer.number`. */
	field: string;
	/** How the message names it, e.g. `To` or `Payload value at customer.number`. */
	label: string;
	/** As it would be dialled: separators removed. */
	address: string;
}

/**
 * Patterns for destinations the node may dial, separated by commas or new lines; `*` matches any
 * characters. Matched against the address as it will be sent (separators already removed).
 */
export function parseAllowedDestinations(value: unknown): RegExp[] {
	const text = typeof value === 'string' ? value : '';
	return text
		.split(/[,\n]/)
		.map((pattern) => pattern.trim())
		.filter((pattern) => pattern !== '')
		.map(
			(pattern) =>
				new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i'),
		);
}

export function assertAllowedDestination({ field, label, address }: Destination, allowed: RegExp[], patterns: string): void {
	if (allowed.length === 0) return;
	if (allowed.some((pattern) => pattern.test(address))) return;
	throw new InputError(field, `${label} ${quoteValue(address)} is not an allowed destination (allowed: ${patterns.trim()})`);
}

/**
 * 7 to 15 digits: E.164 numbers, which are what Plivo dials, are at most 15 digits with the country code,
 * and the shortest in use have 7 (e.g. Niue, +683 and four digits). Fewer digits (counts, amounts, short
 * codes) are left alone; more cannot be dialled (To refuses them too).
 */
const PHONE_LIKE = /^\+?\d{7,15}$/;
/** Always read as an address, valid or not, so that a malformed one is refused rather than let through. */
const SIP_PREFIX = /^sips?:/i;
const TEL_PREFIX = /^tel:/i;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The address a payload value would be dialled as, or undefined when it does not read as one. */
function addressOf(value: unknown): string | undefined {
	let text: string;
	if (typeof value === 'string') text = value.trim();
	else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
	else return undefined;

	if (SIP_PREFIX.test(text)) return text;
	const digits = text.replace(TEL_PREFIX, '').replace(PHONE_SEPARATORS, '');
	return TEL_PREFIX.test(text) || PHONE_LIKE.test(digits) ? digits : undefined;
}

function childPath(path: string, key: string | number): string {
	if (typeof key === 'number') return `${path}[${key}]`;
	if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`;
	return path ? `${path}.${key}` : key;
}

/**
 * Every value in a Run PHLO payload, at any depth, that reads as something Plivo could dial: a phone
 * number (a string or a number of 7 to 15 digits once spaces, dots, dashes and parentheses are removed,
 * with an optional leading +), or a `sip:`, `sips:` or `tel:` URI. Keys do not matter: the node cannot
 * know which value the PHLO dials. Paths read like JavaScript: `customer.number`, `numbers[1]`, `["a b"]`.
 */
export function phoneLikeValues(value: unknown, path = ''): Array<{ path: string; address: string }> {
	if (Array.isArray(value)) return value.flatMap((entry, index) => phoneLikeValues(entry, childPath(path, index)));
	if (typeof value === 'object' && value !== null) {
		return Object.entries(value).flatMap(([key, entry]) => phoneLikeValues(entry, childPath(path, key)));
	}
	const address = addressOf(value);
	return address === undefined ? [] : [{ path, address }];
}

/** The payload's phone-like values as destinations, each named by its place in the payload. */
export const payloadDestinations = (payload: object): Destination[] =>
	phoneLikeValues(payload).map(({ path, address }) => ({
		field: path.startsWith('[') ? `payload${path}` : `payload.${path}`,
		label: `Payload value at ${path}`,
		address,
	}));
