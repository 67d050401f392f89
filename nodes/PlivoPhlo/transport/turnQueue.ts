import type { Clock } from './turns';

/** While it waits, the queue looks again this often, so that a run leaving or a 429 takes effect promptly. */
const RECHECK_MS = 250;

/** When the next request may start, and what starting one changes: the pacer's schedule. */
export interface Schedule {
	/** Milliseconds until the next start is allowed; 0 when it may start now. */
	waitFor(now: number): number;
	markStart(now: number): void;
}

interface Waiter {
	run: symbol;
	start(): void;
}

/** The requests waiting for their turn, in the order they asked, started one by one as the schedule allows. */
export class TurnQueue {
	private readonly waiting: Waiter[] = [];

	private pumping = false;

	constructor(
		private readonly clock: Clock,
		private readonly schedule: Schedule,
	) {}

	get length(): number {
		return this.waiting.length;
	}

	/** How many runs (executions) have a request waiting. */
	get runs(): number {
		return new Set(this.waiting.map((waiter) => waiter.run)).size;
	}

	/** Resolves at the request's turn; rejects, giving its turn to the next, if `signal` aborts first. */
	async wait(run: symbol, signal?: AbortSignal): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			const cancel = () => {
				const place = this.waiting.indexOf(waiter);
				if (place >= 0) this.waiting.splice(place, 1);
				reject(new Error('The execution was cancelled'));
			};
			const waiter: Waiter = {
				run,
				start: () => {
					signal?.removeEventListener('abort', cancel);
					resolve();
				},
			};
			signal?.addEventListener('abort', cancel, { once: true });
			this.waiting.push(waiter);
			void this.pump();
		});
	}

	/** Only one pump runs at a time. */
	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.waiting.length > 0) {
				const wait = this.schedule.waitFor(this.clock.now());
				if (wait > 0) {
					await this.clock.sleep(Math.min(wait, RECHECK_MS));
					continue;
				}
				this.schedule.markStart(this.clock.now());
				this.waiting.shift()?.start();
			}
		} finally {
			this.pumping = false;
		}
	}
}
