/**
 * n8n in queue mode on loopback, as users run it: Redis, PostgreSQL, one main and several workers,
 * each n8n process with its own user folder and the packed package installed in `.n8n/nodes`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { freePort, N8nInstance, run, type CredentialJson, type N8nInstall, type WorkflowJson } from '../realN8n';
import { startPostgres, startRedis, stopOnExit, stopProcess, type Postgres, type Redis } from './services';

export type Role = 'main' | 'worker';

/** One n8n process; its output is kept for the assertions on who ran what. */
export class N8nProcess {
	output = '';
	private child: ChildProcess | undefined;

	constructor(
		readonly name: string,
		readonly role: Role,
		readonly instance: N8nInstance,
		private readonly args: string[],
		private readonly env: NodeJS.ProcessEnv,
	) {}

	get pid(): number | undefined {
		return this.child?.pid;
	}

	get running(): boolean {
		return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
	}

	start(): void {
		const { nodeBin, n8nBin } = this.instance.install;
		const child = spawn(nodeBin, [n8nBin, ...this.args], {
			cwd: this.instance.userFolder,
			env: { ...this.instance.env, ...this.env },
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
		child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
		if (child.pid !== undefined) child.once('exit', stopOnExit(`kill -9 -${child.pid} 2>/dev/null`));
		this.child = child;
	}

	/** Resolves when the output matches, rejects if the process exits or the time runs out. */
	async waitFor(pattern: RegExp, timeoutMs = 120_000, from = 0): Promise<RegExpMatchArray> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const match = this.output.slice(from).match(pattern);
			if (match) return match;
			if (!this.running) throw new Error(`${this.name} exited while waiting for ${pattern}:\n${this.output.slice(-3000)}`);
			if (Date.now() > deadline) throw new Error(`${this.name}: no ${pattern} within ${timeoutMs} ms:\n${this.output.slice(-3000)}`);
			await new Promise((done) => setTimeout(done, 200));
		}
	}

	/** SIGKILL: the process dies at once, holding whatever it was running. */
	kill(): void {
		if (this.child?.pid !== undefined && this.running) process.kill(-this.child.pid, 'SIGKILL');
	}

	/** SIGTERM, as `docker stop` sends: n8n finishes its running executions first (up to its timeout). */
	async stop(graceMs = 60_000): Promise<void> {
		if (this.child) await stopProcess(this.child, graceMs, true);
	}

	/** Execution ids this worker finished, from its log. */
	finishedExecutions(): string[] {
		return [...this.output.matchAll(/Worker finished execution (\d+)/g)].map((match) => match[1]);
	}

	/** Execution ids this worker started, from its log. */
	startedExecutions(): string[] {
		return [...this.output.matchAll(/Worker started execution (\d+)/g)].map((match) => match[1]);
	}
}

export interface ClusterOptions {
	install: N8nInstall;
	tarball: string;
	workers: number;
	workerConcurrency?: number;
	/** Environment for every n8n process (the queue's timings, the expression engine...). */
	env?: NodeJS.ProcessEnv;
	/** Leave the package out of main's user folder, or out of these workers'. */
	withoutPackage?: { main?: boolean; workers?: number[] };
}

export class Cluster {
	readonly workers: N8nProcess[] = [];
	main!: N8nProcess;
	url = '';
	private instances: N8nInstance[] = [];

	private constructor(
		readonly options: ClusterOptions,
		readonly postgres: Postgres,
		readonly redis: Redis,
	) {}

	static async start(options: ClusterOptions): Promise<Cluster> {
		const postgres = await startPostgres();
		const redis = await startRedis().catch(async (error: unknown) => {
			await postgres.stop();
			throw error;
		});
		const cluster = new Cluster(options, postgres, redis);
		return cluster;
	}

	/** Environment shared by every n8n process of the cluster. */
	private get sharedEnv(): NodeJS.ProcessEnv {
		return {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(this.redis.port),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(this.postgres.port),
			DB_POSTGRESDB_DATABASE: this.postgres.database,
			DB_POSTGRESDB_USER: this.postgres.user,
			DB_POSTGRESDB_PASSWORD: '',
			// Main would otherwise try to reach n8n's servers, which are out of reach here (a 2.x module).
			...(this.options.install.line === '2.x' ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
			...this.options.env,
		};
	}

	/** Installs the package into an instance's `.n8n/nodes`, as a user adds it to a process that lacked it. */
	async installPackage(instance: N8nInstance): Promise<void> {
		const nodesDir = join(instance.userFolder, '.n8n', 'nodes');
		mkdirSync(nodesDir, { recursive: true });
		writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
		const result = await run('npm', ['install', '--omit=peer', '--no-audit', '--no-fund', this.options.tarball], {
			cwd: nodesDir,
			env: { ...process.env, PATH: instance.install.path },
		});
		if (result.code !== 0) throw new Error(`npm install failed:\n${result.stderr}`);
	}

	private async newInstance(withPackage: boolean): Promise<N8nInstance> {
		const instance = await N8nInstance.create(this.options.install, this.options.tarball, this.sharedEnv);
		if (!withPackage) rmSync(join(instance.userFolder, '.n8n', 'nodes'), { recursive: true, force: true });
		this.instances.push(instance);
		return instance;
	}

	/** Imports and publishes the workflows through main's user folder, then starts main and the workers. */
	async boot(credentials: CredentialJson[], workflows: WorkflowJson[]): Promise<void> {
		const mainInstance = await this.newInstance(!this.options.withoutPackage?.main);
		await mainInstance.importCredentials(credentials);
		await mainInstance.importWorkflows(workflows);
		for (const workflow of workflows) await this.publish(workflow.id, mainInstance);
		const port = await freePort();
		this.url = `http://127.0.0.1:${port}`;
		this.main = new N8nProcess('main', 'main', mainInstance, ['start'], {
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_SECURE_COOKIE: 'false',
		});
		this.main.start();
		for (let index = 0; index < this.options.workers; index++) await this.addWorker(!this.options.withoutPackage?.workers?.includes(index));
		await this.waitForMain();
		// Main answers health checks before it has registered the webhooks of published workflows.
		const paths = workflows.flatMap((workflow) =>
			(workflow.nodes as Array<{ type?: string; parameters?: { path?: unknown } }>)
				.filter((node) => node.type === 'n8n-nodes-base.webhook')
				.map((node) => String(node.parameters?.path)),
		);
		for (const path of paths) await this.waitForWebhook(path, 120_000);
		await Promise.all(this.workers.map((worker) => worker.waitFor(/n8n worker is now ready/)));
	}

	/**
	 * Resolves once main has registered the POST webhook at `path`, which a GET shows without running
	 * anything, or once main has said (in its output from `outputFrom` on) that it cannot run the workflow.
	 */
	async waitForWebhook(path: string, timeoutMs: number, outputFrom = 0): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const answer = await fetch(`${this.url}/webhook/${path}`).then((response) => response.text(), () => '');
			if (answer.includes('Did you mean to make a POST request')) return;
			if (/Workflow cannot run on this instance/.test(this.main.output.slice(outputFrom))) return;
			if (Date.now() > deadline) throw new Error(`main did not register the webhook "${path}" within ${timeoutMs} ms:\n${this.main.output.slice(-2000)}`);
			await new Promise((done) => setTimeout(done, 500));
		}
	}

	/** Activates the workflow: n8n 2.x publishes it, 1.x sets it active. */
	async publish(workflowId: string, instance: N8nInstance = this.main.instance): Promise<void> {
		const args = instance.install.line === '2.x' ? ['publish:workflow', `--id=${workflowId}`] : ['update:workflow', `--id=${workflowId}`, '--active=true'];
		const result = await instance.cli(args);
		if (result.code !== 0) throw new Error(`publish:workflow failed:\n${result.stdout}\n${result.stderr}`);
	}

	/** n8n 2.x: takes the workflow out of production (`publish` puts it back); applied by a running main within seconds. */
	async unpublish(workflowId: string): Promise<void> {
		const result = await this.main.instance.cli(['unpublish:workflow', `--id=${workflowId}`]);
		if (result.code !== 0) throw new Error(`unpublish:workflow failed:\n${result.stdout}\n${result.stderr}`);
	}

	async addWorker(withPackage = true): Promise<N8nProcess> {
		const instance = await this.newInstance(withPackage);
		const worker = new N8nProcess(`worker-${this.workers.length + 1}`, 'worker', instance, [
			'worker',
			`--concurrency=${this.options.workerConcurrency ?? 5}`,
		], {});
		worker.start();
		this.workers.push(worker);
		return worker;
	}

	async waitForMain(timeoutMs = 120_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (!this.main.running) throw new Error(`main exited:\n${this.main.output.slice(-3000)}`);
			try {
				const answer = await fetch(`${this.url}/healthz/readiness`);
				if (answer.ok) return;
			} catch {
				// not listening yet
			}
			await new Promise((done) => setTimeout(done, 300));
		}
		throw new Error(`main was not ready within ${timeoutMs} ms:\n${this.main.output.slice(-3000)}`);
	}

	/** Executions as n8n's database has them. */
	executions(workflowId?: string): Array<{ id: string; status: string; workflowId: string }> {
		const where = workflowId ? `WHERE "workflowId" = '${workflowId}'` : '';
		return this.postgres
			.query(`SELECT id, status, "workflowId" FROM execution_entity ${where} ORDER BY id`)
			.map(([id, status, ofWorkflow]) => ({ id, status, workflowId: ofWorkflow }));
	}

	/** Waits until n8n's database has `count` executions of the workflow, none of them still new, waiting or running. */
	async waitForExecutions(workflowId: string | undefined, count: number, timeoutMs: number): Promise<Array<{ id: string; status: string; workflowId: string }>> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const executions = this.executions(workflowId);
			const settled = executions.filter((execution) => !['new', 'running', 'waiting'].includes(execution.status));
			if (executions.length >= count && settled.length === executions.length) return executions;
			if (Date.now() > deadline) {
				const byStatus = executions.reduce<Record<string, number>>((counts, { status }) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});
				throw new Error(`after ${timeoutMs} ms: ${JSON.stringify(byStatus)}, expected ${count} settled executions`);
			}
			await new Promise((done) => setTimeout(done, 500));
		}
	}

	/** Waits until no execution of the workflow is running and the counts by status stay the same for `quietMs`. */
	async waitForQuiet(workflowId: string, quietMs: number, timeoutMs: number): Promise<Record<string, number>> {
		const deadline = Date.now() + timeoutMs;
		let last = '';
		let since = Date.now();
		for (;;) {
			const byStatus = this.executions(workflowId).reduce<Record<string, number>>(
				(counts, { status }) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }),
				{},
			);
			const now = JSON.stringify(byStatus);
			if (now !== last) {
				last = now;
				since = Date.now();
			} else if (!byStatus.running && Date.now() - since >= quietMs) {
				return byStatus;
			}
			if (Date.now() > deadline) throw new Error(`executions still changing after ${timeoutMs} ms: ${now}`);
			await new Promise((done) => setTimeout(done, 500));
		}
	}

	async stop(): Promise<void> {
		await Promise.all([this.main, ...this.workers].filter(Boolean).map((process) => process.stop(10_000)));
		await this.redis.stop();
		await this.postgres.stop();
		for (const instance of this.instances) instance.dispose();
	}
}

/** Sends `count` webhook requests with at most `parallel` in flight; returns their HTTP statuses in order. */
export async function sendWebhooks(
	url: string,
	count: number,
	parallel: number,
	body: (index: number) => unknown,
): Promise<number[]> {
	const statuses: number[] = new Array(count);
	let next = 0;
	const sender = async (): Promise<void> => {
		while (next < count) {
			const index = next++;
			try {
				const answer = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body(index)),
					signal: AbortSignal.timeout(60_000),
				});
				await answer.arrayBuffer();
				statuses[index] = answer.status;
			} catch {
				statuses[index] = 0;
			}
		}
	};
	await Promise.all(Array.from({ length: parallel }, sender));
	return statuses;
}
