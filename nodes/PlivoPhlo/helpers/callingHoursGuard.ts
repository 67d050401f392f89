import { callingHoursVerdict, outsideCallingHours } from './callingHours';
import type { CallingHours } from './callingHoursSettings';
import { describeWindow } from './callingHoursWindow';
import type { Destination } from './destinations';
import { failureFacts, HeldBackFailure, InputError, type RequestTarget } from './failures';
import { timeZoneRequired, zonesForNumber } from './timeZones';

/** What Calling Hours found for an item allowed through: its window and the zones it held in. */
export interface CallingHoursPass {
	window: string;
	zones: string[];
}

/** The zones a destination may be in: the Time Zone given, else those its number decides. */
function zonesOf(destination: Destination, hours: CallingHours, now: number): string[] {
	if (hours.timeZone) return [hours.timeZone];
	const zones = zonesForNumber(destination.address, now)?.zones;
	if (zones) return zones;
	throw new InputError('callingHoursTimeZone', timeZoneRequired(destination.label, destination.address, now));
}

/**
 * Holds an item to Calling Hours at `now`: every destination it can make Plivo dial must be inside the
 * window in every zone it may be in. Outside it, the item fails as held back, with when the window
 * next opens for all of them (`retryAt`, with the zone's offset), so a workflow can wait until then.
 */
export function holdToCallingHours(destinations: Destination[], hours: CallingHours, now: number, target: RequestTarget): CallingHoursPass {
	const zonesByDestination = destinations.map((destination) => ({ destination, zones: zonesOf(destination, hours, now) }));
	const zones = [...new Set(zonesByDestination.flatMap((entry) => entry.zones))];
	const window = describeWindow(hours.window);
	if (zones.length === 0) return { window, zones };
	const verdict = callingHoursVerdict(hours.window, zones, now);
	if (verdict.open) return { window, zones };
	const { destination, zones: itsZones } = zonesByDestination.find((entry) => entry.zones.includes(verdict.zone)) ?? zonesByDestination[0];
	const refusal = outsideCallingHours(destination.label, destination.address, hours.window, itsZones, verdict);
	if (verdict.nextOpen === undefined || verdict.nextOpenMs === undefined) throw new InputError('callingHoursTimeZone', refusal);
	return heldBack(refusal, verdict.nextOpen, verdict.nextOpenMs, now, target);
}

function heldBack(refusal: string, retryAt: string, retryAtMs: number, now: number, target: RequestTarget): never {
	throw new HeldBackFailure(
		{ summary: 'Outside Calling Hours', detail: `${refusal}. Nothing was sent: send it again from then` },
		failureFacts('not_sent', target, { retryAt, retryAfterSeconds: Math.ceil((retryAtMs - now) / 1000) }),
	);
}
