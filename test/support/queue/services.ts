/**
 * Redis and PostgreSQL from Debian's packages, each started as a private process on 127.0.0.1 for the
 * queue-mode tests, with its data in a temporary folder, and stopped by PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { stopOnExit, stopProcess } from '../processes';
import { freePort, run } from '../realN8n';

const isRoot = process.getuid?.() === 0;

function postgresBinDir(): string {
	const root = '/usr/lib/postgresql';
	const versions = existsSync(root) ? readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'postgres'))) : [];
	if (!versions.length) throw new Error('PostgreSQL server not found: install Debian\'s "postgresql" package (.ci/run does)');
	return join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

/** PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user. */
async function asPostgres(program: string, args: string[]): Promise<void> {
	const [command, commandArgs] = isRoot ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
	const result = await run(command, commandArgs, { cwd: tmpdir() });
	if (result.code !== 0) throw new Error(`${program} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
}

export interface Postgres {
	port: number;
	database: string;
	user: string;
	/** Runs one SQL statement and returns its rows as arrays of text. */
	query(sql: string): string[][];
	stop(): Promise<void>;
}

export async function startPostgres(): Promise<Postgres> {
	const bin = postgresBinDir();
	const dir = mkdtempSync(join(tmpdir(), 'plivo-queue-pg-'));
	chmodSync(dir, 0o777);
	const data = join(dir, 'data');
	const port = await freePort();
	if (isRoot) spawnSync('chown', ['postgres', dir]);
	await asPostgres(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
	await asPostgres(join(bin, 'pg_ctl'), [
		'-D', data, '-w', '-l', join(dir, 'server.log'), 'start',
		'-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c max_connections=200`,
	]);
	const database = 'n8n';
	const psql = (sql: string, db = database): string[][] => {
		const result = spawnSync(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', db, '-AtF', '\t', '-c', sql], {
			encoding: 'utf8',
		});
		if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
		return result.stdout.split('\n').filter(Boolean).map((line) => line.split('\t'));
	};
	const forget = stopOnExit(`${isRoot ? 'runuser -u postgres -- ' : ''}${join(bin, 'pg_ctl')} -D ${data} -m immediate stop; rm -rf ${dir}`);
	psql(`CREATE DATABASE ${database}`, 'postgres');
	return {
		port,
		database,
		user: 'postgres',
		query: psql,
		stop: async () => {
			forget();
			await asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

export interface Redis {
	port: number;
	/** Stops the server (SIGTERM, or SIGKILL after 5 s); `start` brings it back on the same port. */
	stop(): Promise<void>;
	start(): Promise<void>;
}

export async function startRedis(): Promise<Redis> {
	if (spawnSync('redis-server', ['--version']).status !== 0) {
		throw new Error('redis-server not found: install Debian\'s "redis-server" package (.ci/run does)');
	}
	const port = await freePort();
	let child: ChildProcess | undefined;
	const start = async (): Promise<void> => {
		const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
			stdio: 'ignore',
		});
		child = started;
		if (started.pid !== undefined) started.once('exit', stopOnExit(`kill -9 ${started.pid} 2>/dev/null`));
		const deadline = Date.now() + 15_000;
		while (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() !== 'PONG') {
			if (started.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
			await new Promise((done) => setTimeout(done, 100));
		}
	};
	const stop = async (): Promise<void> => {
		const running = child;
		if (!running || running.exitCode !== null) return;
		await stopProcess(running, 5_000);
	};
	await start();
	return { port, start, stop };
}
