import { telNumber } from './destinationPatterns';
import { FORMATTING, normaliseText } from './destinationText';

/**
 * Every address a text could make Plivo dial, however it is written: the SIP and tel URIs in it, and
 * every reading of its digits as a phone number. Over-reading costs a refusal the user can act on;
 * under-reading dials someone.
 */

/**
 * A URI starts at its scheme, anywhere (`<sip:…>`, `call sip:…`), and ends at a blank, `<`, `>`, a quote,
 * a comma, or where another URI starts: Plivo separates destinations with `<`, lists use commas.
 */
const URI = /(?:sips?|tel):(?:(?!(?:sips?|tel):)[^\s<>"',])*/gi;
const TEL = /^tel:/i;
/** What lies between letters: letters and the marks on them end a number. */
const CLUSTER = /[^\p{L}\p{M}]+/gu;
const DIGITS = /[0-9]+/g;

/** E.164: at most 15 digits with the country code; 7 is the shortest number in use (Niue: +683 and four digits). */
const MIN_DIGITS = 7;
const MAX_DIGITS = 15;

interface Group {
	digits: string;
	/** A `+` stands between this group and the one before it (or the start of the cluster). */
	plus: boolean;
	/** Only formatting (spaces, dots, dashes, brackets, `/`, `_`) stands between this group and the one before it. */
	formatted: boolean;
}

function groupsOf(cluster: string): Group[] {
	const groups: Group[] = [];
	let end = 0;
	for (const match of cluster.matchAll(DIGITS)) {
		const between = cluster.slice(end, match.index);
		groups.push({ digits: match[0], plus: between.includes('+'), formatted: groups.length > 0 && FORMATTING.test(between) });
		end = (match.index ?? 0) + match[0].length;
	}
	return groups;
}

/**
 * The phone numbers a cluster could hold: every run of whole digit groups with 7 to 15 digits and no `+`
 * after its first group. A run is left out only when it lies inside a longer run of at most 15 digits
 * joined by formatting alone (`+44 7911 123456` is one number, not also `7911123456`), since that longer
 * run is itself read; a comma, `<`, a line break or a `+` keeps both readings.
 */
function numbersIn(cluster: string): string[] {
	const groups = groupsOf(cluster);
	const found: string[] = [];
	for (let first = 0; first < groups.length; first++) {
		let digits = '';
		let formatted = true;
		for (let last = first; last < groups.length; last++) {
			if (last > first && groups[last].plus) break;
			digits += groups[last].digits;
			if (digits.length > MAX_DIGITS) break;
			if (last > first) formatted &&= groups[last].formatted;
			// A neighbouring group joined by formatting alone, the run staying within 15 digits.
			const joins = (neighbour: Group | undefined, byFormatting: boolean | undefined) =>
				neighbour !== undefined && byFormatting === true && digits.length + neighbour.digits.length <= MAX_DIGITS;
			const insideLonger = formatted && (joins(groups[first - 1], groups[first].formatted) || joins(groups[last + 1], groups[last + 1]?.formatted));
			if (digits.length >= MIN_DIGITS && !insideLonger) found.push(`${groups[first].plus ? '+' : ''}${digits}`);
		}
	}
	return found;
}

/** What a text holds that Plivo could dial, each once; `whole` when that is one address, written as the text itself. */
export function readDestinations(text: string): { addresses: string[]; whole: boolean } {
	const normalised = normaliseText(text);
	const addresses = new Set<string>();
	for (const [uri] of normalised.matchAll(URI)) {
		if (!TEL.test(uri)) addresses.add(uri);
		// A bare `Tel:` (`Tel: +1 415…`) dials nothing itself: the number after it is read as a number.
		else if (uri.length > 'tel:'.length) addresses.add(telNumber(uri) ?? uri);
	}
	// A URI's text is not read again for numbers, and ends the numbers on either side of it, as letters do.
	for (const part of normalised.split(URI)) {
		for (const [cluster] of part.matchAll(CLUSTER)) for (const number of numbersIn(cluster)) addresses.add(number);
	}
	const found = [...addresses];
	return { addresses: found, whole: found.length === 1 && text.trim() === found[0] };
}
