import { jsonParse, type IDataObject } from 'n8n-workflow';

import { InputError } from './failures';
import { fieldLabel, quoteValue } from './labels';

/** Separators people type inside phone numbers; they are removed, never sent. */
export const PHONE_SEPARATORS = /[\s().-]/g;
/** E.164 allows at most 15 digits; fewer than 3 cannot be a routable number. */
const PHONE_NUMBER = /^\+?\d{3,15}$/;
const SIP_URI =
	/^sips?:[A-Za-z0-9._~+-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:;[A-Za-z0-9._~-]+(?:=[A-Za-z0-9._~-]+)?)*$/i;

/**
 * A phone number (digits with an optional leading +; spaces, dots, dashes and parentheses are
 * stripped) or a SIP URI (`sip:user@host`). Returns the value exactly as it will be sent.
 */
export function parseAddress(field: string, value: unknown): string {
	let text: string | undefined;
	if (typeof value === 'string') text = value.trim();
	else if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) text = String(value);

	if (!text) {
		throw new InputError(
			field,
			`${fieldLabel(field)} is required: a phone number such as +14155551234 or a SIP URI such as sip:agent@example.com`,
		);
	}
	if (/^sips?:/i.test(text)) {
		if (SIP_URI.test(text)) return text;
		throw new InputError(
			field,
			`${fieldLabel(field)} ${quoteValue(text)} is not a valid SIP URI; expected the form sip:user@host`,
		);
	}
	const digits = text.replace(PHONE_SEPARATORS, '');
	if (PHONE_NUMBER.test(digits)) return digits;
	throw new InputError(
		field,
		`${fieldLabel(field)} ${quoteValue(value)} is not a phone number or SIP URI; use digits with an optional leading + (e.g. +14155551234) or sip:user@host`,
	);
}

export type Role = 'agent' | 'customer';
const ROLES: readonly Role[] = ['agent', 'customer'];

export function parseRole(value: unknown): Role {
	const role = typeof value === 'string' ? value.trim().toLowerCase() : value;
	const match = ROLES.find((candidate) => candidate === role);
	if (match) return match;
	throw new InputError('role', `Role ${quoteValue(value)} is not allowed; use "agent" or "customer"`);
}

/** The Run PHLO payload: a JSON object, given as an object or as JSON text. */
export function parsePayload(value: unknown): IDataObject {
	let parsed: unknown = value;
	if (typeof value === 'string') {
		const text = value.trim();
		if (text === '') return {};
		const notJson = {};
		parsed = jsonParse<unknown>(text, { fallbackValue: notJson });
		if (parsed === notJson) throw new InputError('payload', `Payload is not valid JSON: ${quoteValue(text)}`);
	}
	if (parsed === undefined || parsed === null) return {};
	if (typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as IDataObject;
	throw new InputError(
		'payload',
		`Payload must be a JSON object such as {"from": "+14155551234", "to": "+14155550000"}; got ${quoteValue(parsed)}`,
	);
}

/** A number option: finite, at least `minimum` and, when given, at most `maximum`. */
export function parseNumberOption(field: string, value: unknown, minimum: number, maximum = Number.POSITIVE_INFINITY): number {
	if (typeof value === 'number' && Number.isFinite(value) && value >= minimum && value <= maximum) return value;
	const range = maximum === Number.POSITIVE_INFINITY ? `of at least ${minimum}` : `from ${minimum} to ${maximum}`;
	throw new InputError(field, `${fieldLabel(field)} must be a number ${range}; got ${JSON.stringify(value)}`);
}
