import { InputError } from '../../nodes/PlivoPhlo/helpers/failures';
import { MINUTE, offsetAt, wallClock, zoneClock } from '../../nodes/PlivoPhlo/helpers/timeZoneClock';
import {
	MAX_ZONE_SPREAD_MINUTES,
	ZONES_BY_PREFIX,
	parseTimeZone,
	timeZoneRequired,
	whyNoTimeZone,
	zonesForNumber,
} from '../../nodes/PlivoPhlo/helpers/timeZones';
import { thrownBy } from '../support/thrown';

const JANUARY = Date.parse('2026-01-15T12:00:00Z');
const JULY = Date.parse('2026-07-15T12:00:00Z');

describe('zonesForNumber', () => {
	it.each([
		['+12125551234', ['America/New_York'], 'area code'],
		['12125551234', ['America/New_York'], 'area code'],
		['+14155551234', ['America/Los_Angeles'], 'area code'],
		['+18085551234', ['Pacific/Honolulu'], 'area code'],
		['+19075551234', ['America/Adak', 'America/Anchorage'], 'area code'],
		['+19072221234', ['America/Juneau'], 'prefix'],
		['+12085551234', ['America/Boise', 'America/Los_Angeles'], 'prefix'],
		['+12082011234', ['America/Denver'], 'prefix'],
		['+12422221234', ['America/Nassau'], 'area code'],
		['+442079460958', ['Europe/Guernsey', 'Europe/Isle_of_Man', 'Europe/Jersey', 'Europe/London'], 'country'],
		['+447700900123', ['Europe/Guernsey', 'Europe/Isle_of_Man', 'Europe/Jersey', 'Europe/London'], 'country'],
		['+34911234567', ['Atlantic/Canary', 'Europe/Madrid'], 'country'],
		['+4930123456', ['Europe/Berlin'], 'country'],
	])('reads %s as %j (by %s)', (number, zones, by) => {
		expect(zonesForNumber(number, JANUARY)).toEqual({ zones, by });
		expect(zonesForNumber(number, JULY)).toEqual({ zones, by });
	});

	it('reads India as its one zone, under the name the table gives', () => {
		expect(zonesForNumber('+919876543210', JANUARY)).toEqual({ zones: ['Asia/Calcutta'], by: 'country' });
	});

	it.each([
		['+61291234567', 'Australia: mainland, Lord Howe, Christmas and Cocos islands'],
		['+61412345678', 'an Australian mobile, which may be anywhere in Australia'],
		['+79161234567', 'Russia, from Kaliningrad to Kamchatka'],
		['+77011234567', 'Kazakhstan, whose numbers share +7 with Russia'],
		['+5511912345678', 'Brazil, four zones'],
		['+525512345678', 'Mexico'],
		['+56221234567', 'Chile and Easter Island, two hours apart'],
		['+6221123456', 'Indonesia, three zones'],
		['+18005551234', 'a North American toll-free number: no area code of a place'],
		['+15551234567', 'an area code the table does not know'],
		['+8001234567', 'an international freephone number'],
		['+9991234567', 'no calling code'],
		['sip:agent@example.com', 'a SIP URI'],
		['', 'nothing'],
	])('decides nothing for %s (%s)', (number) => {
		expect(zonesForNumber(number, JANUARY)).toBeUndefined();
		expect(zonesForNumber(number, JULY)).toBeUndefined();
	});

	/** Each +1 entry of the table, and how far apart its zones are, measured here with Intl directly. */
	const nanp = [...ZONES_BY_PREFIX]
		.filter(([prefix]) => prefix.startsWith('1') && prefix !== '1')
		.map(([prefix, zones]) => {
			const offsets = (instant: number) => zones.map((zone) => offsetAt(zoneClock(zone), instant) / MINUTE);
			const spread = Math.max(...[JANUARY, JULY].map((instant) => Math.max(...offsets(instant)) - Math.min(...offsets(instant))));
			return { prefix, zones, spread };
		});

	it('decides every North American area code and prefix of the table: the spread limit is the widest of them', () => {
		expect(nanp.length).toBeGreaterThan(2000);
		expect(Math.max(...nanp.map(({ spread }) => spread))).toBe(MAX_ZONE_SPREAD_MINUTES);
		expect(nanp.filter(({ spread }) => spread === MAX_ZONE_SPREAD_MINUTES).map(({ prefix }) => prefix)).toEqual(['1709', '1879']);
		for (const { prefix, zones } of nanp) {
			// Filled with a digit that leads to no longer prefix, so that this entry is the one that applies.
			const filler = [...'0123456789'].find((digit) => ![...ZONES_BY_PREFIX.keys()].some((key) => key.startsWith(prefix + digit)));
			if (filler === undefined) continue;
			const number = `+${prefix.padEnd(11, filler)}`;
			for (const instant of [JANUARY, JULY]) expect({ number, found: zonesForNumber(number, instant)?.zones }).toEqual({ number, found: [...zones] });
		}
	});
});

describe('whyNoTimeZone and timeZoneRequired', () => {
	it('names the span of zones a calling code covers, in order of their offsets', () => {
		// July: Lord Howe Island is half an hour ahead of Sydney, Cocos half an hour behind Christmas Island.
		expect(whyNoTimeZone('+61291234567', JULY)).toBe('+61 covers 8 time zones, from Indian/Cocos to Australia/Lord_Howe');
		expect(whyNoTimeZone('+18005551234', JULY)).toMatch(/^\+1 covers \d+ time zones, from Pacific\/Pago_Pago to Pacific\/(Guam|Saipan)$/);
		expect(whyNoTimeZone('sip:agent@example.com', JANUARY)).toBe('a SIP address has no time zone');
		expect(whyNoTimeZone('+8001234567', JANUARY)).toBe('its calling code is not in the time-zone table');
	});

	it('asks for a Time Zone, naming the number', () => {
		expect(timeZoneRequired('To', '+79161234567', JANUARY)).toMatch(
			/^To "\+79161234567" needs a Time Zone for Calling Hours: \+7 covers \d+ time zones, from .+ to Asia\/Kamchatka; set Time Zone to the IANA name of where the person is/,
		);
	});
});

describe('parseTimeZone', () => {
	it.each([undefined, null, '', '   '])('reads %j as "not given"', (value) => {
		expect(parseTimeZone('callingHoursTimeZone', value)).toBeUndefined();
	});

	it.each([
		['America/New_York', 'America/New_York'],
		['america/new_york', 'America/New_York'],
		[' Europe/Berlin ', 'Europe/Berlin'],
		['UTC', 'UTC'],
		['America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
		['Etc/GMT+5', 'Etc/GMT+5'],
	])('accepts %j as %j', (value, expected) => {
		expect(parseTimeZone('callingHoursTimeZone', value)).toBe(expected);
	});

	it.each(['Asia/Kolkata', 'US/Eastern'])('keeps the alias %j as given, whatever this Node.js calls its zone', (value) => {
		expect(parseTimeZone('callingHoursTimeZone', value)).toBe(value);
		expect(wallClock(zoneClock(value), JANUARY)).toBe(wallClock(zoneClock(value === 'US/Eastern' ? 'America/New_York' : 'Asia/Calcutta'), JANUARY));
	});

	it.each(['Mars/Olympus', 'New York', '+05:00', '-0500', 'America/New_York/', '../etc/passwd', 42, {}, ['UTC']])('refuses %j with a clear error', (value) => {
		const error = thrownBy(() => parseTimeZone('callingHoursTimeZone', value), InputError);
		expect(error.field).toBe('callingHoursTimeZone');
		expect(error.message).toMatch(/ is not a time zone n8n's Node\.js knows; use an IANA name such as America\/New_York$/);
	});
});
