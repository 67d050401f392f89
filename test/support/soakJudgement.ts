/**
 * The judgement of `npm run soak`: from its record (`./soakRecord`) alone, no clock and no I/O, whether
 * the run kept every promise it reports, each as a verdict with the figures it read and, when it
 * failed, the evidence. The soak prints the verdicts and exits 1 when one failed;
 * `test/unit/soakJudgement.test.ts` shows each verdict failing on a planted defect.
 */
import { judgeEvents } from './soakEvents';
import { judgeFaultsPlayed, judgeRate, judgeRecovery, judgeRefusal } from './soakPace';
import { deliveriesWaiting, inWindow, meanOf, MINUTE, type SoakRecord, type Verdict } from './soakRecord';

/** Memory after warm-up: the mean of minutes 3–5 against the mean of the last 3 minutes of traffic. */
export const WARM_MINUTES = [3, 5] as const;
export const LATE_MINUTES = 3;
/** Growth under this share reads as flat. */
export const FLAT_MEMORY_GROWTH = 0.1;

const megabytes = (bytes: number) => bytes / 1024 / 1024;

/** The resident memory of n8n's main process, flat after warm-up while traffic goes on. */
export function judgeMemory(record: SoakRecord): Verdict {
	const { start, memory, minutes } = record;
	const name = 'memory flat';
	const minutesMean = (first: number, last: number) =>
		meanOf(memory.filter((sample) => inWindow(sample.at, start + (first - 1) * MINUTE, start + last * MINUTE)).map((sample) => megabytes(sample.bytes)));
	const lastMinute = Math.ceil(minutes);
	const firstLate = lastMinute - LATE_MINUTES + 1;
	const rule = `rule: the mean RSS of minutes ${WARM_MINUTES[0]}–${WARM_MINUTES[1]} (after warm-up) against that of the last ${LATE_MINUTES} minutes of traffic; growth under ${FLAT_MEMORY_GROWTH * 100}% reads as flat`;
	if (firstLate <= WARM_MINUTES[1]) {
		const line = `Minute 1 ${minutesMean(1, 1).toFixed(0)} MB, minute ${lastMinute} ${minutesMean(lastMinute, lastMinute).toFixed(0)} MB; no trend read (${rule}: it needs SOAK_MINUTES ≥ ${WARM_MINUTES[1] + LATE_MINUTES}).`;
		return { name, state: 'not judged', lines: [line], evidence: [] };
	}
	const warm = minutesMean(WARM_MINUTES[0], WARM_MINUTES[1]);
	const late = minutesMean(firstLate, lastMinute);
	const growth = late / warm - 1;
	// Executions waiting for their turn are held in n8n's memory: a backlog that grew explains growth a leak would not.
	const waitingMean = (first: number, last: number) => meanOf(Array.from({ length: last - first + 1 }, (_, index) => deliveriesWaiting(record, start + (first + index) * MINUTE)));
	const [waitingWarm, waitingLate] = [waitingMean(WARM_MINUTES[0], WARM_MINUTES[1]), waitingMean(firstLate, lastMinute)];
	const perWaiting = waitingLate > waitingWarm ? `, ${((late - warm) / (waitingLate - waitingWarm)).toFixed(1)} MB per execution added to the backlog` : '';
	const flat = growth < FLAT_MEMORY_GROWTH;
	const line = `n8n's main process: ${warm.toFixed(0)} MB → ${late.toFixed(0)} MB (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%): ${flat ? 'flat' : 'GROWING'} (${rule}); executions waiting over those minutes, on average: ${waitingWarm.toFixed(0)} → ${waitingLate.toFixed(0)}${perWaiting}.`;
	const evidence = flat ? [] : [`mean RSS by minute: ${Array.from({ length: lastMinute }, (_, index) => `${index + 1}: ${minutesMean(index + 1, index + 1).toFixed(0)} MB`).join(', ')}`];
	return { name, state: Number.isNaN(growth) ? 'not judged' : flat ? 'passed' : 'failed', lines: [line], evidence };
}

/** Every verdict of the run, in the order the summary gives them. */
export function judgeSoak(record: SoakRecord): Verdict[] {
	return [judgeEvents(record), judgeRate(record), judgeRecovery(record), judgeRefusal(record), judgeMemory(record), judgeFaultsPlayed(record)];
}

const STATE_TEXT = { passed: 'passed', failed: 'FAILED', 'not judged': 'not judged' } as const;

/** The verdicts as the summary's bullets: each with its figures and, when it failed, its evidence. */
export function verdictLines(verdicts: Verdict[]): string[] {
	return verdicts.flatMap((verdict) => [
		`- ${verdict.name[0].toUpperCase()}${verdict.name.slice(1)}: ${STATE_TEXT[verdict.state]}`,
		...verdict.lines.map((line) => `  - ${line}`),
		...verdict.evidence.map((line) => `  - evidence: ${line}`),
	]);
}

/** One line: which judgements failed, or that all held (and which could not be judged). */
export function outcomeLine(verdicts: Verdict[]): string {
	const named = (state: Verdict['state']) => verdicts.filter((verdict) => verdict.state === state).map((verdict) => verdict.name);
	const [failed, notJudged] = [named('failed'), named('not judged')];
	const aside = notJudged.length ? `; not judged: ${notJudged.join('; ')}` : '';
	return failed.length
		? `soak: FAILED: ${failed.join('; ')} (evidence above)${aside}`
		: `soak: passed: ${named('passed').length} of ${verdicts.length} judgements held${aside}`;
}
