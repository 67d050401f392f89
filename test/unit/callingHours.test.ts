import fc from 'fast-check';

import { callingHoursVerdict, outsideCallingHours, type OutsideCallingHours } from '../../nodes/PlivoPhlo/helpers/callingHours';
import {
	CALLING_HOURS_PRESETS,
	EVERY_DAY,
	describeWindow,
	parseTimeOfDay,
	parseWeekdays,
	type CallingWindow,
} from '../../nodes/PlivoPhlo/helpers/callingHoursWindow';
import type { Weekday } from '../../nodes/PlivoPhlo/helpers/timeZoneClock';

const at = (iso: string): number => Date.parse(iso);
const window = (start: string, end: string, days: ReadonlySet<Weekday> = EVERY_DAY): CallingWindow => ({
	start: parseTimeOfDay('start', start),
	end: parseTimeOfDay('end', end),
	days,
});
const MON_FRI: ReadonlySet<Weekday> = new Set<Weekday>([1, 2, 3, 4, 5]);
const WEEKEND: ReadonlySet<Weekday> = new Set<Weekday>([0, 6]);
const US_FEDERAL = window(CALLING_HOURS_PRESETS.usFederal.start, CALLING_HOURS_PRESETS.usFederal.end);

function closed(calling: CallingWindow, zones: string[], now: number): OutsideCallingHours {
	const verdict = callingHoursVerdict(calling, zones, now);
	if (verdict.open) throw new Error(`expected ${describeWindow(calling)} to be closed at ${new Date(now).toISOString()} in ${zones.join(', ')}`);
	return verdict;
}
const isOpen = (calling: CallingWindow, zones: string[], now: number): boolean => callingHoursVerdict(calling, zones, now).open;

describe('callingHoursVerdict: one zone', () => {
	it('refuses 23:40 in New York and names the next 08:00 with its offset', () => {
		// 2026-12-07T04:40Z is Sunday 23:40 EST (UTC-5).
		const verdict = closed(US_FEDERAL, ['America/New_York'], at('2026-12-07T04:40:00Z'));
		expect(verdict).toEqual({
			open: false,
			zone: 'America/New_York',
			localTime: '2026-12-06 23:40 (Sun)',
			sameLocalTimeInAll: true,
			nextOpen: '2026-12-07T08:00:00-05:00',
			nextOpenMs: at('2026-12-07T13:00:00Z'),
		});
	});

	it('opens at the first minute of the window and closes at its end', () => {
		const zones = ['America/Los_Angeles'];
		// July: PDT, UTC-7.
		expect(isOpen(US_FEDERAL, zones, at('2026-07-01T14:59:59.999Z'))).toBe(false);
		expect(isOpen(US_FEDERAL, zones, at('2026-07-01T15:00:00Z'))).toBe(true);
		expect(isOpen(US_FEDERAL, zones, at('2026-07-02T03:59:59.999Z'))).toBe(true);
		expect(isOpen(US_FEDERAL, zones, at('2026-07-02T04:00:00Z'))).toBe(false);
	});

	it('reads half-hour and quarter-hour offsets', () => {
		expect(closed(US_FEDERAL, ['Asia/Kolkata'], at('2026-12-07T02:00:00Z')).nextOpen).toBe('2026-12-07T08:00:00+05:30');
		expect(closed(US_FEDERAL, ['Asia/Kathmandu'], at('2026-12-07T02:00:00Z')).nextOpen).toBe('2026-12-07T08:00:00+05:45');
		expect(closed(US_FEDERAL, ['America/St_Johns'], at('2026-12-07T03:00:00Z')).nextOpen).toBe('2026-12-07T08:00:00-03:30');
	});

	it('tells the presets apart at 20:30', () => {
		const florida = window(CALLING_HOURS_PRESETS.florida.start, CALLING_HOURS_PRESETS.florida.end);
		// 20:30 EST in Miami.
		const now = at('2026-12-08T01:30:00Z');
		expect(isOpen(US_FEDERAL, ['America/New_York'], now)).toBe(true);
		expect(closed(florida, ['America/New_York'], now).nextOpen).toBe('2026-12-08T08:00:00-05:00');
	});

	it('throws rather than answer for no zone at all', () => {
		expect(() => callingHoursVerdict(US_FEDERAL, [], 0)).toThrow('at least one time zone');
	});
});

describe('callingHoursVerdict: daylight saving', () => {
	// US 2026: clocks go forward on 8 March at 02:00 EST (07:00Z), back on 1 November at 02:00 EDT (06:00Z).
	// EU 2026: forward on 29 March at 01:00Z, back on 25 October at 01:00Z.
	it('opens at local 08:00 on the days clocks change, in the new offset', () => {
		expect(closed(US_FEDERAL, ['America/New_York'], at('2026-03-08T11:59:00Z')).nextOpen).toBe('2026-03-08T08:00:00-04:00');
		expect(isOpen(US_FEDERAL, ['America/New_York'], at('2026-03-08T12:00:00Z'))).toBe(true);
		expect(closed(US_FEDERAL, ['America/New_York'], at('2026-11-01T12:59:00Z')).nextOpen).toBe('2026-11-01T08:00:00-05:00');
		expect(closed(US_FEDERAL, ['Europe/Berlin'], at('2026-03-29T05:00:00Z')).nextOpen).toBe('2026-03-29T08:00:00+02:00');
		expect(closed(US_FEDERAL, ['Europe/Berlin'], at('2026-10-25T06:59:00Z')).nextOpen).toBe('2026-10-25T08:00:00+01:00');
		expect(isOpen(US_FEDERAL, ['Europe/London'], at('2026-03-29T07:00:00Z'))).toBe(true);
	});

	it('opens a window whose start is skipped at the first instant after the jump', () => {
		const early = window('02:30', '05:00');
		// New York: 02:00–03:00 does not exist on 8 March; the clock jumps at 07:00Z to 03:00 EDT.
		expect(closed(early, ['America/New_York'], at('2026-03-08T06:59:00Z')).nextOpen).toBe('2026-03-08T03:00:00-04:00');
		expect(isOpen(early, ['America/New_York'], at('2026-03-08T07:00:00Z'))).toBe(true);
		// Berlin: 02:00–03:00 does not exist on 29 March; the clock jumps at 01:00Z to 03:00 CEST.
		expect(closed(early, ['Europe/Berlin'], at('2026-03-29T00:30:00Z')).nextOpenMs).toBe(at('2026-03-29T01:00:00Z'));
		// Santiago skips midnight itself (04:00Z on 6 September 2026): a window from 00:00 opens at 01:00.
		expect(closed(window('00:00', '06:00'), ['America/Santiago'], at('2026-09-06T03:30:00Z')).nextOpen).toBe(
			'2026-09-06T01:00:00-03:00',
		);
	});

	it('opens and closes in a repeated hour at its first occurrence', () => {
		// New York, 1 November: 01:00–02:00 comes twice, first EDT (05:00Z–06:00Z), then EST (06:00Z–07:00Z).
		const fromHalfPastOne = window('01:30', '05:00');
		expect(closed(fromHalfPastOne, ['America/New_York'], at('2026-11-01T05:29:00Z')).nextOpen).toBe('2026-11-01T01:30:00-04:00');
		expect(isOpen(fromHalfPastOne, ['America/New_York'], at('2026-11-01T06:10:00Z'))).toBe(true);

		const untilHalfPastOne = window('22:00', '01:30');
		expect(isOpen(untilHalfPastOne, ['America/New_York'], at('2026-11-01T05:29:00Z'))).toBe(true);
		const second = closed(untilHalfPastOne, ['America/New_York'], at('2026-11-01T06:10:00Z'));
		expect(second.localTime).toBe('2026-11-01 01:10 (Sun)');
		expect(second.nextOpen).toBe('2026-11-01T22:00:00-05:00');
		// Berlin, 25 October: 02:00–03:00 first CEST (00:00Z–01:00Z).
		expect(closed(window('02:30', '05:00'), ['Europe/Berlin'], at('2026-10-25T00:00:00Z')).nextOpen).toBe('2026-10-25T02:30:00+02:00');
	});
});

describe('callingHoursVerdict: windows across midnight and days of the week', () => {
	const night = window('22:00', '06:00', MON_FRI);
	const zones = ['Europe/London'];

	it('keeps a window that opened on Friday open into Saturday morning', () => {
		// 2026-12-11 is a Friday; London is on UTC in December.
		expect(isOpen(night, zones, at('2026-12-11T21:59:00Z'))).toBe(false);
		expect(isOpen(night, zones, at('2026-12-11T22:00:00Z'))).toBe(true);
		expect(isOpen(night, zones, at('2026-12-12T05:59:00Z'))).toBe(true);
		expect(closed(night, zones, at('2026-12-12T06:00:00Z')).nextOpen).toBe('2026-12-14T22:00:00+00:00');
	});

	it('does not open on a day the window does not name', () => {
		const sunday = closed(night, zones, at('2026-12-13T23:00:00Z'));
		expect(sunday.localTime).toBe('2026-12-13 23:00 (Sun)');
		expect(sunday.nextOpen).toBe('2026-12-14T22:00:00+00:00');
		// Monday's window runs into Tuesday.
		expect(isOpen(night, zones, at('2026-12-15T05:59:00Z'))).toBe(true);
	});

	it('waits from Friday evening to Monday for a Mon–Fri window', () => {
		const office = window('09:00', '17:00', MON_FRI);
		expect(closed(office, ['America/Chicago'], at('2026-12-11T23:00:00Z')).nextOpen).toBe('2026-12-14T09:00:00-06:00');
	});

	it('waits from Wednesday to Saturday for a weekend-only window', () => {
		const weekend = window('10:00', '14:00', WEEKEND);
		const verdict = closed(weekend, ['Australia/Sydney'], at('2026-12-09T01:00:00Z'));
		expect(verdict.localTime).toBe('2026-12-09 12:00 (Wed)');
		expect(verdict.nextOpen).toBe('2026-12-12T10:00:00+11:00');
		expect(isOpen(weekend, ['Australia/Sydney'], at('2026-12-13T02:59:00Z'))).toBe(true);
	});

	it('keeps a window whose end equals its start open all day', () => {
		const allDay = window('00:00', '00:00', new Set<Weekday>([3]));
		expect(isOpen(allDay, ['UTC'], at('2026-12-09T00:00:00Z'))).toBe(true);
		expect(isOpen(allDay, ['UTC'], at('2026-12-09T23:59:59Z'))).toBe(true);
		expect(closed(allDay, ['UTC'], at('2026-12-10T00:00:00Z')).nextOpen).toBe('2026-12-16T00:00:00+00:00');
	});
});

describe('callingHoursVerdict: a number that may be in several zones', () => {
	// Alaska's +1 907 is America/Anchorage (UTC-9 in winter) or America/Adak (UTC-10).
	const alaska = ['America/Adak', 'America/Anchorage'];

	it('is open only when the window holds in every zone', () => {
		// 08:30 in Anchorage, 07:30 on Adak.
		const verdict = closed(US_FEDERAL, alaska, at('2026-12-07T17:30:00Z'));
		expect(verdict).toMatchObject({ zone: 'America/Adak', localTime: '2026-12-07 07:30 (Mon)', sameLocalTimeInAll: false });
		expect(verdict.nextOpen).toBe('2026-12-07T08:00:00-10:00');
		expect(isOpen(US_FEDERAL, alaska, at('2026-12-07T18:00:00Z'))).toBe(true);
		// 21:30 in Anchorage, 20:30 on Adak: the next time both are open is 08:00 on Adak, 09:00 in Anchorage.
		const evening = closed(US_FEDERAL, alaska, at('2026-12-08T06:30:00Z'));
		expect(evening.zone).toBe('America/Anchorage');
		expect(evening.nextOpenMs).toBe(at('2026-12-08T18:00:00Z'));
		expect(evening.nextOpen).toBe('2026-12-08T09:00:00-09:00');
	});

	it('says when the window never holds in all of them at once', () => {
		const halfHour = window('08:00', '08:30');
		const verdict = closed(halfHour, alaska, at('2026-12-07T17:30:00Z'));
		expect(verdict.nextOpen).toBeUndefined();
		expect(verdict.nextOpenMs).toBeUndefined();
		expect(outsideCallingHours('To', '+19075551234', halfHour, alaska, verdict)).toBe(
			'To "+19075551234" is outside Calling Hours (08:00–08:30 Mon–Sun, America/Adak and America/Anchorage): it is ' +
				'2026-12-07 07:30 (Mon) in America/Adak; the window is never open in America/Adak and America/Anchorage at the same time; ' +
				'set Time Zone to the one the person is in',
		);
	});
});

describe('outsideCallingHours', () => {
	it('names the number, the window, the zone, the local time and the next opening', () => {
		const zones = ['America/New_York'];
		const verdict = closed(US_FEDERAL, zones, at('2026-12-07T04:40:00Z'));
		expect(outsideCallingHours('To', '+12125551234', US_FEDERAL, zones, verdict)).toBe(
			'To "+12125551234" is outside Calling Hours (08:00–21:00 Mon–Sun, America/New_York): it is 2026-12-06 23:40 (Sun) there; ' +
				'the window opens 2026-12-07T08:00:00-05:00',
		);
	});

	it('says "there" when every zone of the number reads the same time', () => {
		const zones = ['Europe/Guernsey', 'Europe/London'];
		const verdict = closed(US_FEDERAL, zones, at('2026-12-07T04:40:00Z'));
		expect(outsideCallingHours('To', '+442079460958', US_FEDERAL, zones, verdict)).toMatch(/it is 2026-12-07 04:40 \(Mon\) there; the window opens 2026-12-07T08:00:00\+00:00$/);
	});
});

describe('nextOpen is the earliest instant the window holds (any zone, window and moment)', () => {
	const ZONES = ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Chatham', 'Asia/Tehran', 'America/St_Johns', 'Asia/Kathmandu'];
	const minutes = fc.integer({ min: 0, max: 24 * 60 - 1 });
	const days = fc.uniqueArray(fc.constantFrom<Weekday>(0, 1, 2, 3, 4, 5, 6), { minLength: 1, maxLength: 7 });
	const instants = fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2027-12-31T00:00:00Z') });

	it('is open there, and closed a millisecond before', () => {
		fc.assert(
			fc.property(fc.constantFrom(...ZONES), minutes, minutes, days, instants, (zone, start, end, weekdays, now) => {
				const calling: CallingWindow = { start, end, days: new Set(weekdays) };
				const verdict = callingHoursVerdict(calling, [zone], now);
				if (verdict.open) return;
				expect(verdict.nextOpenMs).toBeGreaterThan(now);
				const next = verdict.nextOpenMs ?? Number.NaN;
				expect(Date.parse(verdict.nextOpen ?? '')).toBe(next);
				expect(isOpen(calling, [zone], next)).toBe(true);
				expect(isOpen(calling, [zone], next - 1)).toBe(false);
			}),
			{ numRuns: 300 },
		);
	});
});

describe('parseTimeOfDay', () => {
	it.each([
		['08:00', 480],
		['8:00', 480],
		['20:30', 1230],
		[' 21:00 ', 1260],
		['00:00', 0],
		['23:59', 1439],
		['24:00', 0],
	])('reads %j as %d minutes after midnight', (text, expected) => {
		expect(parseTimeOfDay('callingHoursStart', text)).toBe(expected);
	});

	it.each(['', '8', '8am', '24:01', '25:00', '12:60', '12:5', 'noon', '08:00:00'])('refuses %j', (text) => {
		expect(() => parseTimeOfDay('callingHoursStart', text)).toThrow(/is not a time of day; use 24-hour HH:MM such as 08:00 or 21:00/);
	});

	it('refuses a value that is not text', () => {
		expect(() => parseTimeOfDay('callingHoursEnd', 800)).toThrow('"800" is not a time of day');
	});
});

describe('parseWeekdays and describeWindow', () => {
	it.each([
		[['mon', 'tue', 'wed', 'thu', 'fri'], 'Mon–Fri'],
		[['Saturday', 'sunday'], 'Sat, Sun'],
		['Mon, Wed, Fri', 'Mon, Wed, Fri'],
		[[0, 1, 2, 3, 4, 5, 6], 'Mon–Sun'],
		[['fri', 'sat', 'sun', 'mon'], 'Mon, Fri–Sun'],
	])('reads %j as %s', (value, text) => {
		expect(describeWindow({ start: 480, end: 1260, days: parseWeekdays('callingHoursDays', value) })).toBe(`08:00–21:00 ${text}`);
	});

	it.each([[[]], [''], [['someday']], [['constructor']], [[7]]])('refuses %j', (value) => {
		expect(() => parseWeekdays('callingHoursDays', value)).toThrow(/^Calling Hours Days/);
	});
});
