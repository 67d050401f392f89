/** Measured facts the real-n8n suites keep for the documentation, in `.cache/results/<file>.json`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from './n8nInstall';

/** Writes the facts to `.cache/results/<file>.json`; returns the file's path. */
export function saveFacts(file: string, facts: Record<string, unknown>): string {
	const dir = join(REPO_ROOT, '.cache', 'results');
	mkdirSync(dir, { recursive: true });
	const path = join(dir, `${file}.json`);
	writeFileSync(path, JSON.stringify(facts, null, 2));
	return path;
}

/** Writes the facts to `.cache/results/<file>.json` and prints them as one line, `<label>: {…}`. */
export function recordFacts(file: string, label: string, facts: Record<string, unknown>): void {
	saveFacts(file, facts);
	process.stderr.write(`${label}: ${JSON.stringify(facts)}\n`);
}
