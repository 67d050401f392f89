import { PLIVO_PHLO_BASE_URL } from './defaults';
import { InputError } from './failures';
import { quoteValue } from './labels';

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Normalises the credential's base URL and refuses what must never receive the Auth Token. */
export function resolveBaseUrl(value: unknown): string {
	const text = (typeof value === 'string' ? value.trim() : '') || PLIVO_PHLO_BASE_URL;
	if (!URL.canParse(text)) {
		throw new InputError('baseUrl', `The credential's Base URL ${quoteValue(text)} is not a URL`);
	}
	const url = new URL(text);
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new InputError('baseUrl', "The credential's Base URL must start with https://");
	}
	if (url.username || url.password || url.search || url.hash) {
		throw new InputError(
			'baseUrl',
			"The credential's Base URL must not contain a user, a password, a query or a fragment",
		);
	}
	if (url.protocol === 'http:' && !LOOPBACK_HOST.test(url.hostname)) {
		throw new InputError(
			'baseUrl',
			`The credential's Base URL uses plain http:// for ${url.hostname}: use https://. Plain http would send the Auth Token readable on the network, so it is accepted only for loopback addresses (test doubles on this machine).`,
		);
	}
	return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
