/**
 * Throughput of the simulator alone: starts the CLI in a child process and sends requests to it
 * from this process over keep-alive connections, `--concurrency` in flight.
 *
 *   npx tsx scripts/bench-simulator.ts [--requests 20000] [--concurrency 10] [--route dial|member|get|run] [--record]
 *
 * Prints one JSON line: requests, seconds, requests per second, latency percentiles, statuses.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { DEMO_NODE_ID, DEMO_PHLO_ID } from '../test/support/simulator';

interface Started {
	url: string;
	authId: string;
	authToken: string;
}

function argument(name: string, fallback: string): string {
	const index = process.argv.indexOf(name);
	return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1] : fallback;
}

async function main(): Promise<void> {
	const total = Number(argument('--requests', '20000'));
	const concurrency = Number(argument('--concurrency', '10'));
	const route = argument('--route', 'dial');
	const record = process.argv.includes('--record');

	const tsxCli = require.resolve('tsx/cli');
	const child = spawn(
		process.execPath,
		[tsxCli, join(__dirname, '..', 'test', 'support', 'simulator', 'cli.ts'), '--port', '0', ...(record ? [] : ['--no-record'])],
		{ stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const started = await new Promise<Started>((resolve, reject) => {
		const lines = createInterface({ input: child.stdout });
		lines.once('line', (line) => resolve(JSON.parse(line) as Started));
		child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
	});

	const target = new URL(started.url);
	const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
	const auth = `Basic ${Buffer.from(`${started.authId}:${started.authToken}`).toString('base64')}`;
	const base = `/v1/phlo/${DEMO_PHLO_ID}/multi_party_call/${DEMO_NODE_ID}`;
	const routes: Record<string, { method: string; path: string; body?: string }> = {
		dial: {
			method: 'POST',
			path: base,
			body: JSON.stringify({ action: 'call', to: '+14155551234', role: 'agent', trigger_source: '+14155550000' }),
		},
		member: { method: 'POST', path: `${base}/members/+14155551234`, body: JSON.stringify({ action: 'hold' }) },
		get: { method: 'GET', path: base },
		run: { method: 'POST', path: `/v1/account/${started.authId}/phlo/${DEMO_PHLO_ID}`, body: '{"from":"+14155550000"}' },
	};
	const chosen = routes[route];
	if (!chosen) throw new Error(`--route must be one of ${Object.keys(routes).join(', ')}`);

	const send = (): Promise<number> =>
		new Promise((resolve, reject) => {
			const headers: Record<string, string | number> = { Authorization: auth, Accept: 'application/json' };
			if (chosen.body !== undefined) {
				headers['Content-Type'] = 'application/json';
				headers['Content-Length'] = Buffer.byteLength(chosen.body);
			}
			const req = request(
				{ host: target.hostname, port: target.port, method: chosen.method, path: chosen.path, agent, headers },
				(res) => {
					res.resume();
					res.on('end', () => resolve(res.statusCode ?? 0));
				},
			);
			req.on('error', reject);
			req.end(chosen.body);
		});

	// Warm-up: open the connections and let the JIT settle.
	await Promise.all(Array.from({ length: concurrency * 50 }, () => send()));

	const latencies: number[] = [];
	const statuses: Record<number, number> = {};
	let next = 0;
	const startedAt = process.hrtime.bigint();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < total) {
				next++;
				const t0 = process.hrtime.bigint();
				const status = await send();
				latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
				statuses[status] = (statuses[status] ?? 0) + 1;
			}
		}),
	);
	const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
	latencies.sort((a, b) => a - b);
	const percentile = (p: number): number =>
		Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] * 1000) / 1000;

	agent.destroy();
	child.kill('SIGTERM');
	process.stdout.write(
		`${JSON.stringify({
			route,
			record,
			concurrency,
			requests: latencies.length,
			seconds: Math.round(seconds * 1000) / 1000,
			requestsPerSecond: Math.round(latencies.length / seconds),
			latencyMs: { p50: percentile(50), p90: percentile(90), p99: percentile(99), max: percentile(100) },
			statuses,
		})}\n`,
	);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
