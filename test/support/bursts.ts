/**
 * Bursts of webhook requests as a CRM sends them, and what to read from what reached "Plivo": shared by
 * the regular-mode (events) and queue-mode suites, the benchmarks and the soak.
 */
import { timesSeen } from './counts';
import { postWebhook, sendWebhookRequests, type WebhookAnswer } from './n8nMain';
import type { RecordedRequest, Simulator } from './simulator';
import type { SimulatorProcess } from './simulatorProcess';

export { describeOncePerKey, eachOnce, mostInWindow, oncePerKey, timesSeen, type OncePerKey } from './counts';

/**
 * Delivers `count` events `copies` times, as a sender that retries or fires twice does: each copy of
 * the whole set at once, the copies `gapMs` apart. The answers of every copy, in order.
 */
export async function deliverCopies(
	url: string,
	{ count, copies, gapMs }: { count: number; copies: number; gapMs: number },
	body: (index: number) => unknown,
): Promise<WebhookAnswer[]> {
	const answers = await Promise.all(
		Array.from({ length: copies }, async (_, copy) => {
			await new Promise((done) => setTimeout(done, copy * gapMs));
			return await sendWebhookRequests(url, count, count, body);
		}),
	);
	return answers.flat();
}

/** A webhook's answer body as JSON (a respond-when-done webhook answers with the node's output item). */
export function answerJson(answer: WebhookAnswer): Record<string, unknown> {
	try {
		return JSON.parse(answer.body) as Record<string, unknown>;
	} catch {
		return {};
	}
}

/** How many times each destination was dialled, and what that adds up to. */
export function dialTally(sim: Simulator, destinations: string[]) {
	const times = timesSeen(sim.filter({ route: 'multiPartyCall.dial' }).map((request) => request.to));
	const perDestination = destinations.map((to) => times.get(to) ?? 0);
	return {
		perDestination,
		dials: perDestination.reduce((sum, count) => sum + count, 0),
		dialledMoreThanOnce: perDestination.filter((count) => count > 1).length,
		notDialled: perDestination.filter((count) => count === 0).length,
		most: Math.max(0, ...perDestination),
	};
}

/** The requests a simulator running as a process recorded from `since` on (it keeps them until reset). */
export async function recordedRequests(sim: SimulatorProcess, since = 0): Promise<RecordedRequest[]> {
	const { requests } = (await sim.control(`requests?since=${since}`)) as { requests: RecordedRequest[] };
	return requests;
}

/**
 * Sends `count` webhook requests at a steady `perSecond`, each on its own schedule without waiting for
 * the answers before it, as events from a busy CRM arrive. The answers in order, and when each was sent.
 */
export async function sendSteadily(
	url: string,
	{ count, perSecond }: { count: number; perSecond: number },
	body: (index: number) => unknown,
): Promise<{ answers: WebhookAnswer[]; sentAt: number[] }> {
	const start = Date.now();
	const sentAt: number[] = [];
	const answers: Array<Promise<WebhookAnswer>> = [];
	for (let index = 0; index < count; index++) {
		const due = start + (index * 1000) / perSecond;
		await new Promise((done) => setTimeout(done, Math.max(0, due - Date.now())));
		sentAt.push(Date.now());
		answers.push(postWebhook(url, body(index)));
	}
	return { answers: await Promise.all(answers), sentAt };
}
