import { sleep } from 'n8n-workflow';

import { Pacer } from './pacer';
import type { BacklogReport, Clock, PacerLease } from './turns';

/**
 * The pacers of the Plivo accounts (Auth ID at a base URL) this n8n process sends for. Every
 * execution that sends for an account shares its pacer, whatever its workflow, so the rate limit and
 * a 429's pause hold for many single-item executions as they do for one execution with many items.
 * Each n8n process (main, every queue-mode worker) has its own. A pacer nobody uses any more, with
 * nothing left to enforce, is dropped the next time a run joins any account.
 */
export class AccountPacers {
	private readonly pacers = new Map<string, Pacer>();

	constructor(private readonly clock: Clock) {}

	/** Accounts with a pacer held now. */
	get size(): number {
		return this.pacers.size;
	}

	join(baseUrl: string, authId: string, requestsPerSecond: number, warn?: (report: BacklogReport) => void): PacerLease {
		for (const [account, pacer] of this.pacers) if (pacer.idle) this.pacers.delete(account);
		const account = `${authId} ${baseUrl}`;
		let pacer = this.pacers.get(account);
		if (!pacer) {
			pacer = new Pacer(this.clock);
			this.pacers.set(account, pacer);
		}
		const lease = pacer.join(requestsPerSecond, warn);
		const joined = pacer;
		return {
			...lease,
			leave: () => {
				lease.leave();
				if (joined.idle && this.pacers.get(account) === joined) this.pacers.delete(account);
			},
		};
	}
}

export const processPacers = new AccountPacers({ now: () => Date.now(), sleep: async (ms: number) => await sleep(ms) });
