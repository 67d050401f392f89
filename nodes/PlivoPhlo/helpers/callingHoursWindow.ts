import { InputError } from './failures';
import { fieldLabel, quoteValue } from './labels';
import { WEEKDAY_NAMES, WEEKDAYS, clockText, type Weekday } from './timeZoneClock';

export type { Weekday } from './timeZoneClock';

/**
 * When calls may start, in the called party's local time. `start` and `end` are minutes after local
 * midnight; an `end` at or before `start` closes the next day (22:00–06:00), and `end` equal to
 * `start` keeps it open 24 hours. `days` are the days a window opens on (0 = Sunday, as `Date.getDay`).
 */
export interface CallingWindow {
	start: number;
	end: number;
	days: ReadonlySet<Weekday>;
}

/**
 * US federal: 47 CFR 64.1200(c)(1), no telephone solicitation before 8 a.m. or after 9 p.m. at the
 * called party's location. Florida: § 501.616(6) and § 501.059(8)(a), 8 a.m. to 8 p.m. Every day.
 */
export const CALLING_HOURS_PRESETS = {
	usFederal: { start: '08:00', end: '21:00' },
	florida: { start: '08:00', end: '20:00' },
} as const;

export const EVERY_DAY: ReadonlySet<Weekday> = new Set(WEEKDAYS);

const TIME_OF_DAY = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** `08:00`, `8:00`, `20:30` → minutes after midnight; `24:00` is midnight, for an end. */
export function parseTimeOfDay(field: string, value: unknown): number {
	const text = typeof value === 'string' ? value.trim() : '';
	if (text === '24:00') return 0;
	const match = TIME_OF_DAY.exec(text);
	if (match) return Number(match[1]) * 60 + Number(match[2]);
	throw new InputError(field, `${fieldLabel(field)} ${quoteValue(value)} is not a time of day; use 24-hour HH:MM such as 08:00 or 21:00`);
}

/** `sun` and `sunday` to 0, and so on; `0` to `6` as numbers or text. */
const DAY_NAMES: ReadonlyMap<string, Weekday> = new Map(
	WEEKDAYS.flatMap((day): Array<[string, Weekday]> => {
		const short = WEEKDAY_NAMES[day].toLowerCase();
		const long = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][day];
		return [[short, day], [long, day], [String(day), day]];
	}),
);

/** Days as n8n's multi-select gives them (`['mon', 'tue']`), or as text (`Mon, Tue`); 0–6 count from Sunday. */
export function parseWeekdays(field: string, value: unknown): ReadonlySet<Weekday> {
	const entries = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[,\s]+/).filter((entry) => entry !== '') : [];
	const days = new Set<Weekday>();
	for (const entry of entries) {
		const day = DAY_NAMES.get(String(entry).trim().toLowerCase());
		if (day === undefined) {
			throw new InputError(field, `${fieldLabel(field)}: ${quoteValue(entry)} is not a day of the week; use Mon, Tue, ... Sun`);
		}
		days.add(day);
	}
	if (days.size === 0) throw new InputError(field, `${fieldLabel(field)} names no day; choose at least one`);
	return days;
}

const MONDAY_FIRST: readonly Weekday[] = [1, 2, 3, 4, 5, 6, 0];

/** `Mon–Fri`, `Sat, Sun`, `Mon–Sun`: the days from Monday on, three or more in a row as a range. */
export function describeDays(days: ReadonlySet<Weekday>): string {
	const runs: Weekday[][] = [];
	MONDAY_FIRST.forEach((day, position) => {
		if (!days.has(day)) return;
		if (position > 0 && days.has(MONDAY_FIRST[position - 1])) runs[runs.length - 1].push(day);
		else runs.push([day]);
	});
	const name = (day: Weekday) => WEEKDAY_NAMES[day];
	return runs
		.map((run) => (run.length >= 3 ? `${name(run[0])}–${name(run[run.length - 1])}` : run.map(name).join(', ')))
		.join(', ');
}

/** `08:00–21:00 Mon–Sun`. */
export const describeWindow = ({ start, end, days }: CallingWindow): string =>
	`${clockText(start)}–${clockText(end)} ${describeDays(days)}`;
