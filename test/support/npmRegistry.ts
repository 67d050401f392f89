/**
 * A local npm registry standing in for registry.npmjs.org: Verdaccio, the registry server of npm's own
 * ecosystem (npm's publish, dist-tags, `npm view`, `npm outdated` and tarball downloads all go through
 * the same API as the public registry), on a free loopback port, its storage in a temporary folder,
 * with no uplink: a package not published to it is not found, nothing is fetched from the internet.
 * One user publishes; everybody reads.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { stopOnExit, stopProcess } from './processes';
import { freePort, REPO_ROOT, run } from './realN8n';

export interface NpmRegistry {
	/** `http://127.0.0.1:<port>`, without a trailing slash. */
	url: string;
	/** What npm needs to publish to it and read from it: its own user config (registry and token), nothing from `~/.npmrc`. */
	npmEnv: NodeJS.ProcessEnv;
	/** The versions of a package published here, oldest first; `[]` when there is none. */
	versions(name: string): Promise<string[]>;
	/** `latest` and any other dist-tag of a package. */
	distTags(name: string): Promise<Record<string, string>>;
	/** Verdaccio's output, for error messages. */
	output(): string;
	stop(): Promise<void>;
}

const USER = { name: 'release-rehearsal', password: 'release-rehearsal-password' };

async function untilPing(url: string, exited: () => boolean, output: () => string): Promise<void> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (exited()) throw new Error(`Verdaccio exited before answering:\n${output()}`);
		if ((await fetch(`${url}/-/ping`).then((answer) => answer.ok, () => false))) return;
		if (Date.now() > deadline) throw new Error(`Verdaccio did not answer ${url}/-/ping within 60 s:\n${output()}`);
		await new Promise((done) => setTimeout(done, 200));
	}
}

export async function startNpmRegistry(): Promise<NpmRegistry> {
	const dir = mkdtempSync(join(tmpdir(), 'plivo-phlo-registry-'));
	// JSON is YAML: Verdaccio reads it as its config file.
	const config = {
		storage: join(dir, 'storage'),
		auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: 1 } },
		uplinks: {},
		packages: { '**': { access: '$all', publish: '$authenticated', unpublish: '$authenticated' } },
		web: { enable: false },
		log: { type: 'stdout', format: 'pretty', level: 'warn' },
	};
	writeFileSync(join(dir, 'config.yaml'), JSON.stringify(config, null, 2));
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const child = spawn(
		process.execPath,
		[join(REPO_ROOT, 'node_modules', 'verdaccio', 'bin', 'verdaccio'), '--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
		{ cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
	);
	let output = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	const withdraw = child.pid === undefined ? () => undefined : stopOnExit(`kill -9 -${child.pid} 2>/dev/null; rm -rf ${dir}`);
	const stop = async (): Promise<void> => {
		await stopProcess(child, 5_000, true);
		withdraw();
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		await untilPing(url, () => child.exitCode !== null, () => output);
		const answer = await fetch(`${url}/-/user/org.couchdb.user:${USER.name}`, {
			method: 'PUT',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(USER),
		});
		const { token } = (await answer.json()) as { token?: string };
		if (!token) throw new Error(`Verdaccio made no user: HTTP ${answer.status}`);
		const npmrc = join(dir, 'npmrc');
		writeFileSync(npmrc, `registry=${url}/\n//127.0.0.1:${port}/:_authToken=${token}\n`);
		const packument = async (name: string): Promise<{ versions?: Record<string, unknown>; 'dist-tags'?: Record<string, string> }> => {
			const found = await fetch(`${url}/${name.replace('/', '%2f')}`);
			return found.status === 404 ? {} : ((await found.json()) as { versions?: Record<string, unknown> });
		};
		return {
			url,
			npmEnv: { npm_config_userconfig: npmrc, npm_config_registry: `${url}/` },
			versions: async (name) => Object.keys((await packument(name)).versions ?? {}),
			distTags: async (name) => (await packument(name))['dist-tags'] ?? {},
			output: () => output,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/**
 * `npm <args>` against the registry (publish, view…), from `cwd`; throws with npm's output when it fails.
 * Run as a publish workflow runs it: without jest's NODE_ENV=test (under which n8n's linters, and so
 * `npm run verify`, judge the code differently) and jest's own variables.
 */
export async function npmAgainst(registry: NpmRegistry, args: string[], cwd: string): Promise<string> {
	const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_ENV' && !name.startsWith('JEST')));
	const result = await run('npm', [...args, `--registry=${registry.url}/`], { cwd, env: { ...env, ...registry.npmEnv } });
	if (result.code !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${result.code}):\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-3000)}`);
	return `${result.stdout}${result.stderr}`;
}
