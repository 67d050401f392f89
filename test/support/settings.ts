/** A script's numeric setting from the environment: `fallback` when unset or blank; anything but a positive number is an error naming it. */
export function positiveSetting(name: string, fallback: number): number {
	const raw = process.env[name];
	const value = raw === undefined || raw.trim() === '' ? fallback : Number(raw);
	if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
	return value;
}
