import { isAllowed, malformation, type AllowedDestinations } from './destinationPatterns';
import { readDestinations } from './destinationReading';
import { InputError } from './failures';
import { quoteValue } from './labels';
import { shownPath, type PayloadPath } from './payloadPaths';
import { payloadTexts } from './payloadWalk';

export { parseAllowedDestinations, type AllowedDestinations } from './destinationPatterns';
export { parsePayloadPaths, type PayloadPath } from './payloadPaths';

/** An address a request can make Plivo dial, and the parameter it came from, as errors name it. */
export interface Destination {
	/** The parameter at fault, e.g. `to` or `payload.customer.number`. */
	field: string;
	/** How the message names it, e.g. `To` or `Payload value at customer.number`. */
	label: string;
	/** As it would be dialled: `+` and digits, or the SIP URI as written (normalised). */
	address: string;
	/** The text it was read from, when that holds more than the address (a list, a sentence, a `tel:` URI). */
	within?: string;
}

export function assertAllowedDestination({ field, label, address, within }: Destination, allowed: AllowedDestinations): void {
	if (isAllowed(address, allowed)) return;
	const patterns = `(allowed: ${allowed.text.trim()})`;
	const subject = within === undefined ? `${label} ${quoteValue(address)}` : `${label} ${quoteValue(within)} holds ${quoteValue(address)}, which`;
	const why = malformation(address);
	const verdict = why === undefined ? 'is not an allowed destination' : `${why}, so it is not an allowed destination`;
	throw new InputError(field, `${subject} ${verdict} ${patterns}`);
}

/**
 * Everything in a Run PHLO payload that Plivo could dial: every phone number and SIP or tel URI in
 * every string or number value and every key, at any depth (see `readDestinations`), except at or
 * under the `notDialled` paths. The node cannot know which value the PHLO dials, so it reads them all.
 */
export function payloadDestinations(payload: object, notDialled: readonly PayloadPath[] = []): Destination[] {
	return payloadTexts(payload, notDialled).flatMap(({ path, kind, text }) => {
		const { addresses, whole } = readDestinations(text);
		return addresses.map((address) => ({
			field: path.startsWith('[') ? `payload${path}` : `payload.${path}`,
			label: `Payload ${kind} at ${shownPath(path)}`,
			address,
			...(whole ? {} : { within: text }),
		}));
	});
}
