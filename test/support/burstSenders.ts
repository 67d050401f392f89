/**
 * A burst of CRM events as their senders deliver it: every event is posted at its time, whatever the
 * answers to the events before it (a CRM does not slow down because n8n does), so that every request
 * still unanswered is a sender waiting. A sender told to come back later (429 or 503 with
 * `Retry-After`) re-delivers the same event then, as often as it is told, and keeps its own record of
 * every delivery: what the benchmark and the suites count the simulator's record against.
 */

/** One event of the burst: its id, the number it dials (unique to it), and when it is sent. */
export interface BurstEvent {
	eventId: string;
	to: string;
	/** When its first delivery is due, from the start of the burst. */
	dueMs: number;
}

/** One webhook request of an event, and how it was answered. */
export interface Delivery {
	eventId: string;
	/** 1 for the first delivery, 2 for the first re-delivery... */
	attempt: number;
	sentAt: number;
	answeredAt: number;
	/** The HTTP status; 0 when no answer came within the sender's timeout. */
	status: number;
	/** The `Retry-After` header as received, when there was one. */
	retryAfter?: string;
	/** The start of the answer's body, for the record of what a sender was told. */
	body: string;
}

/** Statuses that tell a sender to deliver again later. */
export const HANDED_BACK = [429, 503];

/**
 * `count` events spread evenly over `seconds`; each dials its own number of the `series` (0–99), so
 * that set-ups measured in one run are told apart at the simulator.
 */
export function planBurst({ count, seconds, series }: { count: number; seconds: number; series: number }): BurstEvent[] {
	if (series < 0 || series > 99 || count > 100_000) throw new Error(`a burst's series is 0–99 and holds up to 100,000 events (got series ${series}, ${count} events)`);
	return Array.from({ length: count }, (_, index) => ({
		eventId: `burst-${series}-${index}`,
		to: `+1${String(2_000_000_000 + series * 100_000 + index)}`,
		dueMs: count > 1 ? (index * seconds * 1000) / count : 0,
	}));
}

/** Seconds a `Retry-After` value asks for (whole seconds or an HTTP date); undefined when it is neither. */
export function retryAfterSeconds(value: string | undefined, now: number): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	if (/^\d+$/.test(value.trim())) return Number(value.trim());
	const at = Date.parse(value);
	return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

export interface SendOptions {
	/** The request body of an event (the same on every delivery). */
	body: (event: BurstEvent) => unknown;
	/** How long a sender waits for an answer before it counts the delivery as unanswered. */
	timeoutMs: number;
	/** Re-deliver an event after a hand-back, when the answer says when. */
	honourRetryAfter: boolean;
	/** Told of every answered delivery as it comes (progress lines). */
	onDelivery?: (delivery: Delivery) => void;
}

async function deliver(url: string, event: BurstEvent, attempt: number, options: SendOptions): Promise<Delivery> {
	const sentAt = Date.now();
	try {
		const answer = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(options.body(event)),
			signal: AbortSignal.timeout(options.timeoutMs),
		});
		const body = (await answer.text()).slice(0, 400);
		const retryAfter = answer.headers.get('retry-after') ?? undefined;
		return { eventId: event.eventId, attempt, sentAt, answeredAt: Date.now(), status: answer.status, ...(retryAfter === undefined ? {} : { retryAfter }), body };
	} catch {
		return { eventId: event.eventId, attempt, sentAt, answeredAt: Date.now(), status: 0, body: '' };
	}
}

const sleepUntil = async (at: number) => await new Promise((done) => setTimeout(done, Math.max(0, at - Date.now())));

/**
 * Delivers the burst to `url` from `start` on; resolves once every delivery, re-deliveries included,
 * has been answered (or timed out) and none is due any more. Every delivery, in the order answered.
 */
export async function sendBurst(url: string, events: readonly BurstEvent[], start: number, options: SendOptions): Promise<Delivery[]> {
	const deliveries: Delivery[] = [];
	const deliverEvent = async (event: BurstEvent): Promise<void> => {
		await sleepUntil(start + event.dueMs);
		for (let attempt = 1; ; attempt++) {
			const delivery = await deliver(url, event, attempt, options);
			deliveries.push(delivery);
			options.onDelivery?.(delivery);
			const wait = HANDED_BACK.includes(delivery.status) ? retryAfterSeconds(delivery.retryAfter, delivery.answeredAt) : undefined;
			if (!options.honourRetryAfter || wait === undefined) return;
			await sleepUntil(delivery.answeredAt + wait * 1000);
		}
	};
	await Promise.all(events.map(deliverEvent));
	return deliveries;
}
