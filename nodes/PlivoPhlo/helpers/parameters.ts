import type { IExecuteFunctions, NodeParameterValueType } from 'n8n-workflow';

/** One item's view of the node's parameters, by name (`options.timeout` for nested ones). */
export type ItemParameters = (name: string, fallback?: unknown) => unknown;

const isExpression = (value: unknown): boolean => {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(isExpression);
	if (typeof value === 'object' && value !== null) return Object.values(value).some(isExpression);
	return false;
};

const rawValue = (parameters: unknown, path: string): unknown =>
	path
		.split('.')
		.reduce<unknown>(
			(node, key) =>
				typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined,
			parameters,
		);

/**
 * Reads parameters for many items, resolving a parameter once when it holds no expression: a fixed
 * value is the same for every item, and n8n's resolution costs about as much as a request.
 */
export function createParameterReader(context: IExecuteFunctions): (itemIndex: number) => ItemParameters {
	const raw = context.getNode().parameters;
	const fixed = new Map<string, unknown>();
	return (itemIndex) => (name, fallback) => {
		if (fixed.has(name)) return fixed.get(name);
		const value = context.getNodeParameter(name, itemIndex, fallback as NodeParameterValueType);
		if (!isExpression(rawValue(raw, name))) fixed.set(name, value);
		return value;
	};
}
