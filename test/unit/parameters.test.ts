import type { IExecuteFunctions } from 'n8n-workflow';

import { createParameterReader } from '../../nodes/PlivoPhlo/helpers/parameters';

function fakeContext(parameters: Record<string, unknown>) {
	const resolve = jest.fn((name: string, itemIndex: number, fallback?: unknown) => {
		const raw = name.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], parameters);
		if (raw === undefined) return fallback;
		return typeof raw === 'string' && raw.startsWith('=') ? `${raw.slice(1)}#${itemIndex}` : raw;
	});
	const context = { getNode: () => ({ parameters }), getNodeParameter: resolve } as unknown as IExecuteFunctions;
	return { context, resolve };
}

describe('createParameterReader', () => {
	it('resolves fixed values once and expressions for every item', () => {
		const { context, resolve } = fakeContext({
			phloId: 'p1',
			to: '={{ $json.phone }}',
			options: { timeout: 5000, concurrency: '={{ 2 }}' },
			payload: { nested: ['={{ $json.x }}'] },
		});
		const reader = createParameterReader(context);
		for (let item = 0; item < 3; item++) {
			const parameters = reader(item);
			expect(parameters('phloId')).toBe('p1');
			expect(parameters('to')).toBe(`{{ $json.phone }}#${item}`);
			expect(parameters('options.timeout')).toBe(5000);
			parameters('options.concurrency');
			parameters('payload');
		}
		const calls = (name: string) => resolve.mock.calls.filter(([called]) => called === name).length;
		expect(calls('phloId')).toBe(1);
		expect(calls('options.timeout')).toBe(1);
		expect(calls('to')).toBe(3);
		expect(calls('options.concurrency')).toBe(3);
		expect(calls('payload')).toBe(3);
	});

	it('caches a missing parameter as its fallback', () => {
		const { context, resolve } = fakeContext({});
		const reader = createParameterReader(context);
		expect(reader(0)('options.timeout', 60000)).toBe(60000);
		expect(reader(1)('options.timeout', 60000)).toBe(60000);
		expect(resolve).toHaveBeenCalledTimes(1);
	});
});
