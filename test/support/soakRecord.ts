/**
 * What `npm run soak` records, as its judgement (`./soakJudgement`) reads it: the sender's own record of
 * every webhook request and of the execution that ran it, the simulator's record of every request that
 * reached "Plivo", the faults played, the setting, and n8n's memory. Plain data, so that a test can
 * build a record by hand and plant a defect in it.
 */

/** How an item ended, read from its finished execution: Plivo's answer, a skipped duplicate, or a failure's `outcome`. */
export type ItemOutcome = 'sent' | 'skipped' | 'not_sent' | 'rejected' | 'unknown' | 'other';
export const ITEM_OUTCOMES: readonly ItemOutcome[] = ['sent', 'skipped', 'not_sent', 'rejected', 'unknown', 'other'];

/** One webhook request the soak sent: an event's first delivery or a repeat of it, and the answer it got. */
export interface SentDelivery {
	deliveryId: string;
	eventId: string;
	/** The number the event dials, its own: what tells the events apart in the simulator's record. */
	to: string;
	repeat: boolean;
	sentAt?: number;
	/** The webhook's answer (status 0: none); undefined while it is awaited. */
	answer?: { status: number };
}

/** A finished execution, read from n8n: which delivery it ran and how its item ended. */
export interface FinishedExecution {
	id: string;
	deliveryId: string | undefined;
	outcome: ItemOutcome;
	finishedAt: number;
	/** The failure's message, for an item that failed; why an `other` outcome is one. */
	note?: string;
}

/** A request as the simulator recorded it. */
export interface SeenRequest {
	seq: number;
	/** When its headers arrived at the simulator. */
	at: number;
	/** The status it was answered; undefined when it got none (the client left, the connection was reset). */
	status: number | undefined;
	to: string | undefined;
	/** `source:type` of a fault the simulator applied, e.g. `programmatic:rate-limited`. */
	fault: string | undefined;
}

/** The faults put in the simulator's way, with the times the soak saw them take effect. */
export interface PlayedFaults {
	/** When each one-off 429 was armed: the simulator answers it to the next request. */
	rateLimitedArmedAt: number[];
	/** Connections refused over [refusedFrom, refusedUntil), then 503s until endsAt. */
	outage?: { refusedFrom: number; refusedUntil: number; endsAt: number };
	/** Faults the simulator would not take, as the soak reported them. */
	notArmed: string[];
}

export interface MemorySample {
	at: number;
	bytes: number;
}

export interface SoakRecord {
	/** When the traffic started: minute 1 begins here. */
	start: number;
	/** When the last webhook request was sent. */
	trafficEnd: number;
	/** Minutes of traffic the soak was set to. */
	minutes: number;
	/** Max Requests per Second, the one account's setting. */
	rate: number;
	deliveries: SentDelivery[];
	executions: FinishedExecution[];
	requests: SeenRequest[];
	faults: PlayedFaults;
	memory: MemorySample[];
}

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
/** Plivo's answer to an accepted dial. */
export const ACCEPTED = 201;

export const inWindow = (at: number, from: number, to: number) => at >= from && at < to;
export const meanOf = (values: number[]) => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : NaN);

/** m:ss from the start of the traffic, to the second; with `precise`, m:ss.mmm. */
export function clock(start: number, at: number, precise = false): string {
	const ms = Math.round(at - start);
	const seconds = precise ? Math.floor(Math.abs(ms) / SECOND) : Math.round(Math.abs(ms) / SECOND);
	const text = `${ms < 0 ? '-' : ''}${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
	return precise ? `${text}.${String(Math.abs(ms) % SECOND).padStart(3, '0')}` : text;
}

/** Deliveries sent before `at` whose executions had not finished by then: executions waiting, most of them for their turn. */
export function deliveriesWaiting({ deliveries, executions }: Pick<SoakRecord, 'deliveries' | 'executions'>, at: number): number {
	return (
		deliveries.filter((delivery) => delivery.sentAt !== undefined && delivery.sentAt < at).length -
		executions.filter((execution) => execution.finishedAt < at).length
	);
}

export type VerdictState = 'passed' | 'failed' | 'not judged';

/** One judgement of the soak: what it read (for the summary) and, when it failed, the evidence. */
export interface Verdict {
	name: string;
	state: VerdictState;
	lines: string[];
	evidence: string[];
}
