import { holdToCallingHours } from '../../nodes/PlivoPhlo/helpers/callingHoursGuard';
import { parseCallingHours } from '../../nodes/PlivoPhlo/helpers/callingHoursSettings';
import type { Destination } from '../../nodes/PlivoPhlo/helpers/destinations';
import { HeldBackFailure, InputError } from '../../nodes/PlivoPhlo/helpers/failures';
import { thrownBy } from '../support/thrown';

const to = (address: string): Destination => ({ field: 'to', label: 'To', address });
const payload = (path: string, address: string): Destination => ({ field: `payload.${path}`, label: `Payload value at ${path}`, address });
const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const settings = (choice: string, extra: Partial<Record<'start' | 'end' | 'days' | 'timeZone', unknown>> = {}) =>
	parseCallingHours({ choice, start: '08:00', end: '21:00', days: EVERY_DAY, timeZone: '', ...extra });

/** Sunday 6 December 2026, 23:40 in New York (EST, UTC−5). */
const SUNDAY_NIGHT_NEW_YORK = Date.parse('2026-12-07T04:40:00Z');

describe('Calling Hours settings', () => {
	it('are off unless chosen; presets fix the window, Custom reads Start and End; days and zone apply to all', () => {
		expect(settings('off')).toBeUndefined();
		expect(settings('usFederal', { start: '03:00', end: '04:00' })?.window).toMatchObject({ start: 480, end: 1260 });
		expect(settings('florida')?.window).toMatchObject({ start: 480, end: 1200 });
		expect(settings('custom', { start: '22:00', end: '06:00', days: ['fri', 'sat'], timeZone: 'europe/london' })).toEqual({
			window: { start: 1320, end: 360, days: new Set([5, 6]) },
			timeZone: 'Europe/London',
		});
		expect(thrownBy(() => settings('lunch'), InputError)).toMatchObject({ field: 'callingHours' });
		expect(thrownBy(() => settings('custom', { start: '25:00' }), InputError)).toMatchObject({ field: 'callingHoursStart' });
	});
});

describe('holding an item to Calling Hours', () => {
	const target = { to: '+12125551234' };

	it('lets it through inside the window in every zone, saying which zones it held in', () => {
		const afternoon = Date.parse('2026-12-07T20:00:00Z'); // 15:00 in New York, 12:00 in Los Angeles
		expect(holdToCallingHours([to('+12125551234'), to('+14155551234')], settings('usFederal')!, afternoon, target)).toEqual({
			window: '08:00–21:00 Mon–Sun',
			zones: ['America/New_York', 'America/Los_Angeles'],
		});
	});

	it('holds it back outside the window, with when the window opens as an ISO time with offset and in seconds', () => {
		const failure = thrownBy(() => holdToCallingHours([to('+12125551234')], settings('usFederal')!, SUNDAY_NIGHT_NEW_YORK, target), HeldBackFailure);
		expect(failure.facts).toEqual({ outcome: 'not_sent', to: '+12125551234', retryAt: '2026-12-07T08:00:00-05:00', retryAfterSeconds: 8 * 3600 + 20 * 60 });
		expect(failure.message).toBe(
			'Outside Calling Hours: To "+12125551234" is outside Calling Hours (08:00–21:00 Mon–Sun, America/New_York): it is 2026-12-06 23:40 (Sun) there; the window opens 2026-12-07T08:00:00-05:00. Nothing was sent: send it again from then',
		);
	});

	it('names the destination that is closed, and waits for the window to hold for every destination at once', () => {
		// 09:00 in London, 04:00 in New York: London is open, New York is not.
		const londonMorning = Date.parse('2026-12-07T09:00:00Z');
		const failure = thrownBy(
			() => holdToCallingHours([payload('from', '+442071838750'), payload('to', '+12125551234')], settings('usFederal')!, londonMorning, target),
			HeldBackFailure,
		);
		expect(failure.message).toContain('Payload value at to "+12125551234" is outside Calling Hours');
		expect(failure.facts.retryAt).toBe('2026-12-07T08:00:00-05:00');
	});

	it('asks for a Time Zone where the number decides none, and for a SIP address', () => {
		for (const address of ['+74951234567', 'sip:agent@example.com']) {
			const failure = thrownBy(() => holdToCallingHours([to(address)], settings('usFederal')!, SUNDAY_NIGHT_NEW_YORK, target), InputError);
			expect(failure.field).toBe('callingHoursTimeZone');
			expect(failure.message).toContain('needs a Time Zone for Calling Hours');
		}
		expect(holdToCallingHours([to('sip:agent@example.com')], settings('usFederal', { timeZone: 'Europe/Paris' })!, Date.parse('2026-12-07T12:00:00Z'), target).zones).toEqual(['Europe/Paris']);
	});

	it('takes the Time Zone given over the number (the person may be elsewhere than their number says)', () => {
		const failure = thrownBy(
			() => holdToCallingHours([to('+12125551234')], settings('usFederal', { timeZone: 'Asia/Tokyo' })!, Date.parse('2026-12-07T20:00:00Z'), target),
			HeldBackFailure,
		);
		expect(failure.message).toContain('Asia/Tokyo): it is 2026-12-08 05:00 (Tue) there');
	});

	it('refuses a window that never holds in all of a number\'s zones at once, asking for a Time Zone', () => {
		// +1 208 (Idaho) spans Mountain and Pacific time, an hour apart: a half-hour window never holds in both.
		const narrow = settings('custom', { start: '08:00', end: '08:30' })!;
		const failure = thrownBy(() => holdToCallingHours([to('+12085551234')], narrow, SUNDAY_NIGHT_NEW_YORK, target), InputError);
		expect(failure.field).toBe('callingHoursTimeZone');
		expect(failure.message).toContain('never open in');
	});
});
