/**
 * Runs the PHLO simulator as a process:
 *
 *   npx tsx test/support/simulator/cli.ts --port 0 --auth-id MAXXXXXXXXXXXXXXXXXX --auth-token … [--log]
 *
 * Prints one JSON line to stdout once listening:
 *   {"url","port","authId","authToken","demoPhloId","demoNodeId","controlUrl","pid"}
 * With --log, one compact line per finished request goes to stderr. SIGINT/SIGTERM close it
 * (exit code 0) after printing the counters to stderr as one JSON line.
 */
import { readFileSync } from 'node:fs';

import {
	CONTROL_PREFIX,
	DEMO_NODE_ID,
	DEMO_PHLO_ID,
	PLIVO_DEFAULT_RATE_LIMIT,
	startSimulator,
	type MultiPartyCallNodeInit,
	type PhloInit,
	type RateLimit,
	type RecordedRequest,
	type SimulatorOptions,
} from '.';
import { isObject } from './request';

const USAGE = `Usage: tsx test/support/simulator/cli.ts [options]
  --port N                 port (default 0: a free one)
  --host H                 address (default 127.0.0.1)
  --auth-id ID             Auth ID (default MAXXXXXXXXXXXXXXXXXX)
  --auth-token T           Auth Token
  --account-name NAME      name of the account object
  --latency MS             delay before every answer
  --rate-limit [N/MS]      sliding-window limit; without a value Plivo's ${PLIVO_DEFAULT_RATE_LIMIT.limit}/${PLIVO_DEFAULT_RATE_LIMIT.windowMs}
  --no-record              keep counters only, not requests (benchmarks)
  --max-recorded N         keep at most N recent requests (default 10000)
  --slow-delay MS          delay of fault code 0408 (default 30000)
  --huge-body BYTES        size of fault code 0606's answer (default 5 MiB)
  --no-number-faults       +1999555CCCC destinations are ordinary numbers
  --no-demo                do not seed the demo PHLO
  --phlos FILE             JSON array of PHLOs: [{"phloId","name","nodes":[{"nodeId","name"}]}]
  --no-control             no control API under ${CONTROL_PREFIX}
  --log                    log each request to stderr
  --help`;

function fail(message: string): never {
	process.stderr.write(`${message}\n\n${USAGE}\n`);
	process.exit(2);
}

function parseNumber(flag: string, value: string | undefined): number {
	const number = Number(value);
	if (value === undefined || value.trim() === '' || !Number.isFinite(number) || number < 0) {
		fail(`${flag} needs a number >= 0, got ${JSON.stringify(value)}`);
	}
	return number;
}

function parseRateLimit(value: string): RateLimit {
	const match = /^(\d+)\/(\d+)$/.exec(value);
	if (!match) fail(`--rate-limit takes LIMIT/WINDOW_MS (e.g. 300/5000), got ${JSON.stringify(value)}`);
	return { limit: Number(match[1]), windowMs: Number(match[2]) };
}

function optionalString(source: Record<string, unknown>, key: string): string | undefined {
	const value = source[key];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw new Error(`${key} must be a string`);
	return value;
}

/** One PHLO of a `--phlos` file, checked field by field: the file is the user's, the types are ours. */
function parsePhloInit(value: unknown): PhloInit {
	if (!isObject(value)) throw new Error('the PHLO must be an object');
	const nodes: MultiPartyCallNodeInit[] = [];
	if (value.nodes !== undefined) {
		if (!Array.isArray(value.nodes)) throw new Error('nodes must be an array');
		for (const node of value.nodes as unknown[]) {
			if (!isObject(node)) throw new Error('each node must be an object');
			nodes.push({
				nodeId: optionalString(node, 'nodeId'),
				name: optionalString(node, 'name'),
				createdOn: optionalString(node, 'createdOn'),
			});
		}
	}
	return {
		phloId: optionalString(value, 'phloId'),
		name: optionalString(value, 'name'),
		createdOn: optionalString(value, 'createdOn'),
		nodes,
	};
}

interface CliOptions {
	simulator: SimulatorOptions;
	log: boolean;
}

export function parseArgs(argv: readonly string[]): CliOptions {
	const simulator: SimulatorOptions = {};
	let log = false;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
		const value = (): string => {
			if (inline !== undefined) return inline;
			const next = argv[++i];
			if (next === undefined) fail(`${flag} needs a value`);
			return next;
		};
		switch (flag) {
			case '--port':
				simulator.port = parseNumber(flag, value());
				break;
			case '--host':
				simulator.host = value();
				break;
			case '--auth-id':
				simulator.authId = value();
				break;
			case '--auth-token':
				simulator.authToken = value();
				break;
			case '--account-name':
				simulator.accountName = value();
				break;
			case '--latency':
				simulator.latencyMs = parseNumber(flag, value());
				break;
			case '--rate-limit': {
				const next = inline ?? argv[i + 1];
				if (next !== undefined && /^\d+\/\d+$/.test(next)) {
					if (inline === undefined) i++;
					simulator.rateLimit = parseRateLimit(next);
				} else {
					simulator.rateLimit = true;
				}
				break;
			}
			case '--no-record':
				simulator.record = false;
				break;
			case '--max-recorded':
				simulator.maxRecordedRequests = parseNumber(flag, value());
				break;
			case '--slow-delay':
				simulator.slowDelayMs = parseNumber(flag, value());
				break;
			case '--huge-body':
				simulator.hugeBodyBytes = parseNumber(flag, value());
				break;
			case '--no-number-faults':
				simulator.numberFaults = false;
				break;
			case '--no-demo':
				simulator.seedDemoPhlo = false;
				break;
			case '--phlos': {
				const file = value();
				let parsed: unknown;
				try {
					parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
				} catch (error) {
					fail(`--phlos: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
				}
				if (!Array.isArray(parsed)) fail('--phlos: the file must hold a JSON array');
				try {
					simulator.phlos = (parsed as unknown[]).map(parsePhloInit);
				} catch (error) {
					fail(`--phlos: ${error instanceof Error ? error.message : String(error)}`);
				}
				break;
			}
			case '--no-control':
				simulator.controlApi = false;
				break;
			case '--log':
				log = true;
				break;
			case '--help':
			case '-h':
				process.stdout.write(`${USAGE}\n`);
				process.exit(0);
				break;
			default:
				fail(`unknown argument ${JSON.stringify(arg)}`);
		}
	}
	return { simulator, log };
}

const time = (ms: number): string => new Date(ms).toISOString().slice(11, 23);

/** `12:00:01.123 POST /v1/phlo/…/members/+1415… action=hold -> 201 2ms [fault number:0429]` */
export function formatRequest(request: RecordedRequest): string {
	const parts = [time(request.receivedAt), request.method, request.url];
	if (request.action !== undefined) parts.push(`action=${request.action}`);
	if (request.to !== undefined) parts.push(`to=${request.to}`);
	if (!request.authenticated) parts.push(`auth=${request.authUser === undefined ? 'none' : 'wrong'}`);
	parts.push('->', request.status === undefined ? request.outcome : String(request.status));
	if (request.status !== undefined && request.outcome !== 'answered') parts.push(request.outcome);
	if (request.finishedAt !== undefined) parts.push(`${request.finishedAt - request.receivedAt}ms`);
	if (request.fault) {
		const { source, code, type } = request.fault;
		parts.push(`[fault ${source}${code ? `:${code}` : ''} ${type}]`);
	}
	return parts.join(' ');
}

async function main(): Promise<void> {
	const { simulator: options, log } = parseArgs(process.argv.slice(2));
	if (log) options.onRequest = (request) => process.stderr.write(`${formatRequest(request)}\n`);
	const sim = await startSimulator(options);
	process.stdout.write(
		`${JSON.stringify({
			url: sim.url,
			port: sim.port,
			authId: sim.authId,
			authToken: sim.authToken,
			demoPhloId: options.seedDemoPhlo === false ? null : DEMO_PHLO_ID,
			demoNodeId: options.seedDemoPhlo === false ? null : DEMO_NODE_ID,
			controlUrl: options.controlApi === false ? null : `${sim.url}${CONTROL_PREFIX}`,
			pid: process.pid,
		})}\n`,
	);

	let stopping = false;
	const stop = (signal: NodeJS.Signals): void => {
		if (stopping) return;
		stopping = true;
		const force = setTimeout(() => process.exit(0), 5_000);
		force.unref();
		void sim.close().then(() => {
			process.stderr.write(`${JSON.stringify({ signal, stats: sim.stats })}\n`);
			process.exit(0);
		});
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

if (require.main === module) {
	main().catch((error: unknown) => {
		process.stderr.write(`phlo simulator: ${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(1);
	});
}
