/**
 * The PHLO simulator in a process of its own (its CLI), for benchmarks: it then shares neither n8n's
 * event loop nor the benchmark's.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { REPO_ROOT } from './n8nInstall';
import { stopOnExit } from './processes';

export interface SimulatorProcess {
	url: string;
	authId: string;
	authToken: string;
	/** Calls the control API (`/__simulator/<path>`) and returns its JSON answer. */
	control: (path: string, init?: RequestInit) => Promise<unknown>;
	stop: () => Promise<void>;
}

/** Starts the CLI on a free port with `args` and resolves once it has printed where it listens. */
export async function startSimulatorProcess(args: string[] = []): Promise<SimulatorProcess> {
	const child = spawn(
		process.execPath,
		[join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), join(REPO_ROOT, 'test/support/simulator/cli.ts'), '--port', '0', ...args],
		{ stdio: ['ignore', 'pipe', 'pipe'], detached: true },
	);
	// Like n8n, it must not outlive a benchmark or soak that is killed before it stops it.
	const withdraw = child.pid === undefined ? () => undefined : stopOnExit(`kill -9 -${child.pid} 2>/dev/null`);
	child.once('exit', withdraw);
	// Its counters (stderr, when it stops) are shown only when it fails to start.
	let errors = '';
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
	const line = await new Promise<string>((resolve, reject) => {
		let buffer = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			buffer += chunk;
			if (buffer.includes('\n')) resolve(buffer.split('\n')[0]);
		});
		child.once('exit', () => reject(new Error(`the simulator exited:\n${errors}`)));
	});
	const info = JSON.parse(line) as { url: string; authId: string; authToken: string };
	return {
		...info,
		control: async (path, init) => await (await fetch(`${info.url}/__simulator/${path}`, init)).json(),
		stop: async () => {
			if (child.exitCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
			await exited;
		},
	};
}
