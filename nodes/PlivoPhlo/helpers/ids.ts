import { InputError } from './failures';
import { fieldLabel, quoteValue } from './labels';

/** Plivo IDs are UUIDs; this is looser on purpose but admits nothing that could change a URL path. */
const PLAIN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const UUID_ALL = new RegExp(UUID.source, 'gi');

function requireText(field: string, value: unknown, hint: string): string {
	const text = typeof value === 'string' ? value.trim() : '';
	if (!text) throw new InputError(field, `${fieldLabel(field)} is required; ${hint}`);
	return text;
}

const looksLikeUrl = (text: string): boolean => text.includes('/') || text.includes('?');

/** Accepts a bare ID (the Account ID of the credential too, which is part of the Run PHLO path). */
export function parsePlainId(field: string, value: unknown, hint: string): string {
	const text = requireText(field, value, hint);
	if (PLAIN_ID.test(text)) return text;
	throw new InputError(
		field,
		`${fieldLabel(field)} ${quoteValue(text)} is not an ID: only letters, digits, "-" and "_" are allowed`,
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
