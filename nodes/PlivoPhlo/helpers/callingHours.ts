import { describeWindow, type CallingWindow } from './callingHoursWindow';
import { quoteValue } from './labels';
import { DAY, MINUTE, dayOf, firstInstantAt, isoInZone, localTimeText, wallClock, weekdayOf, zoneClock, type ZoneClock } from './timeZoneClock';

/** A call the window does not allow now, and when it would. */
export interface OutsideCallingHours {
	open: false;
	/**
	 * The zone the times below are read in: a zone closed now whose window opens at `nextOpen` (the one
	 * that opens last), else the first zone closed now. A zone open now would not explain the refusal.
	 */
	zone: string;
	/** Its local time now, e.g. `2026-12-06 23:40 (Sun)`. */
	localTime: string;
	/** Whether every zone's clock reads that now (e.g. Europe/London and Europe/Jersey for +44). */
	sameLocalTimeInAll: boolean;
	/** When the window next holds in every zone, with the offset of `zone`; absent when it never does. */
	nextOpen?: string;
	nextOpenMs?: number;
}

export type CallingHoursVerdict = { open: true } | OutsideCallingHours;

/**
 * How many local days ahead openings are looked for: a week brings every day of the week once, the
 * rest covers zones whose dates differ. Windows that hold in all zones at once by then never do.
 */
const DAYS_AHEAD = 9;

/** The windows opening on local days `from` to `to` (0 = today in the zone): [open, close) instants. */
function openings(window: CallingWindow, clock: ZoneClock, today: number, from: number, to: number): Array<[number, number]> {
	const length = (window.end - window.start + 24 * 60) % (24 * 60) || 24 * 60;
	const found: Array<[number, number]> = [];
	for (let offset = from; offset <= to; offset++) {
		const day = today + offset * DAY;
		if (!window.days.has(weekdayOf(day))) continue;
		const opens = day + window.start * MINUTE;
		found.push([firstInstantAt(clock, opens), firstInstantAt(clock, opens + length * MINUTE)]);
	}
	return found;
}

const isInside = (windows: Array<[number, number]>, instant: number): boolean =>
	windows.some(([opens, closes]) => opens <= instant && instant < closes);

/**
 * Whether `window` holds at `now` in every one of `zones` (a number that may be in several must be
 * callable in all), and if not, when it next does: the earliest instant inside a window in each zone.
 */
export function callingHoursVerdict(window: CallingWindow, zones: readonly string[], now: number): CallingHoursVerdict {
	// No zone would make every window hold: refuse to answer rather than let a call through.
	if (zones.length === 0) throw new Error('Calling Hours needs at least one time zone');
	const perZone = zones.map((zone) => {
		const clock = zoneClock(zone);
		const today = dayOf(wallClock(clock, now));
		// Yesterday's window may cross midnight into today.
		return { zone, clock, today, windows: openings(window, clock, today, -1, 0) };
	});
	if (perZone.every(({ windows }) => isInside(windows, now))) return { open: true };

	const closedNow = perZone.filter(({ windows }) => !isInside(windows, now));
	for (const entry of perZone) entry.windows.push(...openings(window, entry.clock, entry.today, 1, DAYS_AHEAD));
	const openAt = (instant: number) => perZone.every(({ windows }) => isInside(windows, instant));
	const candidates = perZone.flatMap(({ windows }) => windows.map(([opens]) => opens)).filter((opens) => opens > now);
	const next = candidates.sort((a, b) => a - b).find(openAt);
	const { zone, clock } = closedNow.find(({ windows }) => windows.some(([opens]) => opens === next)) ?? closedNow[0];
	const localTime = localTimeText(wallClock(clock, now));
	const sameLocalTimeInAll = perZone.every((entry) => localTimeText(wallClock(entry.clock, now)) === localTime);
	if (next === undefined) return { open: false, zone, localTime, sameLocalTimeInAll };
	return { open: false, zone, localTime, sameLocalTimeInAll, nextOpen: isoInZone(clock, next), nextOpenMs: next };
}

const zoneList = (zones: readonly string[]): string =>
	zones.length <= 2 ? zones.join(' and ') : `${zones.slice(0, -1).join(', ')} and ${zones[zones.length - 1]}`;

/**
 * The refusal of a call outside its window, e.g. `To "+12125551234" is outside Calling Hours
 * (08:00–21:00 Mon–Sun, America/New_York): it is 2026-12-06 23:40 (Sun) there; the window opens
 * 2026-12-07T08:00:00-05:00`.
 */
export function outsideCallingHours(
	label: string,
	address: string,
	window: CallingWindow,
	zones: readonly string[],
	verdict: OutsideCallingHours,
): string {
	const where = verdict.sameLocalTimeInAll ? 'there' : `in ${verdict.zone}`;
	const next =
		verdict.nextOpen === undefined
			? `the window is never open in ${zoneList(zones)} at the same time; set Time Zone to the one the person is in`
			: `the window opens ${verdict.nextOpen}`;
	return `${label} ${quoteValue(address)} is outside Calling Hours (${describeWindow(window)}, ${zoneList(zones)}): it is ${verdict.localTime} ${where}; ${next}`;
}
