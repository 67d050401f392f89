import type { IExecuteFunctions, INodeParameters, NodeParameterValueType } from 'n8n-workflow';

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

/** Whether the node has a value (or an expression) for the parameter, without resolving it. */
export function isParameterSet(parameters: INodeParameters, name: string): boolean {
	const value = rawValue(parameters, name);
	return value !== undefined && value !== '';
}

/** `={{ $json.a.b }}` and nothing else: a plain read of the item's own fields. */
const PLAIN_FIELD_READ = /^=\{\{\s*\$json((?:\.[A-Za-z_$][\w$]*)+)\s*\}\}$/;

/** The field path of a plain `{{ $json.… }}` expression, or undefined for any other value. */
export function plainFieldPath(raw: unknown): string[] | undefined {
	if (typeof raw !== 'string') return undefined;
	return raw.match(PLAIN_FIELD_READ)?.[1].slice(1).split('.');
}

const isPrimitive = (value: unknown): value is string | number | boolean =>
	typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/**
 * Reads parameters for many items at the least cost per item, since n8n's resolution of a parameter
 * costs about as much as the request itself:
 * - a parameter without an expression is the same for every item, so it is resolved once;
 * - `{{ $json.field }}` (the common case: a phone number from the incoming item) is read straight
 *   from the item when the field holds a string, number or boolean, which is what n8n would return;
 * - every other expression goes through n8n as usual.
 */
export function createParameterReader(context: IExecuteFunctions): (itemIndex: number) => ItemParameters {
	const raw = context.getNode().parameters;
	const items = context.getInputData();
	const fixed = new Map<string, unknown>();
	const fieldPaths = new Map<string, string[] | undefined>();
	return (itemIndex) => (name, fallback) => {
		if (fixed.has(name)) return fixed.get(name);
		const rawParameter = rawValue(raw, name);
		if (!fieldPaths.has(name)) fieldPaths.set(name, plainFieldPath(rawParameter));
		const path = fieldPaths.get(name);
		if (path) {
			const value = rawValue(items[itemIndex]?.json, path.join('.'));
			if (isPrimitive(value)) return value;
		}
		const value = context.getNodeParameter(name, itemIndex, fallback as NodeParameterValueType);
		if (!isExpression(rawParameter)) fixed.set(name, value);
		return value;
	};
}
