import { runPool } from '../../nodes/PlivoPhlo/helpers/pool';

describe('runPool', () => {
	it('never runs more than the concurrency and runs every index once', async () => {
		let running = 0;
		let peak = 0;
		const seen: number[] = [];
		await runPool(
			50,
			5,
			async (index) => {
				running++;
				peak = Math.max(peak, running);
				await Promise.resolve();
				await new Promise<void>((resolve) => setImmediate(resolve));
				seen.push(index);
				running--;
			},
			() => false,
		);
		expect(peak).toBe(5);
		expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
	});

	it('starts nothing new once told to stop', async () => {
		const started: number[] = [];
		await runPool(
			10,
			2,
			async (index) => {
				started.push(index);
			},
			() => started.length >= 3,
		);
		expect(started).toEqual([0, 1, 2]);
	});

	it('handles zero items', async () => {
		const task = jest.fn(async () => undefined);
		await runPool(0, 4, task, () => false);
		expect(task).not.toHaveBeenCalled();
	});
});
