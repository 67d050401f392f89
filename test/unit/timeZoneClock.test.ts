import { firstInstantAt, isoInZone, localTimeText, wallClock, zoneClock, type ZoneClock } from '../../nodes/PlivoPhlo/helpers/timeZoneClock';

const at = (iso: string): number => Date.parse(iso);
/** A local wall-clock reading, written as if it were UTC. */
const wall = (local: string): number => Date.parse(`${local}Z`);

describe('wallClock', () => {
	it("reads a zone's clock, daylight saving included", () => {
		expect(wallClock(zoneClock('America/New_York'), at('2026-01-15T12:00:00.250Z'))).toBe(wall('2026-01-15T07:00:00.250'));
		expect(wallClock(zoneClock('America/New_York'), at('2026-07-15T12:00:00Z'))).toBe(wall('2026-07-15T08:00:00'));
		expect(wallClock(zoneClock('Pacific/Chatham'), at('2026-01-15T12:00:00Z'))).toBe(wall('2026-01-16T01:45:00'));
	});

	it('reads midnight written as 24:00, as some ICU versions write it, as the start of that day', () => {
		const parts: Array<[Intl.DateTimeFormatPartTypes, string]> = [
			['month', '12'], ['literal', '/'], ['day', '7'], ['literal', '/'], ['year', '2026'], ['literal', ', '],
			['hour', '24'], ['literal', ':'], ['minute', '00'], ['literal', ':'], ['second', '00'],
		];
		const icuWritingTwentyFour: ZoneClock = { formatToParts: () => parts.map(([type, value]) => ({ type, value })) };
		expect(wallClock(icuWritingTwentyFour, 0)).toBe(wall('2026-12-07T00:00:00'));
	});
});

describe('firstInstantAt', () => {
	const newYork = zoneClock('America/New_York');

	it('finds the instant a local time happens', () => {
		expect(firstInstantAt(newYork, wall('2026-12-07T08:00:00'))).toBe(at('2026-12-07T13:00:00Z'));
	});

	it('takes the first of a time that happens twice', () => {
		expect(firstInstantAt(newYork, wall('2026-11-01T01:30:00'))).toBe(at('2026-11-01T05:30:00Z'));
	});

	it('takes the jump for a time that never happens', () => {
		expect(firstInstantAt(newYork, wall('2026-03-08T02:30:00'))).toBe(at('2026-03-08T07:00:00Z'));
		expect(firstInstantAt(zoneClock('Australia/Lord_Howe'), wall('2026-10-04T02:10:00'))).toBe(at('2026-10-03T15:30:00Z'));
	});
});

describe('isoInZone and localTimeText', () => {
	it('write the local time with the offset in force then', () => {
		expect(isoInZone(zoneClock('America/New_York'), at('2026-03-08T07:00:00Z'))).toBe('2026-03-08T03:00:00-04:00');
		expect(isoInZone(zoneClock('UTC'), at('2026-03-08T07:00:00Z'))).toBe('2026-03-08T07:00:00+00:00');
		expect(isoInZone(zoneClock('America/St_Johns'), at('2026-07-01T12:00:00Z'))).toBe('2026-07-01T09:30:00-02:30');
		expect(localTimeText(wall('2026-12-06T23:40:59'))).toBe('2026-12-06 23:40 (Sun)');
	});
});
