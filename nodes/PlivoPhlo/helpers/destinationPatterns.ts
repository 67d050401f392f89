import { normaliseText, withoutFormatting } from './destinationText';
import { InputError } from './failures';
import { quoteValue } from './labels';
import { globMatches, parseSipPattern, parseSipUri, sipMatches, type SipPattern } from './sipUri';

/** The Allowed Destinations option, read. */
export interface AllowedDestinations {
	/** The option as written, for messages. */
	readonly text: string;
	/** No pattern at all: every destination is allowed. */
	readonly empty: boolean;
	/** Phone patterns as digits without `+`, `*` for any digits. */
	readonly phone: readonly string[];
	readonly sip: readonly SipPattern[];
}

const FIELD = 'allowedDestinations';
const SIP_SCHEME = /^sips?:/i;
const TEL_SCHEME = /^tel:/i;
const PHONE_PATTERN = /^\+?[0-9*]+$/;
const PHONE_ADDRESS = /^\+?[0-9]+$/;

/**
 * A phone number read as a dialler reads it: `+` or not, the same digits are the same number (Plivo
 * dials `14155551234` and `+14155551234` alike); a national form such as `07911…` stays its own digits.
 */
const phoneDigits = (text: string): string | undefined => {
	const number = withoutFormatting(normaliseText(text));
	return PHONE_ADDRESS.test(number) ? number.replace('+', '') : undefined;
};

/** A `tel:` URI's phone number (before its parameters), or undefined when it holds anything but a number. */
export const telNumber = (uri: string): string | undefined => {
	const number = withoutFormatting(uri.replace(TEL_SCHEME, '').split(';')[0]);
	return PHONE_ADDRESS.test(number) ? number : undefined;
};

function parsePattern(pattern: string): { phone: string } | { sip: SipPattern } {
	if (SIP_SCHEME.test(pattern)) {
		const sip = parseSipPattern(pattern);
		if (sip) return { sip };
	} else {
		const phone = withoutFormatting(pattern.replace(TEL_SCHEME, ''));
		if (PHONE_PATTERN.test(phone) && phone !== '+') return { phone: phone.replace('+', '') };
	}
	throw new InputError(
		FIELD,
		`Allowed Destinations pattern ${quoteValue(pattern)} is neither a phone number pattern (digits, an optional leading +, * for any digits: +1415*) nor a SIP pattern (sip:user@host, * within the user or within the host: sip:*@example.com)`,
	);
}

/**
 * Patterns separated by commas or new lines; `*` matches any digits of a phone number, or any characters
 * within a SIP URI's user or within its host. Blank allows everything; text that holds no pattern (`,`)
 * is refused rather than read as blank, so a slip cannot switch the check off.
 */
export function parseAllowedDestinations(value: unknown): AllowedDestinations {
	if (value !== undefined && value !== null && typeof value !== 'string') {
		throw new InputError(FIELD, `Allowed Destinations must be text, such as +1415*, sip:*@example.com; got ${quoteValue(value)}`);
	}
	const text = value ?? '';
	if (text.trim() === '') return { text, empty: true, phone: [], sip: [] };
	const patterns = text
		.split(/[,\n]/)
		.map((pattern) => normaliseText(pattern).trim())
		.filter((pattern) => pattern !== '');
	if (patterns.length === 0) {
		throw new InputError(
			FIELD,
			`Allowed Destinations ${quoteValue(text)} holds no pattern: write patterns such as +1415*, sip:*@example.com, or leave it empty to allow any destination`,
		);
	}
	const parsed = patterns.map(parsePattern);
	return {
		text,
		empty: false,
		phone: parsed.flatMap((pattern) => ('phone' in pattern ? [pattern.phone] : [])),
		sip: parsed.flatMap((pattern) => ('sip' in pattern ? [pattern.sip] : [])),
	};
}

/**
 * Whether the patterns allow an address as it would be dialled: a phone number (`+` optional), a `tel:`
 * URI (its number) or a SIP URI (its parts). An address that reads as none of them is not allowed.
 */
export function isAllowed(address: string, allowed: AllowedDestinations): boolean {
	if (allowed.empty) return true;
	if (SIP_SCHEME.test(address)) {
		const uri = parseSipUri(address);
		return uri !== undefined && allowed.sip.some((pattern) => sipMatches(pattern, uri));
	}
	const digits = phoneDigits(TEL_SCHEME.test(address) ? (telNumber(address) ?? '') : address);
	return digits !== undefined && allowed.phone.some((pattern) => globMatches(pattern, digits));
}

/** Why an address is refused when it is not even well formed, for the message; undefined when it is. */
export function malformation(address: string): string | undefined {
	if (SIP_SCHEME.test(address)) return parseSipUri(address) ? undefined : 'is not a SIP URI the node can read (sip:user@host)';
	if (TEL_SCHEME.test(address)) return telNumber(address) !== undefined ? undefined : 'is not a tel: URI holding a phone number';
	return phoneDigits(address) !== undefined ? undefined : 'is not a phone number';
}
