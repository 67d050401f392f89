/**
 * Real n8n for the demo, the end-to-end tests and the benchmarks: installs the packed package into a
 * fresh user folder the way a user does in `~/.n8n/nodes`, and drives n8n's CLI and server. The n8n
 * releases themselves come from `./n8nInstall`.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { CACHE_DIR, REPO_ROOT, type N8nInstall } from './n8nInstall';
import { N8nProcess } from './n8nProcess';

export { CACHE_DIR, duration, ensureN8n, REPO_ROOT, type Log, type N8nInstall } from './n8nInstall';
export { LINES, type N8nLine } from './n8nLines';

interface RunResult {
	code: number;
	stdout: string;
	stderr: string;
}

/** Runs a command and captures its output. */
export function run(
	command: string,
	args: string[],
	options: SpawnOptions & { input?: string; onSpawn?: (pid: number) => void } = {},
): Promise<RunResult> {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(command, args, { ...options, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
		if (child.pid !== undefined) options.onSpawn?.(child.pid);
		let stdout = '';
		let stderr = '';
		child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.on('error', reject);
		child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
		// A child that exits without reading its input closes the pipe first: its exit code says what happened, not the EPIPE.
		child.stdin?.on('error', () => undefined);
		child.stdin?.end(options.input);
	});
}

async function mustRun(command: string, args: string[], options: SpawnOptions = {}): Promise<RunResult> {
	const result = await run(command, args, options);
	if (result.code !== 0) {
		throw new Error(`${command} ${args.join(' ')} failed (exit ${result.code}):\n${result.stderr.slice(-3000)}`);
	}
	return result;
}


let packed: string | undefined;

/**
 * Builds and packs the package once per process; returns the tarball. `PLIVO_PHLO_TARBALL` names a
 * tarball packed elsewhere to test instead (another revision's, for a before-and-after record).
 */
export async function packPackage(): Promise<string> {
	if (process.env.PLIVO_PHLO_TARBALL) return resolve(process.env.PLIVO_PHLO_TARBALL);
	if (packed) return packed;
	await mustRun('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT });
	const destination = join(CACHE_DIR, 'pack');
	mkdirSync(destination, { recursive: true });
	const { stdout } = await mustRun('npm', ['pack', '--json', '--pack-destination', destination], { cwd: REPO_ROOT });
	const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
	packed = join(destination, filename);
	return packed;
}

export async function freePort(): Promise<number> {
	return await new Promise((resolvePort, reject) => {
		const server = createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolvePort(port));
		});
	});
}

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: object[];
	connections: object;
	active?: boolean;
	settings?: object;
	staticData?: object | null;
}

export interface CredentialJson {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface NodeRun {
	executionTime: number;
	executionStatus?: string;
	error?: { message?: string; description?: string; httpCode?: string; context?: Record<string, unknown> };
	data?: { main: Array<Array<{ json: Record<string, unknown>; pairedItem?: unknown; error?: unknown }> | null> };
}

export interface ExecutionData {
	status?: string;
	finished?: boolean;
	data: { resultData: { runData: Record<string, NodeRun[]>; error?: { message?: string } } };
}

export interface ExecutionResult {
	exitCode: number;
	/** Highest resident memory of the n8n process seen while it ran (sampled every 100 ms). */
	peakRssBytes: number;
	/** The execution n8n printed; undefined when it printed none. */
	execution: ExecutionData | undefined;
	stdout: string;
	stderr: string;
	/** Wall time of the CLI command, ms. */
	wallMs: number;
}

/** Resident memory of a process, from /proc; 0 once it has gone. */
function residentBytes(pid: number): number {
	try {
		const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
		return match ? Number(match[1]) * 1024 : 0;
	} catch {
		return 0;
	}
}

/** `n8n execute --rawOutput` prints the execution as pretty JSON between a `{` line and a `}` line. */
export function parseExecution(stdout: string): ExecutionData | undefined {
	const lines = stdout.split('\n');
	const start = lines.indexOf('{');
	const end = lines.lastIndexOf('}');
	if (start < 0 || end < start) return undefined;
	return JSON.parse(lines.slice(start, end + 1).join('\n')) as ExecutionData;
}

/** One n8n user folder with the packed package installed, and the environment every command gets. */
export class N8nInstance {
	private constructor(
		readonly install: N8nInstall,
		readonly userFolder: string,
		readonly env: NodeJS.ProcessEnv,
	) {}

	/**
	 * A fresh user folder with the tarball installed in `.n8n/nodes` as a user installs it there. Peer
	 * dependencies are left out, as n8n's own installer does: n8n provides n8n-workflow itself.
	 */
	static async create(install: N8nInstall, tarball: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<N8nInstance> {
		const userFolder = mkdtempSync(join(tmpdir(), `n8n-${install.line.replace('.', '')}-`));
		const nodesDir = join(userFolder, '.n8n', 'nodes');
		mkdirSync(nodesDir, { recursive: true });
		writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
		await mustRun('npm', ['install', '--omit=peer', '--no-audit', '--no-fund', tarball], {
			cwd: nodesDir,
			env: { ...process.env, PATH: install.path },
		});
		const inherited = Object.fromEntries(
			Object.entries(process.env).filter(([name]) => name !== 'NODE_ENV' && !name.startsWith('JEST')),
		);
		const env: NodeJS.ProcessEnv = {
			// Under jest NODE_ENV is `test`, which silences n8n's CLI output.
			...inherited,
			PATH: install.path,
			N8N_USER_FOLDER: userFolder,
			N8N_ENCRYPTION_KEY: 'plivo-phlo-test-encryption-key',
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_LOG_LEVEL: 'info',
			NODE_OPTIONS: '',
			...extraEnv,
		};
		return new N8nInstance(install, userFolder, env);
	}

	async cli(
		args: string[],
		options: { timeoutMs?: number; onSpawn?: (pid: number) => void } = {},
	): Promise<RunResult & { wallMs: number }> {
		const started = Date.now();
		const child = run(this.install.nodeBin, [this.install.n8nBin, ...args], {
			cwd: this.userFolder,
			env: this.env,
			onSpawn: options.onSpawn,
		});
		const timeout = options.timeoutMs ?? 300_000;
		let timer: NodeJS.Timeout | undefined;
		const result = await Promise.race([
			child,
			new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new Error(`n8n ${args[0]} did not finish within ${timeout} ms`)), timeout);
			}),
		]).finally(() => clearTimeout(timer));
		return { ...result, wallMs: Date.now() - started };
	}

	async importCredentials(credentials: CredentialJson[]): Promise<void> {
		const file = join(this.userFolder, `credentials-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(credentials));
		const result = await this.cli(['import:credentials', `--input=${file}`]);
		if (result.code !== 0) throw new Error(`import:credentials failed:\n${result.stdout}\n${result.stderr}`);
	}

	async importWorkflows(workflows: WorkflowJson[]): Promise<void> {
		const dir = mkdtempSync(join(this.userFolder, 'workflows-'));
		for (const workflow of workflows) {
			writeFileSync(join(dir, `${workflow.id}.json`), JSON.stringify({ active: false, settings: {}, ...workflow }));
		}
		const result = await this.cli(['import:workflow', '--separate', `--input=${dir}`]);
		if (result.code !== 0) throw new Error(`import:workflow failed:\n${result.stdout}\n${result.stderr}`);
	}

	async execute(workflowId: string, options: { timeoutMs?: number } = {}): Promise<ExecutionResult> {
		let peakRssBytes = 0;
		let sampler: NodeJS.Timeout | undefined;
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], {
			...options,
			onSpawn: (pid) => {
				sampler = setInterval(() => {
					peakRssBytes = Math.max(peakRssBytes, residentBytes(pid));
				}, 100);
			},
		}).finally(() => clearInterval(sampler));
		return {
			peakRssBytes,
			exitCode: result.code,
			execution: parseExecution(result.stdout),
			stdout: result.stdout,
			stderr: result.stderr,
			wallMs: result.wallMs,
		};
	}

	/** The n8n server (editor and REST API) on 127.0.0.1; resolves once it reports ready. */
	async startServer(port: number, options: { timeoutMs?: number } = {}): Promise<{ url: string; stop: () => Promise<void> }> {
		const server = N8nProcess.server('n8n', this, port);
		server.start();
		const url = `http://127.0.0.1:${port}`;
		const stop = () => server.stop(10_000);
		// Ready for us once the REST API answers: /healthz/readiness can say ready a little before.
		const restApiAnswers = (answer: Response) => answer.ok && (answer.headers.get('content-type')?.includes('application/json') ?? false);
		try {
			await server.waitForAnswer(`${url}/rest/settings`, restApiAnswers, options.timeoutMs ?? 120_000);
		} catch (error) {
			await stop();
			throw error;
		}
		return { url, stop };
	}

	dispose(): void {
		rmSync(this.userFolder, { recursive: true, force: true });
	}
}

/** Throws, with the end of n8n's output, unless the execution succeeded. */
export function expectSucceeded(result: ExecutionResult): void {
	if (result.execution?.status !== 'success') {
		throw new Error(`execution did not succeed (exit ${result.exitCode}):\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
	}
}

/** Items a node returned on its first output (or on output `output`), from an execution. */
export function nodeOutput(execution: ExecutionData | undefined, nodeName: string, output = 0): Array<{ json: Record<string, unknown>; pairedItem?: unknown }> {
	const runs = execution?.data.resultData.runData[nodeName];
	if (!runs?.length) throw new Error(`node "${nodeName}" did not run`);
	return runs[0].data?.main[output] ?? [];
}

export function readJson<T>(file: string): T {
	return JSON.parse(readFileSync(file, 'utf8')) as T;
}
