/**
 * The soak's judgements of the pace, read from the simulator's arrival times: the setting as a ceiling
 * in every second, the rate back at the setting after each 429 and after the outage, nothing reaching
 * "Plivo" while it refused connections, and every fault played as planned.
 */
import { mostInWindow } from './counts';
import { clock, deliveriesWaiting, inWindow, SECOND, type SeenRequest, type SoakRecord, type Verdict, type VerdictState } from './soakRecord';

/**
 * What n8n adds between the node letting a request go and its arrival at Plivo (its HTTP helper, the
 * event loops), as a share of the interval: two starts one interval apart may arrive this much closer.
 */
export const TRANSIT_ALLOWANCE = 0.1;
/** Recovery is read as the rate Plivo sees over this window after a 429 or after the outage. */
export const RECOVERY_WINDOW_MS = [20 * SECOND, 40 * SECOND] as const;
/** Recovered: at least this share of the setting, while executions were waiting for their turn. */
export const RECOVERED_SHARE = 0.9;
/** Requests already under way when the port closed, or sent the instant it opened, may be recorded this near its edges. */
export const REFUSAL_EDGE_MS = SECOND;
/** At most this many instances are shown as evidence. */
const EVIDENCE = 10;

const INJECTED_429 = 'programmatic:rate-limited';

const evidenceOf = (found: string[]) => [...found.slice(0, EVIDENCE), ...(found.length > EVIDENCE ? [`… and ${found.length - EVIDENCE} more`] : [])];

/**
 * No two requests closer than the interval, and no 1-s window holding more than the setting (rounded
 * up), each arrival allowed `TRANSIT_ALLOWANCE` of the interval: windows start at every arrival, not
 * on the second.
 */
export function judgeRate({ requests, rate, start }: Pick<SoakRecord, 'requests' | 'rate' | 'start'>): Verdict {
	const arrivals = requests.map((request) => request.at).sort((a, b) => a - b);
	const interval = SECOND / rate;
	const allowance = TRANSIT_ALLOWANCE * interval;
	const ceiling = Math.ceil(rate);
	const window = SECOND - allowance;
	const at = (time: number) => clock(start, time, true);
	const tooClose: string[] = [];
	let closest: { gap: number; at: number } | undefined;
	for (let index = 1; index < arrivals.length; index++) {
		const gap = arrivals[index] - arrivals[index - 1];
		if (!closest || gap < closest.gap) closest = { gap, at: arrivals[index - 1] };
		if (gap < interval - allowance) tooClose.push(`two requests ${gap} ms apart at ${at(arrivals[index - 1])} and ${at(arrivals[index])}`);
	}
	const crowded: string[] = [];
	for (let index = 0; index + ceiling < arrivals.length; index++) {
		const span = arrivals[index + ceiling] - arrivals[index];
		if (span >= window) continue;
		crowded.push(`${ceiling + 1} requests within ${span} ms: ${arrivals.slice(index, index + ceiling + 1).map(at).join(', ')}`);
	}
	const busiest = mostInWindow(arrivals, window);
	const tenSeconds = mostInWindow(arrivals, 10 * SECOND);
	const lines = [
		`At most ${busiest} requests in any ${window.toFixed(0)} ms (1 s less ${allowance.toFixed(0)} ms, ${TRANSIT_ALLOWANCE * 100}% of the interval, for n8n's part of each request's way; windows start at every arrival), at a setting of ${rate}/s for the one account: at most ${ceiling} allowed. In a full 1 s: ${mostInWindow(arrivals, SECOND)}; in any 10 s: ${tenSeconds} (${(tenSeconds / 10).toFixed(1)}/s).`,
		closest
			? `The closest two requests: ${closest.gap} ms apart, at ${at(closest.at)} (at least ${(interval - allowance).toFixed(0)} ms allowed: the ${interval.toFixed(0)} ms interval less ${TRANSIT_ALLOWANCE * 100}%).`
			: 'Fewer than two requests: no spacing to read.',
	];
	const failed = tooClose.length > 0 || crowded.length > 0;
	return { name: 'the setting a ceiling in every second', state: failed ? 'failed' : 'passed', lines, evidence: [...evidenceOf(tooClose), ...evidenceOf(crowded)] };
}

/** Requests per second Plivo saw over the recovery window after `at`. */
function rateAfter(requests: SeenRequest[], at: number): number {
	const [from, to] = RECOVERY_WINDOW_MS;
	return requests.filter((request) => inWindow(request.at, at + from, at + to)).length / ((to - from) / SECOND);
}

/** How one fault's recovery was judged; `evidence` when it was too slow. */
interface Recovery {
	state: VerdictState;
	line: string;
	evidence?: string;
}

/** Plivo's requests in each 5 s of the recovery window and the executions waiting through it: where the rate fell short. */
function shortfall(record: SoakRecord, label: string, at: number): string {
	const [from, to] = RECOVERY_WINDOW_MS;
	const slices = Array.from({ length: (to - from) / (5 * SECOND) }, (_, index) => at + from + index * 5 * SECOND);
	const counts = slices.map((slice) => record.requests.filter((request) => inWindow(request.at, slice, slice + 5 * SECOND)).length);
	const waiting = slices.map((slice) => deliveriesWaiting(record, slice));
	return `${label}: requests in each 5 s from ${clock(record.start, at + from)}: ${counts.join(', ')} (${5 * record.rate} at the setting); executions waiting at each: ${waiting.join(', ')}`;
}

/** The recovery after one fault: the rate, and why it is not judged when it is not. */
function recoveryAfter(record: SoakRecord, label: string, at: number, afterA429: boolean): Recovery {
	const [from, to] = RECOVERY_WINDOW_MS;
	const rate = rateAfter(record.requests, at);
	const read = `${label}: ${rate.toFixed(2)} requests/s ${from / SECOND}–${to / SECOND} s later (${((rate / record.rate) * 100).toFixed(0)}% of the setting)`;
	const outage = record.faults.outage;
	if (afterA429 && outage && at + to > outage.refusedFrom && at + from < outage.endsAt) {
		return { state: 'not judged', line: `${read}: not judged, the window overlaps the outage` };
	}
	// Below the setting with nothing waiting, the rate reads the events sent, not the pace.
	for (let second = at + from; second < at + to; second += SECOND) {
		const waiting = deliveriesWaiting(record, second);
		if (waiting <= Math.ceil(record.rate)) return { state: 'not judged', line: `${read}: not judged, only ${waiting} executions waiting at ${clock(record.start, second)}` };
	}
	if (rate >= RECOVERED_SHARE * record.rate) return { state: 'passed', line: `${read}: recovered` };
	return { state: 'failed', line: `${read}: SLOW, under ${RECOVERED_SHARE * 100}% with executions waiting throughout`, evidence: shortfall(record, label, at) };
}

/** The rate back at the setting after each 429 Plivo answered on purpose and after the outage. */
export function judgeRecovery(record: SoakRecord): Verdict {
	const { requests, start, faults } = record;
	const judged = requests
		.filter((request) => request.status === 429 && request.fault === INJECTED_429)
		.map((request) => recoveryAfter(record, `after the 429 at ${clock(start, request.at)}`, request.at, true));
	if (faults.outage) {
		const { refusedFrom, endsAt } = faults.outage;
		const firstAccepted = requests.find((request) => request.at >= endsAt && request.status === 201);
		const recovery = recoveryAfter(record, `after the outage (${clock(start, refusedFrom)}–${clock(start, endsAt)})`, endsAt, false);
		const first = firstAccepted ? `${((firstAccepted.at - endsAt) / SECOND).toFixed(1)} s after it` : 'never';
		judged.push({ ...recovery, line: `${recovery.line}; first accepted request ${first}` });
	}
	const states = judged.map((one) => one.state);
	const state: VerdictState = states.includes('failed') ? 'failed' : states.includes('passed') ? 'passed' : 'not judged';
	const lines = [`Rule: at least ${RECOVERED_SHARE * 100}% of the setting, judged when more executions than one second's turns were waiting throughout the window.`, ...judged.map((one) => one.line)];
	return { name: 'recovery after each fault', state, lines, evidence: judged.flatMap((one) => (one.evidence ? [one.evidence] : [])) };
}

/** Nothing reached Plivo while it refused connections, by the simulator's own arrival times. */
export function judgeRefusal({ requests, start, faults }: Pick<SoakRecord, 'requests' | 'start' | 'faults'>): Verdict {
	const name = 'nothing reached Plivo while it refused connections';
	if (!faults.outage) return { name, state: 'not judged', lines: ['No outage was played.'], evidence: [] };
	const from = faults.outage.refusedFrom + REFUSAL_EDGE_MS;
	const to = faults.outage.refusedUntil - REFUSAL_EDGE_MS;
	const reached = requests.filter((request) => inWindow(request.at, from, to));
	const lines = [
		`${reached.length} requests arrived between ${clock(start, from, true)} and ${clock(start, to, true)} (the refusal, ${REFUSAL_EDGE_MS / SECOND} s off each edge for requests under way as it began or ended).`,
	];
	const evidence = evidenceOf(reached.map((request) => `request #${request.seq} for ${request.to ?? 'no number'} arrived at ${clock(start, request.at, true)}, answered ${request.status ?? 'nothing'}`));
	return { name, state: reached.length ? 'failed' : 'passed', lines, evidence };
}

/** Every fault armed, and each 429 armed answered to a request: otherwise the run did not test what it reports. */
export function judgeFaultsPlayed({ requests, start, faults }: Pick<SoakRecord, 'requests' | 'start' | 'faults'>): Verdict {
	const answered = requests.filter((request) => request.status === 429 && request.fault === INJECTED_429).length;
	const armed = faults.rateLimitedArmedAt.length;
	const evidence = [...faults.notArmed.map((failure) => `not armed: ${failure}`)];
	if (answered < armed) evidence.push(`${armed} 429s armed (at ${faults.rateLimitedArmedAt.map((at) => clock(start, at)).join(', ')}), ${answered} answered to a request`);
	const lines = [`${armed} 429s armed, ${answered} answered; outage ${faults.outage ? `played from ${clock(start, faults.outage.refusedFrom)}` : 'not played'}; ${faults.notArmed.length} faults not armed.`];
	return { name: 'every fault played', state: evidence.length ? 'failed' : 'passed', lines, evidence };
}
