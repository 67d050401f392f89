import { judgeMemory, judgeSoak, outcomeLine, verdictLines } from '../support/soakJudgement';
import { judgeEvents } from '../support/soakEvents';
import { judgeFaultsPlayed, judgeRate, judgeRecovery, judgeRefusal } from '../support/soakPace';
import { ACCEPTED, type FinishedExecution, type SeenRequest, type SentDelivery, type SoakRecord, type Verdict } from '../support/soakRecord';

/**
 * The soak's judgement on records built by hand: a clean 10-minute run passes every verdict, and each
 * defect planted in it fails the verdict that should catch it, naming the evidence.
 */

const SECOND = 1_000;
const MINUTES = 10;
const RATE = 2;
const INTERVAL = SECOND / RATE;
const RATE_LIMITED_AT = 60 * SECOND;
const REFUSED_FROM = 240 * SECOND;
const REFUSED_UNTIL = 255 * SECOND;
const OUTAGE_ENDS = 270 * SECOND;
const MB = 1024 * 1024;

interface Options {
	/** The pace at half the setting for a minute after the 429. */
	slowAfter429?: boolean;
	/** How long before its request each delivery is sent: a backlog of executions waiting for their turn. */
	leadMs?: number;
}

const number = (event: number) => `+1415${6_000_000 + event}`;

/**
 * A run at the setting: one event per turn, each turn a few ms off the interval (the way from the node
 * to Plivo); a tenth of the events delivered again and skipped; one 429 (the event retried after it); an
 * outage of 15 s refused connections, then 15 s of 503s whose events end `unknown`; memory flat.
 */
function cleanRecord({ slowAfter429 = false, leadMs = 5 * SECOND }: Options = {}): SoakRecord {
	const requests: SeenRequest[] = [];
	const deliveries: SentDelivery[] = [];
	const executions: FinishedExecution[] = [];
	const request = (at: number, to: string, status: number | undefined, fault?: string) =>
		requests.push({ seq: requests.length, at: at + ((requests.length * 7) % 20), status, to, fault });
	let rateLimited = false;
	for (let at = 5 * SECOND, event = 0; at < MINUTES * 60 * SECOND; event++) {
		if (at >= REFUSED_FROM && at < REFUSED_UNTIL) at = REFUSED_UNTIL;
		const to = number(event);
		if (!rateLimited && at >= RATE_LIMITED_AT) {
			request(at, to, 429, 'programmatic:rate-limited');
			rateLimited = true;
			at += 2 * INTERVAL;
		}
		const status = at >= REFUSED_UNTIL && at < OUTAGE_ENDS ? 503 : ACCEPTED;
		request(at, to, status, status === 503 ? 'programmatic:html-error' : undefined);
		const first = { deliveryId: `evt-${event}-1`, eventId: `evt-${event}`, to, repeat: false, sentAt: at - leadMs, answer: { status: 200 } };
		deliveries.push(first);
		executions.push({ id: `${event}`, deliveryId: first.deliveryId, outcome: status === ACCEPTED ? 'sent' : 'unknown', finishedAt: at + 30 });
		if (event % 10 === 0) {
			deliveries.push({ ...first, deliveryId: `evt-${event}-2`, repeat: true, sentAt: at + 2 * SECOND });
			executions.push({ id: `${event}r`, deliveryId: `evt-${event}-2`, outcome: 'skipped', finishedAt: at + 2 * SECOND + 10 });
		}
		at += slowAfter429 && at > RATE_LIMITED_AT && at < RATE_LIMITED_AT + 60 * SECOND ? 2 * INTERVAL : INTERVAL;
	}
	const memory = Array.from({ length: (MINUTES * 60) / 5 }, (_, index) => ({ at: index * 5 * SECOND, bytes: (800 + (index % 3)) * MB }));
	return {
		start: 0,
		trafficEnd: Math.max(...deliveries.map((delivery) => delivery.sentAt ?? 0)),
		minutes: MINUTES,
		rate: RATE,
		deliveries,
		executions,
		requests,
		faults: { rateLimitedArmedAt: [RATE_LIMITED_AT - 100], outage: { refusedFrom: REFUSED_FROM, refusedUntil: REFUSED_UNTIL, endsAt: OUTAGE_ENDS }, notArmed: [] },
		memory,
	};
}

const states = (verdicts: Verdict[]) => Object.fromEntries(verdicts.map((verdict) => [verdict.name, verdict.state]));
const evidence = (verdict: Verdict) => verdict.evidence.join('\n');
const requestOf = (record: SoakRecord, event: number) => record.requests.find((request) => request.to === number(event) && request.status === ACCEPTED);
const executionOf = (record: SoakRecord, deliveryId: string) => record.executions.find((execution) => execution.deliveryId === deliveryId);
const without = (record: SoakRecord, dropped: SeenRequest | undefined) => ({ ...record, requests: record.requests.filter((request) => request !== dropped) });

describe('the soak judgement on a clean run', () => {
	it('passes every verdict and says so', () => {
		const record = cleanRecord();
		const verdicts = judgeSoak(record);
		expect(states(verdicts)).toEqual({
			'every event accounted for at Plivo': 'passed',
			'the setting a ceiling in every second': 'passed',
			'recovery after each fault': 'passed',
			'nothing reached Plivo while it refused connections': 'passed',
			'memory flat': 'passed',
			'every fault played': 'passed',
		});
		expect(verdicts.flatMap((verdict) => verdict.evidence)).toEqual([]);
		expect(outcomeLine(verdicts)).toBe('soak: passed: 6 of 6 judgements held');
		// The outage's 503s are the unknown events, each with Plivo's record of it.
		expect(judgeEvents(record).lines[0]).toMatch(/^\d+ events \(\d+ delivered again\): \d+ accepted by Plivo exactly once, 30 unknown with Plivo's record/);
	});
});

describe('every event accounted for at Plivo', () => {
	it.each([
		['a first delivery skipped as a duplicate although it was never sent', 'skipped', 'skipped as a duplicate, its first delivery never accepted'],
		['a not_sent item never retried', 'not_sent', 'not_sent and never retried'],
	] as const)('fails %s', (_, outcome, why) => {
		const record = cleanRecord();
		const lost = without(record, requestOf(record, 301));
		const execution = executionOf(lost, 'evt-301-1');
		if (execution) execution.outcome = outcome;
		const verdict = judgeEvents(lost);
		expect(verdict.state).toBe('failed');
		expect(evidence(verdict)).toContain(`evt-301 (+14156000301): lost: never accepted by Plivo: ${why}. Deliveries: evt-301-1 ${outcome}. Plivo: no request.`);
	});

	it("shows a failed item's message in the evidence", () => {
		const record = cleanRecord();
		const lost = without(record, requestOf(record, 302));
		const execution = executionOf(lost, 'evt-302-1');
		if (execution) Object.assign(execution, { outcome: 'not_sent', note: 'Not sent: the connection was refused (outcome: not_sent)' });
		expect(evidence(judgeEvents(lost))).toContain('Deliveries: evt-302-1 not_sent ("Not sent: the connection was refused (outcome: not_sent)"). Plivo: no request.');
	});

	it('passes a not_sent item whose repeated delivery was accepted', () => {
		const record = cleanRecord();
		const execution = executionOf(record, 'evt-300-1');
		const repeat = executionOf(record, 'evt-300-2');
		if (execution) execution.outcome = 'not_sent';
		if (repeat) repeat.outcome = 'sent';
		expect(judgeEvents(record).state).toBe('passed');
	});

	it('fails an event dialled twice', () => {
		const record = cleanRecord();
		const first = requestOf(record, 310);
		if (first) record.requests.push({ ...first, seq: record.requests.length, at: first.at + 2 * SECOND + 5 });
		const repeat = executionOf(record, 'evt-310-2');
		if (repeat) repeat.outcome = 'sent';
		const verdict = judgeEvents(record);
		expect(verdict.state).toBe('failed');
		expect(evidence(verdict)).toContain('evt-310 (+14156000310): Plivo accepted it 2 times; 2 deliveries reached Plivo (sent, sent)');
		expect(verdict.lines[2]).toBe('Dialled twice: 1 (+14156000310).');
	});

	it('fails a duplicate and a miss that cancel out in totals', () => {
		const record = cleanRecord();
		const accepted = (candidate: SoakRecord) => candidate.requests.filter((request) => request.status === ACCEPTED).length;
		const before = accepted(record);
		const missed = requestOf(record, 321);
		if (missed) missed.to = number(320);
		// In totals nothing is amiss: as many requests accepted as before, as many as the items sent.
		expect(accepted(record)).toBe(before);
		expect(record.executions.filter((execution) => execution.outcome === 'sent')).toHaveLength(before);
		const verdict = judgeEvents(record);
		expect(verdict.state).toBe('failed');
		expect(evidence(verdict)).toContain('evt-320 (+14156000320): Plivo accepted it 2 times');
		expect(evidence(verdict)).toContain('evt-321 (+14156000321): a delivery says sent, but Plivo accepted no request for it');
	});

	it('fails an unknown item Plivo never saw fail', () => {
		const record = cleanRecord();
		const execution = executionOf(record, 'evt-330-1');
		if (execution) execution.outcome = 'unknown';
		const unseen = without(record, requestOf(record, 330));
		expect(evidence(judgeEvents(unseen))).toContain('evt-330 (+14156000330): unknown, but Plivo saw no request for it that failed');
	});

	it('fails a delivery the webhook refused and a request for no event', () => {
		const record = cleanRecord();
		const delivery = record.deliveries.find((candidate) => candidate.deliveryId === 'evt-340-2');
		if (delivery) delivery.answer = { status: 500 };
		record.requests.push({ seq: record.requests.length, at: 590 * SECOND, status: ACCEPTED, to: '+14155550000', fault: undefined });
		const verdict = judgeEvents(record);
		expect(evidence(verdict)).toContain('evt-340 (+14156000340): evt-340-2: the webhook answered 500');
		expect(evidence(verdict)).toContain('+14155550000 at 9:50.000, answered 201: no event dials it');
	});
});

describe('the setting a ceiling in every second', () => {
	const arrivalsAt = (times: number[]): Pick<SoakRecord, 'requests' | 'rate' | 'start'> => ({
		start: 0,
		rate: RATE,
		requests: times.map((at, seq) => ({ seq, at, status: ACCEPTED, to: number(seq), fault: undefined })),
	});

	it('fails two requests 1 ms apart and three within 501 ms at 2/s', () => {
		const verdict = judgeRate(arrivalsAt([0, 999, 1000, 1500, 2500]));
		expect(verdict.state).toBe('failed');
		expect(verdict.evidence).toContain('two requests 1 ms apart at 0:00.999 and 0:01.000');
		expect(verdict.evidence).toContain('3 requests within 501 ms: 0:00.999, 0:01.000, 0:01.500');
	});

	it('fails three requests inside a second even when no two are closer than the allowance', () => {
		const verdict = judgeRate(arrivalsAt([0, 460, 920, 2000]));
		expect(verdict.state).toBe('failed');
		expect(verdict.evidence).toEqual(['3 requests within 920 ms: 0:00.000, 0:00.460, 0:00.920']);
	});

	it("passes starts one interval apart that arrive up to a tenth of it late, n8n's part of the way", () => {
		const late = [0, 49, 3, 40, 0, 45, 10, 49];
		expect(judgeRate(arrivalsAt(late.map((delay, index) => index * INTERVAL + delay))).state).toBe('passed');
	});

	it('fails a burst planted in the clean run, naming when', () => {
		const record = cleanRecord();
		const moved = requestOf(record, 400);
		const before = requestOf(record, 399);
		if (moved && before) moved.at = before.at + 1;
		const verdict = judgeRate(record);
		expect(verdict.state).toBe('failed');
		expect(evidence(verdict)).toMatch(/two requests 1 ms apart at 3:2\d\.\d{3}/);
	});
});

describe('recovery after each fault', () => {
	it('fails a pace still at half the setting 20–40 s after a 429, executions waiting', () => {
		const verdict = judgeRecovery(cleanRecord({ slowAfter429: true }));
		expect(verdict.state).toBe('failed');
		expect(verdict.lines[1]).toMatch(/^after the 429 at 1:00: 1\.0\d requests\/s 20–40 s later \(5\d% of the setting\): SLOW/);
		expect(evidence(verdict)).toMatch(/^after the 429 at 1:00: requests in each 5 s from 1:20: [4-6], [4-6], [4-6], [4-6] \(10 at the setting\); executions waiting at each: \d+, \d+, \d+, \d+$/);
	});

	it('does not judge the rate when nothing was waiting: it then reads the events sent, not the pace', () => {
		const verdict = judgeRecovery(cleanRecord({ slowAfter429: true, leadMs: 10 }));
		expect(verdict.lines[1]).toMatch(/after the 429 at 1:00: .*: not judged, only \d executions waiting at 1:20/);
	});

	it('fails when an armed 429 never reached a request', () => {
		const record = cleanRecord();
		const injected = record.requests.find((request) => request.status === 429);
		const verdict = judgeFaultsPlayed(without(record, injected));
		expect(verdict.state).toBe('failed');
		expect(verdict.evidence).toEqual(['1 429s armed (at 1:00), 0 answered to a request']);
	});
});

describe('nothing reached Plivo while it refused connections', () => {
	it('fails a request the simulator recorded inside the refusal', () => {
		const record = cleanRecord();
		const moved = record.requests.find((request) => request.status === 503);
		if (moved) moved.at = REFUSED_FROM + 5 * SECOND;
		const verdict = judgeRefusal(record);
		expect(verdict.state).toBe('failed');
		expect(verdict.evidence).toEqual([`request #${moved?.seq} for ${moved?.to} arrived at 4:05.000, answered 503`]);
		// The same request moved is still accounted for and paced: only this verdict catches it.
		expect(judgeEvents(record).state).toBe('passed');
		expect(judgeRate(record).state).toBe('passed');
	});
});

describe('memory flat', () => {
	it('fails memory that grows through the run, showing it minute by minute', () => {
		const record = cleanRecord();
		const growing = { ...record, memory: record.memory.map((sample) => ({ at: sample.at, bytes: 800 * MB + (sample.at / SECOND) * 0.5 * MB })) };
		const verdict = judgeMemory(growing);
		expect(verdict.state).toBe('failed');
		expect(verdict.lines[0]).toMatch(/^n8n's main process: 9\d\d MB → 1\d\d\d MB \(\+\d+\.\d%\): GROWING/);
		expect(evidence(verdict)).toMatch(/^mean RSS by minute: 1: 8\d\d MB, 2: /);
	});

	it('is not judged on a run too short to read a trend', () => {
		expect(judgeMemory({ ...cleanRecord(), minutes: 5 }).state).toBe('not judged');
	});
});

describe('the summary', () => {
	it('names each failed judgement with its evidence', () => {
		const record = cleanRecord({ slowAfter429: true });
		const verdicts = judgeSoak(without(record, requestOf(record, 200)));
		expect(outcomeLine(verdicts)).toBe('soak: FAILED: every event accounted for at Plivo; recovery after each fault (evidence above)');
		const lines = verdictLines(verdicts);
		expect(lines).toContain('- Every event accounted for at Plivo: FAILED');
		expect(lines.filter((line) => line.startsWith('  - evidence: evt-200 '))).toHaveLength(1);
	});
});
