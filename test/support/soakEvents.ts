/**
 * The soak's first judgement: every event accounted for at "Plivo", one event at a time. The sender's
 * record (each delivery, the webhook's answer, how its execution's item ended) is matched against the
 * simulator's record of the event's number, so that an event dialled twice and another never dialled
 * cannot cancel out in a total.
 */
import { ACCEPTED, clock, type FinishedExecution, type ItemOutcome, type SeenRequest, type SentDelivery, type SoakRecord, type Verdict } from './soakRecord';

/** Accepted requests for an event Plivo had accepted before: the same person dialled twice. */
export function repeatedDials(requests: SeenRequest[]): SeenRequest[] {
	const dialled = new Set<string>();
	const repeats: SeenRequest[] = [];
	for (const request of [...requests].sort((a, b) => a.at - b.at)) {
		if (request.status !== ACCEPTED || request.to === undefined) continue;
		if (dialled.has(request.to)) repeats.push(request);
		dialled.add(request.to);
	}
	return repeats;
}

/** Deliveries lost: the webhook's answer was not 200, or (once nothing more will finish: `final`) no finished execution ran it. */
export function lostDeliveries(deliveries: SentDelivery[], executions: FinishedExecution[], final: boolean): SentDelivery[] {
	const ran = new Set(executions.map((execution) => execution.deliveryId));
	return deliveries.filter(
		(delivery) => delivery.sentAt !== undefined && ((delivery.answer && delivery.answer.status !== 200) || (final && !ran.has(delivery.deliveryId))),
	);
}

/** How one event ended: accepted by Plivo once, `unknown` with Plivo's record of a failed request, or not accounted for. */
export interface EventAccount {
	eventId: string;
	to: string;
	kind: 'accepted' | 'unknown' | 'unaccounted';
	/** Why it is not accounted for; empty when it is. */
	problems: string[];
	/** The event's deliveries and what Plivo saw of it, for the evidence. */
	story: string;
}

function groupBy<T>(values: T[], key: (value: T) => string | undefined): Map<string, T[]> {
	const groups = new Map<string, T[]>();
	for (const value of values) {
		const found = key(value);
		if (found === undefined) continue;
		const group = groups.get(found);
		if (group) group.push(value);
		else groups.set(found, [value]);
	}
	return groups;
}

/** Problems of the deliveries themselves: no answer from the webhook, no execution, an outcome that is never right. */
function deliveryProblems(delivery: SentDelivery, ran: FinishedExecution[]): string[] {
	if (delivery.sentAt === undefined) return [`${delivery.deliveryId} was never sent`];
	if (delivery.answer?.status !== 200) return [`${delivery.deliveryId}: the webhook answered ${delivery.answer?.status || 'nothing'}`];
	if (ran.length === 0) return [`${delivery.deliveryId}: no finished execution`];
	const problems = ran.length > 1 ? [`${delivery.deliveryId} ran in ${ran.length} executions`] : [];
	for (const execution of ran) {
		if (execution.outcome === 'rejected' || execution.outcome === 'other') problems.push(`${delivery.deliveryId} ended ${execution.outcome}`);
	}
	return problems;
}

/** Problems of the event as a whole, from its items' outcomes against the requests Plivo saw for its number. */
function eventProblems(outcomes: ItemOutcome[], seen: SeenRequest[]): string[] {
	const count = (outcome: ItemOutcome) => outcomes.filter((candidate) => candidate === outcome).length;
	const accepted = seen.filter((request) => request.status === ACCEPTED).length;
	const problems: string[] = [];
	if (accepted > 1) problems.push(`Plivo accepted it ${accepted} times`);
	const reached = count('sent') + count('unknown') + count('rejected');
	if (reached > 1) problems.push(`${reached} deliveries reached Plivo (${outcomes.filter((outcome) => outcome !== 'skipped' && outcome !== 'not_sent').join(', ')})`);
	if (accepted === 1 && count('sent') + count('unknown') === 0) problems.push('Plivo accepted it, but no delivery says sent');
	if (accepted > 0) return problems;
	if (count('sent')) problems.push('a delivery says sent, but Plivo accepted no request for it');
	else if (count('unknown') === 0) {
		const why = count('skipped') ? ': skipped as a duplicate, its first delivery never accepted' : count('not_sent') ? ': not_sent and never retried' : '';
		problems.push(`lost: never accepted by Plivo${why}`);
	} else if (!seen.some((request) => request.status === undefined || request.status >= 500)) {
		problems.push('unknown, but Plivo saw no request for it that failed (answered 5xx or not at all)');
	}
	return problems;
}

/** A failure's message is cut to this length in the evidence. */
const NOTE_CHARS = 200;

/** An execution's outcome for the evidence, with the failure's message when the item failed. */
function toldOutcome({ outcome, note }: FinishedExecution): string {
	if (!note || outcome === 'sent' || outcome === 'skipped') return outcome;
	return `${outcome} ("${note.length > NOTE_CHARS ? `${note.slice(0, NOTE_CHARS)}…` : note}")`;
}

/** Each event's account, and the requests Plivo saw for no event at all. */
export function accountEvents(record: Pick<SoakRecord, 'start' | 'deliveries' | 'executions' | 'requests'>): { events: EventAccount[]; stray: SeenRequest[] } {
	const byEvent = groupBy(record.deliveries, (delivery) => delivery.eventId);
	const byDelivery = groupBy(record.executions, (execution) => execution.deliveryId);
	const byNumber = groupBy(record.requests, (request) => request.to);
	const numbers = new Set(record.deliveries.map((delivery) => delivery.to));
	const events = [...byEvent].map(([eventId, deliveries]): EventAccount => {
		const to = deliveries[0].to;
		const seen = byNumber.get(to) ?? [];
		const problems: string[] = [];
		const outcomes: ItemOutcome[] = [];
		const told: string[] = [];
		for (const delivery of deliveries) {
			const ran = byDelivery.get(delivery.deliveryId) ?? [];
			problems.push(...deliveryProblems(delivery, ran));
			outcomes.push(...ran.map((execution) => execution.outcome));
			told.push(`${delivery.deliveryId} ${ran.map(toldOutcome).join('+') || `webhook ${delivery.answer?.status ?? 'not answered'}, no execution`}`);
		}
		problems.push(...eventProblems(outcomes, seen));
		const plivo = seen.map((request) => `${request.status ?? 'no answer'} at ${clock(record.start, request.at, true)}`).join(', ') || 'no request';
		const kind = problems.length ? 'unaccounted' : seen.some((request) => request.status === ACCEPTED) ? 'accepted' : 'unknown';
		return { eventId, to, kind, problems, story: `${eventId} (${to}): ${problems.join('; ') || 'accounted for'}. Deliveries: ${told.join(', ')}. Plivo: ${plivo}.` };
	});
	const stray = record.requests.filter((request) => request.to === undefined || !numbers.has(request.to));
	return { events, stray };
}

/** At most this many events or requests are shown as evidence. */
const EVIDENCE = 20;

export function judgeEvents(record: SoakRecord): Verdict {
	const { events, stray } = accountEvents(record);
	const of = (kind: EventAccount['kind']) => events.filter((event) => event.kind === kind);
	const unaccounted = of('unaccounted');
	const repeats = record.deliveries.filter((delivery) => delivery.repeat).length;
	const lost = lostDeliveries(record.deliveries, record.executions, true);
	const twice = repeatedDials(record.requests);
	const lines = [
		`${events.length} events (${repeats} delivered again): ${of('accepted').length} accepted by Plivo exactly once, ${of('unknown').length} unknown with Plivo's record of a failed request (answered 5xx or not at all); ${unaccounted.length} not accounted for; ${stray.length} requests for no event.`,
		`Deliveries lost (the webhook answered other than 200, or no execution finished): ${lost.length}${lost.length ? ` (${lost.slice(0, 5).map((delivery) => delivery.deliveryId).join(', ')}${lost.length > 5 ? ', …' : ''})` : ''}.`,
		`Dialled twice: ${twice.length}${twice.length ? ` (${[...new Set(twice.map((request) => request.to))].slice(0, 5).join(', ')})` : ''}.`,
	];
	const evidence = [
		...unaccounted.slice(0, EVIDENCE).map((event) => event.story),
		...(unaccounted.length > EVIDENCE ? [`… and ${unaccounted.length - EVIDENCE} more events not accounted for`] : []),
		...stray.slice(0, EVIDENCE).map((request) => `request #${request.seq} for ${request.to ?? 'no number'} at ${clock(record.start, request.at, true)}, answered ${request.status ?? 'nothing'}: no event dials it`),
	];
	const failed = unaccounted.length > 0 || stray.length > 0;
	return { name: 'every event accounted for at Plivo', state: failed ? 'failed' : 'passed', lines, evidence };
}
