import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The structure as a tested invariant: imports point one way, from the node class down to the pure
 * helpers. A file may import from a layer below its own, or from its own folder; never up, never
 * sideways between the middle layers, and never in a circle.
 */
const ROOT = resolve(__dirname, '..', '..');
const NODE = 'nodes/PlivoPhlo';

const LAYERS: ReadonlyArray<{ name: string; rank: number; matches: (file: string) => boolean }> = [
	{ name: 'package entry', rank: 5, matches: (file) => file === 'index.ts' },
	{ name: 'node class', rank: 4, matches: (file) => file === `${NODE}/PlivoPhlo.node.ts` },
	{ name: 'credential', rank: 4, matches: (file) => file.startsWith('credentials/') },
	{ name: 'actions', rank: 3, matches: (file) => file.startsWith(`${NODE}/actions/`) },
	{ name: 'descriptions', rank: 2, matches: (file) => file.startsWith(`${NODE}/descriptions/`) },
	{ name: 'transport', rank: 2, matches: (file) => file.startsWith(`${NODE}/transport/`) },
	{ name: 'storage', rank: 2, matches: (file) => file.startsWith(`${NODE}/storage/`) },
	{ name: 'helpers', rank: 1, matches: (file) => file.startsWith(`${NODE}/helpers/`) },
];

function sourceFiles(dir: string): string[] {
	return readdirSync(join(ROOT, dir)).flatMap((name) => {
		const path = `${dir}/${name}`;
		if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
		return path.endsWith('.ts') ? [path] : [];
	});
}

const FILES = ['index.ts', ...sourceFiles('credentials'), ...sourceFiles('nodes')];

const layerOf = (file: string) => {
	const layer = LAYERS.find((candidate) => candidate.matches(file));
	if (!layer) throw new Error(`${file} belongs to no layer: add its folder to LAYERS`);
	return layer;
};

/** The files a source file imports: relative specifiers resolved to repository paths, packages as named. */
function importsOf(file: string): string[] {
	const source = readFileSync(join(ROOT, file), 'utf8');
	const specifiers = [...source.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)|^import\s+'([^']+)'/gm)].map(
		(match) => match[1] ?? match[2] ?? match[3],
	);
	return specifiers.map((specifier) => {
		if (!specifier.startsWith('.')) return specifier;
		const target = relative(ROOT, resolve(ROOT, dirname(file), specifier));
		return FILES.includes(`${target}.ts`) ? `${target}.ts` : `${target}/index.ts`;
	});
}

const GRAPH = new Map(FILES.map((file) => [file, importsOf(file)]));

describe('imports point one way: node class → actions → descriptions / transport / storage → helpers', () => {
	it.each(FILES)('%s imports only n8n-workflow and files of its own folder or a lower layer', (file) => {
		const own = layerOf(file);
		const wrong = (GRAPH.get(file) ?? []).filter((target) => {
			if (!target.endsWith('.ts')) return target !== 'n8n-workflow';
			const other = layerOf(target);
			return other.name === own.name ? false : other.rank >= own.rank;
		});
		expect(wrong.map((target) => `${target} (${layerOf(target).name})`)).toEqual([]);
	});

	it('every relative import names a file that exists', () => {
		for (const [file, targets] of GRAPH) {
			for (const target of targets.filter((name) => name.endsWith('.ts'))) {
				expect({ file, target, exists: FILES.includes(target) }).toEqual({ file, target, exists: true });
			}
		}
	});

	it('has no import cycle', () => {
		const state = new Map<string, 'visiting' | 'done'>();
		const cycles: string[] = [];
		const visit = (file: string, path: string[]): void => {
			if (state.get(file) === 'done') return;
			if (state.get(file) === 'visiting') {
				cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
				return;
			}
			state.set(file, 'visiting');
			for (const target of GRAPH.get(file) ?? []) if (GRAPH.has(target)) visit(target, [...path, file]);
			state.set(file, 'done');
		};
		for (const file of FILES) visit(file, []);
		expect(cycles).toEqual([]);
	});
});
