/**
 * Wall-clock arithmetic in IANA time zones with `Intl` alone: what a zone's clock reads at an instant,
 * and the first instant at which it reads a given time. Daylight saving comes from the time-zone data
 * of the Node.js running n8n. A wall-clock reading is written as milliseconds, as if the zone were UTC.
 */

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;
/** Sunday first, as `Date.getDay` counts. */
export const WEEKDAYS: readonly Weekday[] = [0, 1, 2, 3, 4, 5, 6];
export const WEEKDAY_NAMES: readonly string[] = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export const MINUTE = 60_000;
export const DAY = 86_400_000;

const modulo = (value: number, divisor: number): number => ((value % divisor) + divisor) % divisor;
const twoDigits = (value: number): string => String(value).padStart(2, '0');

/** What the functions below read a zone's clock with: a formatter from `zoneClock`. */
export type ZoneClock = Pick<Intl.DateTimeFormat, 'formatToParts'>;

/** A formatter for `zone`'s clock. Making one is the slow part: make it once per check and pass it on. */
export function zoneClock(zone: string): ZoneClock {
	// The intersection admits hourCycle, which TypeScript lists from its es2020 lib on; Node.js has it since 12.
	const options: Intl.DateTimeFormatOptions & { hourCycle: 'h23' } = {
		timeZone: zone,
		hourCycle: 'h23',
		year: 'numeric',
		month: 'numeric',
		day: 'numeric',
		hour: 'numeric',
		minute: 'numeric',
		second: 'numeric',
	};
	return new Intl.DateTimeFormat('en-US', options);
}

/** What the zone's clock reads at `instant`. */
export function wallClock(clock: ZoneClock, instant: number): number {
	const field: Record<string, number> = {};
	for (const { type, value } of clock.formatToParts(instant)) field[type] = Number(value);
	// Some ICU versions write midnight as 24:00 of the day that starts, even with h23.
	const hour = field.hour % 24;
	return Date.UTC(field.year, field.month - 1, field.day, hour, field.minute, field.second) + modulo(instant, 1000);
}

/** How far the zone's clock is ahead of UTC at `instant`, in milliseconds. */
export const offsetAt = (clock: ZoneClock, instant: number): number => wallClock(clock, instant) - instant;

/**
 * The first instant at which the zone's clock reads `wall` or later. Where clocks go back and a time
 * comes twice, its first occurrence; where they go forward over it, the instant they jump.
 */
export function firstInstantAt(clock: ZoneClock, wall: number): number {
	// At most one change of offset lies within a day of `wall`: it reads with the offset before or after it.
	const withOffsetBefore = wall - offsetAt(clock, wall - DAY);
	const withOffsetAfter = wall - offsetAt(clock, wall + DAY);
	const exact = [withOffsetBefore, withOffsetAfter].filter((instant) => wallClock(clock, instant) === wall);
	if (exact.length > 0) return Math.min(...exact);
	// Skipped: the clock reads less than `wall` at `low` and more at `high`; the jump lies between them.
	let low = Math.min(withOffsetBefore, withOffsetAfter);
	let high = Math.max(withOffsetBefore, withOffsetAfter);
	while (high - low > 1) {
		const middle = Math.floor((low + high) / 2);
		if (wallClock(clock, middle) >= wall) high = middle;
		else low = middle;
	}
	return high;
}

/** The start of the local day a wall-clock reading falls on. */
export const dayOf = (wall: number): number => wall - modulo(wall, DAY);
export const weekdayOf = (wall: number): Weekday => WEEKDAYS[modulo(Math.floor(wall / DAY) + 4, 7)];
/** Minutes after local midnight. */
export const minutesOf = (wall: number): number => Math.floor(modulo(wall, DAY) / MINUTE);

/** `HH:MM` for minutes after midnight. */
export const clockText = (minutes: number): string => `${twoDigits(Math.floor(minutes / 60))}:${twoDigits(minutes % 60)}`;

/** `2026-12-06 23:40 (Sun)`: a wall-clock reading for a person. */
export const localTimeText = (wall: number): string =>
	`${new Date(dayOf(wall)).toISOString().slice(0, 10)} ${clockText(minutesOf(wall))} (${WEEKDAY_NAMES[weekdayOf(wall)]})`;

/** ISO 8601 with the zone's offset at that instant, to the second: `2026-12-07T08:00:00-05:00`. */
export function isoInZone(clock: ZoneClock, instant: number): string {
	const wall = wallClock(clock, instant);
	const offset = Math.round((wall - instant) / MINUTE);
	const sign = offset < 0 ? '-' : '+';
	const local = new Date(wall - modulo(wall, 1000)).toISOString().slice(0, 19);
	return `${local}${sign}${clockText(Math.abs(offset))}`;
}
