import { jsonParse, type IDataObject } from 'n8n-workflow';

import { InputError } from './failures';

export const FIELD_LABELS: Readonly<Record<string, string>> = {
	phloId: 'PHLO ID',
	nodeId: 'Node ID',
	to: 'To',
	role: 'Role',
	triggerSource: 'Trigger Source',
	memberAddress: 'Member Address',
	payload: 'Payload',
	authId: 'Auth ID (credential)',
	baseUrl: 'Base URL (credential)',
	concurrency: 'Concurrency',
	maxRequestsPerSecond: 'Max Requests per Second',
	timeout: 'Timeout',
	deduplicationWindowMinutes: 'Deduplication Window',
};

const labelOf = (field: string): string => FIELD_LABELS[field] ?? field;

/** Quotes a user value for an error message without letting a huge value flood it. */
export function quoteValue(value: unknown): string {
	let text: string;
	if (typeof value === 'string') text = value;
	else if (value === undefined) text = 'undefined';
	else text = JSON.stringify(value) ?? String(value);
	return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

/** Separators people type inside phone numbers; they are removed, never sent. */
const PHONE_SEPARATORS = /[\s().-]/g;
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
			`${labelOf(field)} is required: a phone number such as +14155551234 or a SIP URI such as sip:agent@example.com`,
		);
	}
	if (/^sips?:/i.test(text)) {
		if (SIP_URI.test(text)) return text;
		throw new InputError(
			field,
			`${labelOf(field)} ${quoteValue(text)} is not a valid SIP URI; expected the form sip:user@host`,
		);
	}
	const digits = text.replace(PHONE_SEPARATORS, '');
	if (PHONE_NUMBER.test(digits)) return digits;
	throw new InputError(
		field,
		`${labelOf(field)} ${quoteValue(value)} is not a phone number or SIP URI; use digits with an optional leading + (e.g. +14155551234) or sip:user@host`,
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

/** Plivo IDs are UUIDs; this is looser on purpose but admits nothing that could change a URL path. */
const PLAIN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const UUID_ALL = new RegExp(UUID.source, 'gi');

function requireText(field: string, value: unknown, hint: string): string {
	const text = typeof value === 'string' ? value.trim() : '';
	if (!text) throw new InputError(field, `${labelOf(field)} is required; ${hint}`);
	return text;
}

const looksLikeUrl = (text: string): boolean => text.includes('/') || text.includes('?');

/** Accepts a bare ID (the Account ID of the credential too, which is part of the Run PHLO path). */
export function parsePlainId(field: string, value: unknown, hint: string): string {
	const text = requireText(field, value, hint);
	if (PLAIN_ID.test(text)) return text;
	throw new InputError(
		field,
		`${labelOf(field)} ${quoteValue(text)} is not an ID: only letters, digits, "-" and "_" are allowed`,
	);
}

/**
 * A PHLO ID, or a URL that holds one: Plivo's console (`…/phlo/edit/<id>`) or the PHLO API URL
 * (`…/v1/phlo/<id>/…`). The ID is the first UUID in the URL.
 */
export function parsePhloId(value: unknown): string {
	const hint = "copy it from the PHLO's page in Plivo's console (Voice > PHLO) or paste that page's URL";
	const text = requireText('phloId', value, hint);
	if (!looksLikeUrl(text)) return parsePlainId('phloId', text, hint);
	const found = text.match(UUID);
	if (found) return found[0].toLowerCase();
	throw new InputError('phloId', `PHLO ID: no PHLO ID found in the URL ${quoteValue(text)}; ${hint}`);
}

/**
 * A Multi-Party Call node ID, or a URL that holds one: the API URL (`…/multi_party_call/<id>`),
 * a URL with a `node_id`/`nodeId`/`node` query parameter, or any URL whose last UUID follows the PHLO's.
 */
export function parseNodeId(value: unknown): string {
	const hint = "copy it from the Multi-Party Call node's configuration in the PHLO editor";
	const text = requireText('nodeId', value, hint);
	if (!looksLikeUrl(text)) return parsePlainId('nodeId', text, hint);

	const afterNodeType = text.match(new RegExp(`multi_party_call/(${UUID.source})`, 'i'));
	if (afterNodeType) return afterNodeType[1].toLowerCase();
	const fromQuery = text.match(new RegExp(`[?&#](?:node_id|nodeId|node)=(${UUID.source})`, 'i'));
	if (fromQuery) return fromQuery[1].toLowerCase();
	const uuids = text.match(UUID_ALL) ?? [];
	if (uuids.length >= 2) return uuids[uuids.length - 1].toLowerCase();
	throw new InputError('nodeId', `Node ID: no Multi-Party Call node ID found in the URL ${quoteValue(text)}; ${hint}`);
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

/** A number option: finite and at least `minimum`. */
export function parseNumberOption(field: string, value: unknown, minimum: number): number {
	if (typeof value === 'number' && Number.isFinite(value) && value >= minimum) return value;
	throw new InputError(field, `${labelOf(field)} must be a number of at least ${minimum}; got ${JSON.stringify(value)}`);
}
