/**
 * `npm run bench:queue`: webhook executions (Webhook → Plivo PHLO Add User) through n8n 2.40 in queue
 * mode, with one worker and with two, on n8n's default expression engine and on its legacy one.
 * Reports executions per second and the CPU time main and the workers spent per execution.
 * `BENCH_QUEUE_N` sets the number of webhook requests per case (default 500).
 */
import { readdirSync, readFileSync } from 'node:fs';

import { plivoCredential, webhookAddUserWorkflow } from '../test/support/workflows';
import { ensureN8n, packPackage } from '../test/support/realN8n';
import { Cluster, sendWebhooks, type N8nProcess } from '../test/support/queue/cluster';
import { startSimulator } from '../test/support/simulator';

const N = Number(process.env.BENCH_QUEUE_N ?? 500);
const PARALLEL = 10;
const TICKS_PER_SECOND = 100;
const say = (text: string) => process.stdout.write(`${text}\n`);

/** CPU seconds used so far by a process and everything in its process group (n8n's task runners). */
function cpuSeconds(process: N8nProcess): number {
	const group = process.pid;
	if (group === undefined) return 0;
	let ticks = 0;
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			// After the command: state ppid pgrp ... utime (14th field overall) stime (15th).
			if (Number(fields[2]) === group) ticks += Number(fields[11]) + Number(fields[12]);
		} catch {
			// the process ended while we read
		}
	}
	return ticks / TICKS_PER_SECOND;
}

interface Case {
	name: string;
	workers: number;
	env: NodeJS.ProcessEnv;
}

async function main(): Promise<void> {
	const install = await ensureN8n('2.x');
	const tarball = await packPackage();
	const sim = await startSimulator({ record: false });
	const credential = plivoCredential('plivoQueue000001', sim.credentials);
	const flow = webhookAddUserWorkflow('queueBench000001', 'bench', credential);
	const cases: Case[] = [
		{ name: '1 worker, default expression engine', workers: 1, env: {} },
		{ name: '2 workers, default expression engine', workers: 2, env: {} },
		{ name: '2 workers, N8N_EXPRESSION_ENGINE=legacy', workers: 2, env: { N8N_EXPRESSION_ENGINE: 'legacy' } },
	];
	say(`${N} webhook requests per case, ${PARALLEL} in flight, worker concurrency 5, n8n ${install.n8nVersion}`);
	say('| case | executions/s | CPU ms per execution (main) | (workers) |');
	say('| --- | --- | --- | --- |');
	for (const benchCase of cases) {
		const cluster = await Cluster.start({ install, tarball, workers: benchCase.workers, env: benchCase.env });
		try {
			await cluster.boot([credential], [flow]);
			const before = sim.stats.received;
			const cpuBefore = [cluster.main, ...cluster.workers].map(cpuSeconds);
			const started = Date.now();
			await sendWebhooks(`${cluster.url}/webhook/bench`, N, PARALLEL, (index) => ({ to: `+1415${String(5_000_000 + index)}` }));
			await cluster.waitForExecutions('queueBench000001', N, 600_000);
			const seconds = (Date.now() - started) / 1000;
			const cpuAfter = [cluster.main, ...cluster.workers].map(cpuSeconds);
			const used = cpuAfter.map((after, index) => after - cpuBefore[index]);
			const workerCpu = used.slice(1).reduce((sum, value) => sum + value, 0);
			if (sim.stats.received - before !== N) throw new Error(`expected ${N} requests, the simulator got ${sim.stats.received - before}`);
			say(
				`| ${benchCase.name} | ${(N / seconds).toFixed(1)} | ${((used[0] * 1000) / N).toFixed(1)} | ${((workerCpu * 1000) / N).toFixed(1)} |`,
			);
		} finally {
			await cluster.stop();
		}
	}
	await sim.close();
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exitCode = 1;
});
