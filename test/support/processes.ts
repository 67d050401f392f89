/**
 * Servers the suites start (n8n, Redis, PostgreSQL) and must not leave behind: stopping one, and a
 * last-resort cleanup for when the test process ends before its tests stop them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Servers run in their own process groups and would outlive a test process that is killed before
 * its tests stop them. A small shell process waits for the test process to end and then runs
 * whatever cleanup commands are still registered.
 */
const cleanups = new Map<number, string>();
let cleanupFile: string | undefined;
let nextCleanup = 0;

function writeCleanups(): void {
	if (cleanupFile) writeFileSync(cleanupFile, [...cleanups.values()].join('\n') + '\n');
}

/** Registers a shell command to run if the test process ends first; returns a function that withdraws it. */
export function stopOnExit(command: string): () => void {
	if (!cleanupFile) {
		cleanupFile = join(tmpdir(), `plivo-test-cleanup-${process.pid}.sh`);
		writeFileSync(cleanupFile, '');
		spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; sh ${cleanupFile}; rm -f ${cleanupFile}`], {
			detached: true,
			stdio: 'ignore',
		}).unref();
	}
	const id = nextCleanup++;
	cleanups.set(id, command);
	writeCleanups();
	return () => {
		cleanups.delete(id);
		writeCleanups();
	};
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export async function stopProcess(child: ChildProcess, graceMs: number, group = false): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
	const pid = child.pid;
	const exited = new Promise<void>((done) => child.once('exit', () => done()));
	const signal = (name: NodeJS.Signals) => {
		try {
			process.kill(group ? -pid : pid, name);
		} catch {
			// already gone
		}
	};
	signal('SIGTERM');
	const forced = setTimeout(() => signal('SIGKILL'), graceMs);
	await exited;
	clearTimeout(forced);
}
