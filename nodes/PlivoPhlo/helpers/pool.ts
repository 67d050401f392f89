/**
 * Runs `task(0) … task(count - 1)` with at most `concurrency` running at once, starting them in
 * index order; stops starting new ones once `shouldStop()` says so. Each task stores its own result.
 */
export async function runPool(
	count: number,
	concurrency: number,
	task: (index: number) => Promise<void>,
	shouldStop: () => boolean,
): Promise<void> {
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < count && !shouldStop()) {
			await task(next++);
		}
	};
	const workers = Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker);
	await Promise.all(workers);
}
