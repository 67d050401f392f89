import { sleep } from 'n8n-workflow';

import { Pacer } from './pacer';

const pacers = new Map<string, Pacer>();

const realClock = { now: () => Date.now(), sleep: async (ms: number) => await sleep(ms) };

/**
 * The pacer of one Plivo account (Auth ID at a base URL) in this n8n process. Every execution that
 * sends for the account shares it, whatever its workflow, so the rate limit and a 429's pause hold
 * for many single-item executions as they do for one execution with many items. Each n8n process
 * (main, every queue-mode worker) has its own.
 */
export function pacerFor(baseUrl: string, authId: string): Pacer {
	const account = `${authId} ${baseUrl}`;
	let pacer = pacers.get(account);
	if (!pacer) {
		pacer = new Pacer(realClock);
		pacers.set(account, pacer);
	}
	return pacer;
}
