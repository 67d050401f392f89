import { normaliseText } from '../../nodes/PlivoPhlo/helpers/destinationText';
import { payloadDestinations } from '../../nodes/PlivoPhlo/helpers/destinations';

/**
 * Text brought to one form before a number is read: every script's digits, compatibility forms,
 * invisible characters, combining marks. The digit values are checked against the runtime's own
 * number formatting (ICU), not against a table written here.
 */

const addressesIn = (value: string): string[] => payloadDestinations({ value }).map(({ address }) => address);

/** `Intl.supportedValuesOf` (ES2022), which the project's target library does not declare. */
const numberingSystems = (Intl as unknown as { supportedValuesOf(key: 'numberingSystem'): string[] }).supportedValuesOf('numberingSystem');
const formatted = (system: string): string[] => [
	...new Intl.NumberFormat('en', { numberingSystem: system, useGrouping: false }).format(1234567890),
];

/** Every numbering system ICU knows whose digits are single decimal digit characters, with 1234567890 in its digits. */
const DECIMAL_SYSTEMS: Array<[string, string]> = numberingSystems
	.map((system): [string, string[]] => [system, formatted(system)])
	.filter(([, digits]) => digits.length === 10 && digits.every((digit) => /^\p{Nd}$/u.test(digit)))
	.map(([system, digits]) => [system, digits.join('')]);

/** Every decimal digit character Unicode has, as this runtime knows them. */
const ALL_DECIMAL_DIGITS = Array.from({ length: 0x110000 }, (_, codePoint) => codePoint)
	.filter((codePoint) => codePoint < 0xd800 || codePoint > 0xdfff)
	.map((codePoint) => String.fromCodePoint(codePoint))
	.filter((character) => /^\p{Nd}$/u.test(character));

describe('normaliseText: digits of every script', () => {
	it('knows many decimal numbering systems to check against', () => {
		expect(DECIMAL_SYSTEMS.length).toBeGreaterThan(40);
		expect(DECIMAL_SYSTEMS.map(([system]) => system)).toEqual(expect.arrayContaining(['arab', 'arabext', 'deva', 'beng', 'thai', 'fullwide', 'mathbold']));
	});

	it.each(DECIMAL_SYSTEMS)('reads %s digits %s as 1234567890', (_, digits) => {
		expect(normaliseText(digits)).toBe('1234567890');
	});

	it('reads every decimal digit Unicode has as an ASCII digit', () => {
		expect(ALL_DECIMAL_DIGITS.length).toBeGreaterThan(600);
		expect(ALL_DECIMAL_DIGITS.map(normaliseText).filter((digit) => !/^[0-9]$/.test(digit))).toEqual([]);
		// Each script's ten digits read as 0 to 9 in order.
		for (let at = 0; at < ALL_DECIMAL_DIGITS.length; at += 10) {
			expect(ALL_DECIMAL_DIGITS.slice(at, at + 10).map(normaliseText).join('')).toBe('0123456789');
		}
	});

	it.each([
		['full-width', '＋１９００５５５１２３４'],
		['Arabic-Indic', '+١٩٠٠٥٥٥١٢٣٤'],
		['Persian', '+۱۹۰۰۵۵۵۱۲۳۴'],
		['Devanagari', '+१९००५५५१२३४'],
		['Bengali', '+১৯০০৫৫৫১২৩৪'],
		['Thai', '+๑๙๐๐๕๕๕๑๒๓๔'],
		['mathematical bold', '+𝟏𝟗𝟎𝟎𝟓𝟓𝟓𝟏𝟐𝟑𝟒'],
		['superscript', '⁺¹⁹⁰⁰⁵⁵⁵¹²³⁴'],
		['subscript', '₊₁₉₀₀₅₅₅₁₂₃₄'],
		['circled', '①⑨⓪⓪⑤⑤⑤①②③④'],
		['mixed scripts', '+1९٠０5๕۵1২𝟑4'],
		['small plus and full-width separators', '﹢1（900）555－1234'],
	])('reads %s digits as the number: %j', (_, value) => {
		expect(addressesIn(value).map((address) => address.replace('+', ''))).toContain('19005551234');
	});
});

describe('normaliseText: what a reader cannot see', () => {
	it.each([
		['zero-width space', '\u200b'],
		['zero-width non-joiner', '\u200c'],
		['zero-width joiner', '\u200d'],
		['word joiner', '\u2060'],
		['soft hyphen', '\u00ad'],
		['left-to-right mark', '\u200e'],
		['right-to-left override', '\u202e'],
		['byte order mark', '\ufeff'],
		['Arabic letter mark', '\u061c'],
		['Mongolian vowel separator', '\u180e'],
		['variation selector', '\ufe0f'],
		['Hangul filler', '\u3164'],
		['combining grapheme joiner', '\u034f'],
	])('removes a %s, so it splits nothing', (_, invisible) => {
		const value = `+1${invisible}900${invisible}555${invisible}1234`;
		expect(addressesIn(value)).toEqual(['+19005551234']);
	});

	it.each([
		['no-break space', '\u00a0'],
		['thin space', '\u2009'],
		['narrow no-break space', '\u202f'],
		['ideographic space', '\u3000'],
		['figure space', '\u2007'],
		['en dash', '\u2013'],
		['minus sign', '\u2212'],
		['non-breaking hyphen', '\u2011'],
		['full-width hyphen', '\uff0d'],
		['full-width full stop', '\uff0e'],
		['full-width solidus', '\uff0f'],
	])('reads a %s between digits as formatting within one number', (_, separator) => {
		expect(addressesIn(`+1${separator}900${separator}555${separator}1234`)).toEqual(['+19005551234']);
	});

	it('drops combining marks on digits and separators (a keycap, an accent), keeps them on letters', () => {
		expect(normaliseText('1\u0301 9\u0308')).toBe('1 9');
		expect(addressesIn('1\u20e39\ufe0f\u20e30\u03010\u03015\u03015\u03015\u03011\u03012\u03013\u03014\u0301')).toEqual(['19005551234']);
		expect(normaliseText('e\u0301')).toBe('é');
	});

	it('letters end a number, whatever their script', () => {
		expect(addressesIn('+1900ж5551234')).toEqual(['5551234']);
		expect(addressesIn('1900ا555ب1234')).toEqual([]);
	});
});
