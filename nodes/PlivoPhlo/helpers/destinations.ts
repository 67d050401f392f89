import { InputError } from './failures';

/**
 * Patterns for destinations the node may dial, separated by commas or new lines; `*` matches any
 * characters. Matched against the address as it will be sent (separators already removed).
 */
export function parseAllowedDestinations(value: unknown): RegExp[] {
	const text = typeof value === 'string' ? value : '';
	return text
		.split(/[,\n]/)
		.map((pattern) => pattern.trim())
		.filter((pattern) => pattern !== '')
		.map(
			(pattern) =>
				new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i'),
		);
}

export function assertAllowedDestination(field: string, address: string | undefined, allowed: RegExp[], patterns: string): void {
	if (address === undefined || allowed.length === 0) return;
	if (allowed.some((pattern) => pattern.test(address))) return;
	throw new InputError(field, `To "${address}" is not an allowed destination (allowed: ${patterns.trim()})`);
}
