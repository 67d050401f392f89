/**
 * One n8n process (the server of the editor and end-to-end suites and of `npm run dev`, a main, a
 * worker), started one way for every caller: from an instance's user folder, in a process group of
 * its own that is stopped whole, and killed if the test process ends first. Its output is kept for
 * error messages and for the assertions on who ran what.
 */
import { spawn, type ChildProcess } from 'node:child_process';

import { stopOnExit, stopProcess } from './processes';
import type { N8nInstance } from './realN8n';

export type Role = 'main' | 'worker';

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

	/** `n8n start` listening on 127.0.0.1:`port` only: editor, REST API and webhooks. */
	static server(name: string, instance: N8nInstance, port: number): N8nProcess {
		return new N8nProcess(name, 'main', instance, ['start'], {
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_SECURE_COOKIE: 'false',
		});
	}

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

	/** Resolves once a GET of `url` gets an answer `ready` accepts; rejects if the process exits or the time runs out. */
	async waitForAnswer(url: string, ready: (answer: Response) => boolean, timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (!this.running) throw new Error(`${this.name} exited before ${url} answered:\n${this.output.slice(-3000)}`);
			// No answer yet while n8n is not listening.
			const answer = await fetch(url).catch(() => undefined);
			if (answer && ready(answer)) return;
			if (Date.now() > deadline) throw new Error(`${this.name}: ${url} was not ready within ${timeoutMs} ms:\n${this.output.slice(-3000)}`);
			await new Promise((done) => setTimeout(done, 300));
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
