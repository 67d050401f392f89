import type { IExecuteFunctions } from 'n8n-workflow';

import { createParameterReader, plainFieldPath } from '../../nodes/PlivoPhlo/helpers/parameters';

function fakeContext(parameters: Record<string, unknown>) {
	const resolve = jest.fn((name: string, itemIndex: number, fallback?: unknown) => {
		const raw = name.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], parameters);
		if (raw === undefined) return fallback;
		return typeof raw === 'string' && raw.startsWith('=') ? `${raw.slice(1)}#${itemIndex}` : raw;
	});
	const items = [0, 1, 2].map((i) => ({ json: { phone: `+1415555000${i}`, nested: { agent: 'sip:a@b.c' }, count: i, obj: { a: 1 } } }));
	const context = {
		getNode: () => ({ parameters }),
		getNodeParameter: resolve,
		getInputData: () => items,
	} as unknown as IExecuteFunctions;
	return { context, resolve };
}

describe('createParameterReader', () => {
	it('resolves fixed values once and expressions for every item', () => {
		const { context, resolve } = fakeContext({
			phloId: 'p1',
			to: '={{ $json.phone.slice(1) }}',
			options: { timeout: 5000, concurrency: '={{ 2 }}' },
			payload: { nested: ['={{ $json.x }}'] },
		});
		const reader = createParameterReader(context);
		for (let item = 0; item < 3; item++) {
			const parameters = reader(item);
			expect(parameters('phloId')).toBe('p1');
			expect(parameters("to")).toBe(`{{ $json.phone.slice(1) }}#${item}`);
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

	it('reads {{ $json.field }} straight from the item, and leaves anything else to n8n', () => {
		const { context, resolve } = fakeContext({
			to: '={{ $json.phone }}',
			triggerSource: '={{  $json.nested.agent }}',
			count: '={{ $json.count }}',
			object: '={{ $json.obj }}',
			missing: '={{ $json.nope }}',
			computed: '={{ $json.phone + 1 }}',
		});
		const reader = createParameterReader(context);
		for (let item = 0; item < 3; item++) {
			const parameters = reader(item);
			expect(parameters('to')).toBe(`+1415555000${item}`);
			expect(parameters('triggerSource')).toBe('sip:a@b.c');
			expect(parameters('count')).toBe(item);
			parameters('object');
			parameters('missing');
			parameters('computed');
		}
		const calls = (name: string) => resolve.mock.calls.filter(([called]) => called === name).length;
		expect(calls('to') + calls('triggerSource') + calls('count')).toBe(0);
		expect(calls('object')).toBe(3);
		expect(calls('missing')).toBe(3);
		expect(calls('computed')).toBe(3);
	});

	it('recognises only a plain field read', () => {
		expect(plainFieldPath('={{ $json.a.b }}')).toEqual(['a', 'b']);
		expect(plainFieldPath('={{$json.phone}}')).toEqual(['phone']);
		for (const other of ['{{ $json.a }}', '={{ $json["a"] }}', '={{ $json.a() }}', '={{ $json.a }} x', '={{ $item(0).$json.a }}', '={{ $json }}', 7]) {
			expect(plainFieldPath(other)).toBeUndefined();
		}
	});

	it('caches a missing parameter as its fallback', () => {
		const { context, resolve } = fakeContext({});
		const reader = createParameterReader(context);
		expect(reader(0)('options.timeout', 60000)).toBe(60000);
		expect(reader(1)('options.timeout', 60000)).toBe(60000);
		expect(resolve).toHaveBeenCalledTimes(1);
	});
});
