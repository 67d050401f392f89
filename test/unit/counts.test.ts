import { describeOncePerKey, eachOnce, mostInWindow, oncePerKey } from '../support/counts';

/** Counting what reached the simulator, as the benchmarks and the soak judge it: per key, not in total. */

const numbers = (count: number) => Array.from({ length: count }, (_, index) => `+1415${5_000_000 + index}`);

describe('oncePerKey', () => {
	it('says what it found when every key was seen once', () => {
		const tally = oncePerKey(numbers(5000), numbers(5000).reverse());
		expect(eachOnce(tally)).toBe(true);
		expect(describeOncePerKey(tally, 'accepted')).toBe('5000 of 5000 accepted exactly once; 0 more than once; 0 missing');
	});

	it('names a key seen twice and one never seen, which a total would cancel out', () => {
		const seen = numbers(4);
		seen[2] = seen[1];
		const tally = oncePerKey(numbers(4), seen);
		expect(seen).toHaveLength(4);
		expect(eachOnce(tally)).toBe(false);
		expect(describeOncePerKey(tally, 'accepted')).toBe('2 of 4 accepted exactly once; 1 more than once (+14155000001 ×2); 1 missing (+14155000002)');
	});

	it('counts a key nobody expected against the run, and names at most ten of each kind', () => {
		const tally = oncePerKey(numbers(12), ['+14155550000']);
		expect(eachOnce(tally)).toBe(false);
		expect(describeOncePerKey(tally, 'dialled')).toBe(
			`0 of 12 dialled exactly once; 0 more than once; 12 missing (${numbers(10).join(', ')}, and 2 more); 1 not expected (+14155550000 ×1)`,
		);
	});

	it('leaves requests without a number out', () => {
		expect(eachOnce(oncePerKey(numbers(2), [...numbers(2), undefined]))).toBe(true);
	});
});

describe('mostInWindow', () => {
	it('slides its window over every time, not only whole seconds', () => {
		expect(mostInWindow([0, 999, 1000, 1500], 1000)).toBe(3);
		expect(mostInWindow([0, 500, 1000, 1500], 1000)).toBe(2);
	});
});
