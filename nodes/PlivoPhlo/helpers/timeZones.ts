import { InputError } from './failures';
import { fieldLabel, quoteValue } from './labels';
import { MINUTE, offsetAt, zoneClock } from './timeZoneClock';
import { TIME_ZONE_NAMES, TIME_ZONE_PREFIXES } from './timeZoneTable';

/** IANA names are letters, digits and `_ - + /`; offsets such as `+05:00` are refused, as older Node.js does. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/**
 * The Time Zone field: empty means "read it from the number" (undefined); otherwise an IANA name that
 * the Node.js running n8n knows, in any letter case. Returned as this Node.js spells it where that is
 * the same name (`america/new_york` → `America/New_York`); an alias it follows to another name
 * (`Asia/Kolkata`, `US/Eastern`) stays as the user gave it, since a message naming another zone misleads.
 */
export function parseTimeZone(field: string, value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	const text = typeof value === 'string' ? value.trim() : undefined;
	if (text === '') return undefined;
	let resolved: string | undefined;
	if (text !== undefined && ZONE_NAME.test(text)) {
		try {
			resolved = new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
		} catch {
			resolved = undefined;
		}
	}
	if (text === undefined || resolved === undefined) {
		throw new InputError(
			field,
			`${fieldLabel(field)} ${quoteValue(value)} is not a time zone n8n's Node.js knows; use an IANA name such as America/New_York`,
		);
	}
	return resolved.toLowerCase() === text.toLowerCase() ? resolved : text;
}

const ZONE_NAMES = TIME_ZONE_NAMES.join(' ').split(' ');

/** Every prefix of the table and the zones a number starting with it may be in. */
export const ZONES_BY_PREFIX: ReadonlyMap<string, readonly string[]> = new Map(
	TIME_ZONE_PREFIXES.join(';')
		.split(';')
		.flatMap((group) => {
			const [positions, prefixes] = group.split(':');
			const zones = positions.split(',').map((position) => ZONE_NAMES[Number(position)]);
			return prefixes.split(' ').map((prefix): [string, readonly string[]] => [prefix, zones]);
		}),
);

/** How a number's zones were found: its country code, its North American area code, or a finer +1 prefix. */
export type ZoneSource = 'country' | 'area code' | 'prefix';

/** The table's entry for a number as the node sends it: E.164 digits, with or without the leading +. */
function tableEntry(number: string): { prefix: string; zones: readonly string[]; by: ZoneSource } | undefined {
	const digits = number.startsWith('+') ? number.slice(1) : number;
	if (!/^\d+$/.test(digits)) return undefined;
	for (let length = digits.length; length > 0; length--) {
		const prefix = digits.slice(0, length);
		const zones = ZONES_BY_PREFIX.get(prefix);
		if (!zones) continue;
		// Only +1 has finer entries than its calling code (the table keeps no others).
		const by: ZoneSource = !prefix.startsWith('1') || prefix === '1' ? 'country' : prefix.length === 4 ? 'area code' : 'prefix';
		return { prefix, zones, by };
	}
	return undefined;
}

/**
 * The widest spread of zones a number may decide: 1½ hours, what one North American area code spans
 * at most in the table (709, Newfoundland and Labrador: America/St_Johns and America/Puerto_Rico in
 * summer). Wider readings (+1 with an unknown area code, +7, +52, +55, +61, +62, ...) decide nothing.
 */
export const MAX_ZONE_SPREAD_MINUTES = 90;

/**
 * The zones sorted by UTC offset and how far apart they are: the largest spread at `now` and in
 * mid-January and mid-July of its year, so that either hemisphere's summer time counts.
 */
function spreadOf(zones: readonly string[], now: number): { sorted: string[]; minutes: number } {
	const year = new Date(now).getUTCFullYear();
	const instants = [now, Date.UTC(year, 0, 15), Date.UTC(year, 6, 15)];
	const clocks = zones.map((zone) => ({ zone, clock: zoneClock(zone) }));
	let minutes = 0;
	for (const instant of instants) {
		const offsets = clocks.map(({ clock }) => offsetAt(clock, instant));
		minutes = Math.max(minutes, (Math.max(...offsets) - Math.min(...offsets)) / MINUTE);
	}
	const sorted = clocks.map(({ zone, clock }) => ({ zone, offset: offsetAt(clock, now) })).sort((a, b) => a.offset - b.offset);
	return { sorted: sorted.map(({ zone }) => zone), minutes };
}

/**
 * The time zones the number decides, where it decides them: one zone, or zones at most
 * MAX_ZONE_SPREAD_MINUTES apart (a window must then hold in all of them). Undefined for a SIP URI, a
 * number whose calling code the table lacks, or one whose zones lie wider apart.
 */
export function zonesForNumber(number: string, now: number): { zones: string[]; by: ZoneSource } | undefined {
	const entry = tableEntry(number);
	if (!entry) return undefined;
	if (entry.zones.length > 1 && spreadOf(entry.zones, now).minutes > MAX_ZONE_SPREAD_MINUTES) return undefined;
	return { zones: [...entry.zones], by: entry.by };
}

/** Why a number decides no time zone, for the message that asks for one. */
export function whyNoTimeZone(number: string, now: number): string {
	if (/^sips?:/i.test(number)) return 'a SIP address has no time zone';
	const entry = tableEntry(number);
	if (!entry) return 'its calling code is not in the time-zone table';
	const { sorted } = spreadOf(entry.zones, now);
	const plus = entry.by === 'country' ? `+${entry.prefix}` : `+1 ${entry.prefix.slice(1)}`;
	return `${plus} covers ${sorted.length} time zones, from ${sorted[0]} to ${sorted[sorted.length - 1]}`;
}

/** The refusal when Calling Hours is on and neither the Time Zone field nor the number gives a zone. */
export const timeZoneRequired = (label: string, address: string, now: number): string =>
	`${label} ${quoteValue(address)} needs a Time Zone for Calling Hours: ${whyNoTimeZone(address, now)}; ` +
	'set Time Zone to the IANA name of where the person is, e.g. {{ $json.contact.timezone }} from the CRM';
