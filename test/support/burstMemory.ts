/**
 * Resident memory of n8n's processes while a burst runs: every process in the process group of each
 * n8n process the suites start (main or worker, and the task runner each starts as its child), read
 * from /proc every few hundred milliseconds. Resident memory is what the kernel holds for a process
 * (what a container's memory limit counts), not what its heap reports.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** An n8n process to watch: its name in the results and its PID, which leads its process group. */
export interface WatchedProcess {
	name: string;
	pid: number | undefined;
}

/** One reading: resident bytes and CPU seconds used so far, by process name, at a time. */
export interface MemorySample {
	at: number;
	bytes: Record<string, number>;
	cpuSeconds: Record<string, number>;
}

/** Clock ticks per second in /proc/<pid>/stat's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** A process as /proc shows it: its group, whether it is n8n's task runner, CPU seconds used so far. */
interface ProcessEntry {
	pid: number;
	group: number;
	runner: boolean;
	cpuSeconds: number;
}

/** Every process whose group is one of `groups`, read in one pass over /proc. */
function groupMembers(groups: ReadonlySet<number>): ProcessEntry[] {
	const members: ProcessEntry[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			// After the command in parentheses: state ppid pgrp ... utime (the 14th field overall) stime (15th).
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			const group = Number(fields[2]);
			if (!groups.has(group)) continue;
			const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
			members.push({ pid: Number(entry), group, runner: command.includes('task-runner'), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND });
		} catch {
			// the process ended while it was read
		}
	}
	return members;
}

/** Resident bytes of a process (VmRSS); 0 once it has gone. */
function residentBytes(pid: number): number {
	try {
		const found = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return found ? Number(found[1]) * 1024 : 0;
	} catch {
		return 0;
	}
}

/** Each process of the watched groups with its label: the leader under its name, a task runner as `<name> runner`, any other as `<name> child`. */
function labelled(watched: readonly WatchedProcess[]): Array<{ label: string; pid: number; cpuSeconds: number }> {
	const names = new Map(watched.flatMap(({ name, pid }) => (pid === undefined ? [] : [[pid, name] as const])));
	return groupMembers(new Set(names.keys())).map((member) => {
		const name = names.get(member.group) ?? String(member.group);
		return { ...member, label: member.pid === member.group ? name : `${name} ${member.runner ? 'runner' : 'child'}` };
	});
}

const addTo = (sums: Record<string, number>, label: string, value: number) => (sums[label] = (sums[label] ?? 0) + value);

/** Reads every watched group now: resident memory and CPU seconds (user and system) used so far, by label. */
export function readMemory(watched: readonly WatchedProcess[]): MemorySample {
	const bytes: Record<string, number> = {};
	const cpuSeconds: Record<string, number> = {};
	for (const member of labelled(watched)) {
		addTo(bytes, member.label, residentBytes(member.pid));
		addTo(cpuSeconds, member.label, member.cpuSeconds);
	}
	return { at: Date.now(), bytes, cpuSeconds };
}

/**
 * The most CPU each process used in any `windowMs` from `from` on, in cores (1 = one core all the
 * time): a single-threaded process near 1 was the limit.
 */
export function busiestCores(samples: readonly MemorySample[], from: number, windowMs = 10_000): Record<string, number> {
	const after = samples.filter((sample) => sample.at >= from);
	const names = [...new Set(after.flatMap((sample) => Object.keys(sample.cpuSeconds)))].sort();
	const cores: Record<string, number> = {};
	for (const name of names) {
		let most = 0;
		for (let start = 0, end = 0; start < after.length; start++) {
			while (end < after.length - 1 && after[end + 1].at - after[start].at <= windowMs) end++;
			const span = after[end].at - after[start].at;
			if (span >= windowMs / 2) most = Math.max(most, ((after[end].cpuSeconds[name] ?? 0) - (after[start].cpuSeconds[name] ?? 0)) / (span / 1000));
		}
		cores[name] = Math.round(most * 100) / 100;
	}
	return cores;
}

/** Samples the watched processes every `everyMs` until stopped; the samples are kept in order. */
export class MemorySampler {
	readonly samples: MemorySample[] = [];
	private timer: NodeJS.Timeout | undefined;

	constructor(private readonly watched: readonly WatchedProcess[]) {}

	start(everyMs = 500): void {
		this.samples.push(readMemory(this.watched));
		this.timer = setInterval(() => this.samples.push(readMemory(this.watched)), everyMs);
	}

	stop(): void {
		clearInterval(this.timer);
		this.samples.push(readMemory(this.watched));
	}

	/** The newest reading. */
	get latest(): MemorySample {
		return this.samples[this.samples.length - 1];
	}
}

const total = (sample: MemorySample): number => Object.values(sample.bytes).reduce((sum, bytes) => sum + bytes, 0);

/** Each process's growth over its baseline, and the whole set-up's (every process summed at each reading). */
export interface MemoryGrowth {
	/** Mean resident MB of each process over the baseline's readings. */
	baselineMb: Record<string, number>;
	/** Highest resident MB of each process after the baseline. */
	peakMb: Record<string, number>;
	/** Peak minus baseline, MB, per process. */
	growthMb: Record<string, number>;
	/** The highest sum over all processes at one reading, minus the sum of baselines. */
	totalGrowthMb: number;
	/** When the highest sum was read, ms from `from`. */
	totalPeakAfterMs: number;
}

const MB = 1024 * 1024;
const mean = (values: number[]): number => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0);

/** Growth from the readings in [baselineFrom, from) (the baseline, at least one) to the highest from `from` on. */
export function memoryGrowth(samples: readonly MemorySample[], from: number, baselineFrom: number): MemoryGrowth {
	const before = samples.filter((sample) => sample.at >= baselineFrom && sample.at < from);
	const after = samples.filter((sample) => sample.at >= from);
	if (!before.length || !after.length) throw new Error(`memory: ${before.length} readings before the burst and ${after.length} after it; both are needed`);
	const names = [...new Set(samples.flatMap((sample) => Object.keys(sample.bytes)))].sort();
	const baselineMb = Object.fromEntries(names.map((name) => [name, mean(before.map((sample) => sample.bytes[name] ?? 0)) / MB]));
	const peakMb = Object.fromEntries(names.map((name) => [name, Math.max(...after.map((sample) => sample.bytes[name] ?? 0)) / MB]));
	const growthMb = Object.fromEntries(names.map((name) => [name, peakMb[name] - baselineMb[name]]));
	const highest = after.reduce((best, sample) => (total(sample) > total(best) ? sample : best), after[0]);
	const baselineTotal = Object.values(baselineMb).reduce((sum, value) => sum + value, 0);
	return { baselineMb, peakMb, growthMb, totalGrowthMb: total(highest) / MB - baselineTotal, totalPeakAfterMs: highest.at - from };
}
