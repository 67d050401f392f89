/**
 * Bursts of webhook requests as a CRM sends them, and what to read from what reached "Plivo": shared by
 * the regular-mode (events) and queue-mode suites.
 */
import { postWebhook, sendWebhookRequests, type WebhookAnswer } from './n8nMain';
import type { Simulator } from './simulator';

/** The most times in any window [t, t + windowMs) that starts at one of them. */
export function mostInWindow(times: number[], windowMs: number): number {
	const sorted = [...times].sort((a, b) => a - b);
	let most = 0;
	for (let start = 0, end = 0; start < sorted.length; start++) {
		while (end < sorted.length && sorted[end] < sorted[start] + windowMs) end++;
		most = Math.max(most, end - start);
	}
	return most;
}

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
	const perDestination = destinations.map((to) => sim.count({ route: 'multiPartyCall.dial', to }));
	return {
		perDestination,
		dials: perDestination.reduce((sum, times) => sum + times, 0),
		dialledMoreThanOnce: perDestination.filter((times) => times > 1).length,
		notDialled: perDestination.filter((times) => times === 0).length,
		most: Math.max(0, ...perDestination),
	};
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
