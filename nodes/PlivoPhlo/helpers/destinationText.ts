/**
 * Text as a dialler could read it. Whatever a person or a model can type so that it still looks like, or is
 * taken for, a phone number is brought to one form before anything is compared: compatibility forms
 * (full-width `＋１`, superscripts, `＠`), digits of every script, invisible characters.
 */

/** Invisible characters: format characters (zero-width space and joiners, soft hyphen, bidi marks) and other default-ignorables (variation selectors, Hangul fillers). */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
/** Decimal digits of any script other than ASCII's. */
const OTHER_SCRIPT_DIGIT = /(?![0-9])\p{Nd}/gu;
const DECIMAL_DIGIT = /^\p{Nd}$/u;
/** Combining marks on anything but a letter: on a digit or a separator they hide nothing a dialler keeps. */
const MARKS_OFF_LETTERS = /(^|[^\p{L}\p{M}])\p{M}+/gu;

/**
 * Unicode encodes decimal digits in runs of ten, zero first, sometimes several runs back to back (the
 * mathematical digits), so a digit's value is its distance from the start of its run, modulo ten.
 */
function asciiDigit(digit: string): string {
	const codePoint = digit.codePointAt(0) ?? 0;
	let zero = codePoint;
	while (DECIMAL_DIGIT.test(String.fromCodePoint(zero - 1))) zero--;
	return String((codePoint - zero) % 10);
}

/** NFKC, invisible characters removed, every decimal digit in ASCII, combining marks kept on letters only. */
export const normaliseText = (text: string): string =>
	text.normalize('NFKC').replace(INVISIBLE, '').replace(OTHER_SCRIPT_DIGIT, asciiDigit).replace(MARKS_OFF_LETTERS, '$1');

/**
 * What people put between the digits of one number: spaces (not line breaks or tabs), dots, every dash
 * and the minus sign, brackets, slashes and underscores. Anything else between digits (a comma, `<`, a
 * line break, a quote) may as well separate two numbers.
 */
export const FORMATTING = /^[\p{Zs}.\p{Pd}\u2212()/_]+$/u;
const FORMATTING_CHARACTERS = /[\p{Zs}.\p{Pd}\u2212()/_]/gu;

export const withoutFormatting = (text: string): string => text.replace(FORMATTING_CHARACTERS, '');
