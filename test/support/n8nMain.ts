/**
 * One n8n main process on loopback serving the webhooks of published workflows, as users run it: its own
 * user folder with the packed package in `.n8n/nodes`, credentials and workflows imported and published
 * through the CLI before it starts. What queue mode (`./queue/cluster`: Redis, PostgreSQL, workers) and
 * regular mode (`./regularN8n`: main alone on SQLite) share: booting main (an `./n8nProcess`, as every
 * n8n the suites start), waiting until it has registered its webhooks, sending webhook requests, and
 * waiting for the executions n8n's database holds.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { N8nProcess } from './n8nProcess';
import { freePort, N8nInstance, run, type CredentialJson, type N8nInstall, type WorkflowJson } from './realN8n';

/** An execution as n8n's database has it. */
export interface ExecutionRow {
	id: string;
	status: string;
	workflowId: string;
}

/** Statuses of executions n8n has not finished with. */
const UNSETTLED = ['new', 'running', 'waiting'];

export const countBy = (values: string[]): Record<string, number> =>
	values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});

export interface MainOptions {
	install: N8nInstall;
	tarball: string;
	/** Environment for every n8n process (the queue's timings, the expression engine...). */
	env?: NodeJS.ProcessEnv;
	/** Leave the package out of main's user folder. */
	withoutPackage?: { main?: boolean };
}

/** Main and whatever else a mode runs beside it; each mode says how n8n is set up and where its executions are read. */
export abstract class N8nMain<Options extends MainOptions = MainOptions> {
	main!: N8nProcess;
	url = '';
	private readonly instances: N8nInstance[] = [];

	protected constructor(readonly options: Options) {}

	/** The execution mode and the database: what sets this mode apart. */
	protected abstract get modeEnv(): NodeJS.ProcessEnv;

	/** Executions as n8n's database has them, of one workflow or of all. */
	abstract executions(workflowId?: string): Promise<ExecutionRow[]>;

	/** Started after main, before it is ready (queue mode's workers). */
	protected async startBesideMain(): Promise<void> {}

	/** Once main has registered its webhooks: whatever else must be ready before requests are sent. */
	protected async finishBoot(): Promise<void> {}

	/** Every n8n process of this set-up, stopped together. */
	protected get processes(): N8nProcess[] {
		return this.main ? [this.main] : [];
	}

	/** Stopped after the n8n processes (queue mode's Redis and PostgreSQL). */
	protected async stopServices(): Promise<void> {}

	/** Environment shared by every n8n process. */
	private get sharedEnv(): NodeJS.ProcessEnv {
		return {
			...this.modeEnv,
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

	protected async newInstance(withPackage: boolean): Promise<N8nInstance> {
		const instance = await N8nInstance.create(this.options.install, this.options.tarball, this.sharedEnv);
		if (!withPackage) rmSync(join(instance.userFolder, '.n8n', 'nodes'), { recursive: true, force: true });
		this.instances.push(instance);
		return instance;
	}

	/** Imports and publishes the workflows through main's user folder, starts main (and what runs beside it), waits for its webhooks. */
	async boot(credentials: CredentialJson[], workflows: WorkflowJson[]): Promise<void> {
		const mainInstance = await this.newInstance(!this.options.withoutPackage?.main);
		await mainInstance.importCredentials(credentials);
		await mainInstance.importWorkflows(workflows);
		for (const workflow of workflows) await this.publish(workflow.id, mainInstance);
		const port = await freePort();
		this.url = `http://127.0.0.1:${port}`;
		this.main = N8nProcess.server('main', mainInstance, port);
		this.main.start();
		await this.startBesideMain();
		await this.waitForMain();
		// Main answers health checks before it has registered the webhooks of published workflows.
		const paths = workflows.flatMap((workflow) =>
			(workflow.nodes as Array<{ type?: string; parameters?: { path?: unknown } }>)
				.filter((node) => node.type === 'n8n-nodes-base.webhook')
				.map((node) => String(node.parameters?.path)),
		);
		for (const path of paths) await this.waitForWebhook(path, 120_000);
		await this.finishBoot();
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

	/**
	 * Stops main as an operator restarting n8n does (SIGTERM, running executions finish or are cut) and
	 * starts it again on the same user folder and port; resolves once it serves `webhookPaths` again.
	 * The session the boot logged in with stays valid.
	 */
	async restartMain(webhookPaths: string[]): Promise<void> {
		await this.main.stop(30_000);
		const from = this.main.output.length;
		this.main.start();
		await this.waitForMain();
		for (const path of webhookPaths) await this.waitForWebhook(path, 120_000, from);
	}

	async waitForMain(timeoutMs = 120_000): Promise<void> {
		await this.main.waitForAnswer(`${this.url}/healthz/readiness`, (answer) => answer.ok, timeoutMs);
	}

	/** Waits until n8n's database has `count` executions of the workflow, none of them still new, waiting or running. */
	async waitForExecutions(workflowId: string | undefined, count: number, timeoutMs: number): Promise<ExecutionRow[]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const executions = await this.executions(workflowId);
			const settled = executions.filter((execution) => !UNSETTLED.includes(execution.status));
			if (executions.length >= count && settled.length === executions.length) return executions;
			if (Date.now() > deadline) {
				const byStatus = countBy(executions.map(({ status }) => status));
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
			const byStatus = countBy((await this.executions(workflowId)).map(({ status }) => status));
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
		await Promise.all(this.processes.map((process) => process.stop(10_000)));
		await this.stopServices();
		for (const instance of this.instances) instance.dispose();
	}
}

/** What a webhook request got: its HTTP status (0 when it got no answer) and the answer's body. */
export interface WebhookAnswer {
	status: number;
	body: string;
}

/** POSTs `body` as JSON to a webhook; waits up to `timeoutMs` for the whole answer. */
export async function postWebhook(url: string, body: unknown, timeoutMs = 60_000): Promise<WebhookAnswer> {
	try {
		const answer = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(timeoutMs),
		});
		return { status: answer.status, body: await answer.text() };
	} catch {
		return { status: 0, body: '' };
	}
}

/** Sends `count` webhook requests with at most `parallel` in flight; returns their answers in order. */
export async function sendWebhookRequests(
	url: string,
	count: number,
	parallel: number,
	body: (index: number) => unknown,
): Promise<WebhookAnswer[]> {
	const answers: WebhookAnswer[] = new Array<WebhookAnswer>(count);
	let next = 0;
	const sender = async (): Promise<void> => {
		while (next < count) {
			const index = next++;
			answers[index] = await postWebhook(url, body(index));
		}
	};
	await Promise.all(Array.from({ length: parallel }, sender));
	return answers;
}

/** `sendWebhookRequests`, for the HTTP statuses alone. */
export async function sendWebhooks(...request: Parameters<typeof sendWebhookRequests>): Promise<number[]> {
	return (await sendWebhookRequests(...request)).map((answer) => answer.status);
}
