import { normaliseText } from './destinationText';

/** A SIP URI in the parts that decide where a call goes. */
export interface SipUri {
	scheme: 'sip' | 'sips';
	/** Percent-decoded and normalised. */
	user: string;
	/** Lower case. */
	host: string;
	port?: string;
	params: string[];
	headers: string[];
}

const SCHEME = /^(sips?):([\s\S]*)$/i;
/**
 * RFC 3261's user characters, without `;`, `?`, `/` and `:` (a password): each is allowed by the RFC, but
 * a parser that stops the user there reads a different host from the same text.
 */
const USER = /^[A-Za-z0-9\-_.!~*'()&=+$,%]+$/;
const HOST_PORT_TAIL = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?([;?][\s\S]*)?$/i;
const HOST_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;

const decoded = (text: string): string | undefined => {
	try {
		return decodeURIComponent(text);
	} catch {
		return undefined;
	}
};

/** The scheme, the user (percent-decoded, normalised) and what follows the one `@`, or undefined. */
function splitAtUser(text: string): { scheme: 'sip' | 'sips'; user: string; rest: string } | undefined {
	const [, scheme, body] = SCHEME.exec(text) ?? [];
	if (scheme === undefined || body === undefined) return undefined;
	const parts = body.split('@');
	if (parts.length !== 2 || !USER.test(parts[0])) return undefined;
	const user = decoded(parts[0]);
	return user ? { scheme: scheme.toLowerCase() as 'sip' | 'sips', user: normaliseText(user), rest: parts[1] } : undefined;
}

/**
 * `sip:user@host[:port][;params][?headers]` (or `sips:`), or undefined for anything else: no user, no
 * host or an empty one, two `@`, a `%` or other character a host cannot hold, a user that does not
 * percent-decode. Whatever cannot be read this way is refused as a destination, never guessed at.
 */
export function parseSipUri(text: string): SipUri | undefined {
	const split = splitAtUser(text);
	const [, host, port, tail = ''] = (split && HOST_PORT_TAIL.exec(split.rest)) ?? [];
	if (!split || host === undefined || !(host.startsWith('[') || HOST_NAME.test(host.toLowerCase()))) return undefined;
	const [params, ...headers] = tail.split('?');
	return {
		scheme: split.scheme,
		user: split.user,
		host: host.toLowerCase(),
		port,
		params: params.split(';').slice(1),
		headers: headers.join('?').split('&').filter(Boolean),
	};
}

/** A SIP pattern: `*` matches any characters within the user, or within the host; the port only when named. */
export interface SipPattern {
	scheme: 'sip' | 'sips';
	user: string;
	host: string;
	port?: string;
}

const PATTERN_HOST_PORT = /^(\[[0-9a-f:.*]+\]|[a-z0-9.*-]+)(?::(\d{1,5}))?$/i;

/** `sip:user@host[:port]` with `*` in the user or the host, or undefined when it is not one. */
export function parseSipPattern(text: string): SipPattern | undefined {
	const split = splitAtUser(text);
	const [, host, port] = (split && PATTERN_HOST_PORT.exec(split.rest)) ?? [];
	if (!split || host === undefined) return undefined;
	return { scheme: split.scheme, user: split.user, host: host.toLowerCase(), port };
}

/**
 * Whether `text` matches `glob`, where `*` stands for any characters. A linear walk that goes back only
 * to the last `*`, so a long text cannot make it slow the way a regular expression can.
 */
export function globMatches(glob: string, text: string): boolean {
	let globAt = 0;
	let textAt = 0;
	let star = -1;
	let resumeAt = 0;
	while (textAt < text.length) {
		if (glob[globAt] === '*') {
			star = globAt++;
			resumeAt = textAt;
		} else if (globAt < glob.length && glob[globAt] === text[textAt]) {
			globAt++;
			textAt++;
		} else if (star >= 0) {
			globAt = star + 1;
			textAt = ++resumeAt;
		} else {
			return false;
		}
	}
	while (glob[globAt] === '*') globAt++;
	return globAt === glob.length;
}

const MADDR = /^maddr=/i;

/**
 * The hosts a call to the URI may be sent to: its host, and any `maddr` parameter, which tells a SIP server
 * to send the request there instead (RFC 3261, 19.1.1). Other parameters and headers do not move the call.
 */
const routedHosts = (uri: SipUri): string[] => [
	uri.host,
	...uri.params.filter((param) => MADDR.test(param)).map((param) => (decoded(param.slice('maddr='.length)) ?? '').toLowerCase()),
];

export const sipMatches = (pattern: SipPattern, uri: SipUri): boolean =>
	pattern.scheme === uri.scheme &&
	globMatches(pattern.user, uri.user) &&
	routedHosts(uri).every((host) => globMatches(pattern.host, host)) &&
	(pattern.port === undefined || pattern.port === uri.port);
