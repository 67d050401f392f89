import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import * as ts from 'typescript';

/**
 * The structure as a tested invariant: imports point one way, from the node class down to the pure
 * helpers. A file may import from a layer below its own, or from its own folder; never up, never
 * sideways between the middle layers, and never in a circle.
 */
const ROOT = resolve(__dirname, '..', '..');
const NODE = 'nodes/PlivoPhlo';

const LAYERS: ReadonlyArray<{ name: string; rank: number; matches: (file: string) => boolean }> = [
	{ name: 'package entry', rank: 5, matches: (file) => file === 'index.ts' },
	{ name: 'node class', rank: 4, matches: (file) => file === `${NODE}/PlivoPhlo.node.ts` },
	{ name: 'credential', rank: 4, matches: (file) => file.startsWith('credentials/') },
	{ name: 'actions', rank: 3, matches: (file) => file.startsWith(`${NODE}/actions/`) },
	{ name: 'descriptions', rank: 2, matches: (file) => file.startsWith(`${NODE}/descriptions/`) },
	{ name: 'transport', rank: 2, matches: (file) => file.startsWith(`${NODE}/transport/`) },
	{ name: 'storage', rank: 2, matches: (file) => file.startsWith(`${NODE}/storage/`) },
	{ name: 'helpers', rank: 1, matches: (file) => file.startsWith(`${NODE}/helpers/`) },
];

function sourceFiles(dir: string): string[] {
	return readdirSync(join(ROOT, dir)).flatMap((name) => {
		const path = `${dir}/${name}`;
		if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
		return path.endsWith('.ts') ? [path] : [];
	});
}

const FILES = ['index.ts', ...sourceFiles('credentials'), ...sourceFiles('nodes')];

const layerOf = (file: string) => {
	const layer = LAYERS.find((candidate) => candidate.matches(file));
	if (!layer) throw new Error(`${file} belongs to no layer: add its folder to LAYERS`);
	return layer;
};

/**
 * Every module a source text names: `import` (`import type` too), `export … from`, `import x =
 * require(…)`, `require(…)`, `import(…)` and `import('…')` types. TypeScript's own parser reads them, so
 * quotes, line breaks and comments cannot hide one. An import whose name is computed cannot be checked,
 * so it is returned as `COMPUTED`, which no layer admits.
 */
const COMPUTED = '<computed module name>';
function moduleSpecifiers(source: string): string[] {
	const found: string[] = [];
	const named = (argument: ts.Node | undefined) => found.push(argument && ts.isStringLiteralLike(argument) ? argument.text : COMPUTED);
	const visit = (node: ts.Node): void => {
		if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) named(node.moduleSpecifier);
		else if (ts.isExternalModuleReference(node)) named(node.expression);
		else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) named(node.argument.literal);
		else if (ts.isCallExpression(node) && isImportOrRequire(node.expression)) named(node.arguments[0]);
		ts.forEachChild(node, visit);
	};
	visit(parse(source));
	return found;
}

const isImportOrRequire = (callee: ts.Expression): boolean =>
	callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');

const parse = (source: string): ts.SourceFile => ts.createSourceFile('source.ts', source, ts.ScriptTarget.Latest, true);

const sourceOf = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** The files a source file imports: relative specifiers resolved to repository paths, packages as named. */
function importsOf(file: string): string[] {
	return moduleSpecifiers(sourceOf(file)).map((specifier) => {
		if (!specifier.startsWith('.')) return specifier;
		const target = relative(ROOT, resolve(ROOT, dirname(file), specifier));
		return FILES.includes(`${target}.ts`) ? `${target}.ts` : `${target}/index.ts`;
	});
}

const GRAPH = new Map(FILES.map((file) => [file, importsOf(file)]));

describe('imports point one way: node class → actions → descriptions / transport / storage → helpers', () => {
	it.each(FILES)('%s imports only n8n-workflow and files of its own folder or a lower layer', (file) => {
		const own = layerOf(file);
		const wrong = (GRAPH.get(file) ?? []).filter((target) => {
			if (!target.endsWith('.ts')) return target !== 'n8n-workflow';
			const other = layerOf(target);
			return other.name === own.name ? false : other.rank >= own.rank;
		});
		expect(wrong.map((target) => (target.endsWith('.ts') ? `${target} (${layerOf(target).name})` : target))).toEqual([]);
	});

	it('every relative import names a file that exists', () => {
		for (const [file, targets] of GRAPH) {
			for (const target of targets.filter((name) => name.endsWith('.ts'))) {
				expect({ file, target, exists: FILES.includes(target) }).toEqual({ file, target, exists: true });
			}
		}
	});

	it('has no import cycle', () => {
		const state = new Map<string, 'visiting' | 'done'>();
		const cycles: string[] = [];
		const visit = (file: string, path: string[]): void => {
			if (state.get(file) === 'done') return;
			if (state.get(file) === 'visiting') {
				cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
				return;
			}
			state.set(file, 'visiting');
			for (const target of GRAPH.get(file) ?? []) if (GRAPH.has(target)) visit(target, [...path, file]);
			state.set(file, 'done');
		};
		for (const file of FILES) visit(file, []);
		expect(cycles).toEqual([]);
	});
});

/**
 * `helpers/` holds pure functions (CONTRIBUTING.md): what a helper returns depends on its arguments
 * alone, never on an earlier call or on the time. What breaks that lives at a file's top level or
 * reads a clock, so this reads each helpers file's top level (and its classes' static fields):
 *
 * - `let`, `var`, a static field that is not `readonly`: a binding that can be reassigned is state.
 * - A constant holding a container (an array or object literal, a `new` object other than a RegExp,
 *   or a call's result, which may be anything) is state unless nothing can change it: either its type
 *   says read-only (`Readonly<…>`, `readonly T[]`, `ReadonlyMap`, `ReadonlySet`, `as const`), which
 *   the compiler then enforces wherever it goes, or it never leaves its file and is only read there:
 *   a member read or called, never assigned, deleted or changed by a method such as `push` or `set`,
 *   and never handed on (passed, returned, aliased, spread, iterated). Writes are not searched for
 *   beyond that: once a container is handed on, a write can happen where no text search sees it.
 * - Time and chance: anything named `sleep…` (n8n-workflow's `sleep`, `sleepWithAbort`), timers,
 *   `Date.now()`, `new Date()` without arguments, `performance`, `process`, `Math.random()`.
 */
const MUTATORS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin', 'set', 'add', 'delete', 'clear']);
const CLOCKS_AND_PROCESS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'performance', 'process']);

const hasReadOnlyType = (type: ts.TypeNode | undefined, value: ts.Expression): boolean =>
	(type !== undefined && /^(Readonly|readonly )/.test(type.getText())) ||
	(ts.isAsExpression(value) && value.type.getText() === 'const');

const unwrapped = (value: ts.Expression): ts.Expression =>
	ts.isParenthesizedExpression(value) || ts.isAsExpression(value) || ts.isSatisfiesExpression(value) ? unwrapped(value.expression) : value;

function isContainer(value: ts.Expression): boolean {
	const inner = unwrapped(value);
	if (ts.isNewExpression(inner)) return inner.expression.getText() !== 'RegExp';
	return ts.isArrayLiteralExpression(inner) || ts.isObjectLiteralExpression(inner) || ts.isCallExpression(inner);
}

const isWriteTarget = (expression: ts.Node): boolean => {
	const { parent } = expression;
	if (ts.isBinaryExpression(parent)) {
		const operator = parent.operatorToken.kind;
		return parent.left === expression && operator >= ts.SyntaxKind.FirstAssignment && operator <= ts.SyntaxKind.LastAssignment;
	}
	if (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) {
		return parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken;
	}
	return ts.isDeleteExpression(parent);
};

/**
 * Whether a use of a constant only reads it: it is the object of a member access, and along the chain
 * of accesses and calls that follows, nothing is assigned, deleted or called with a mutating method.
 */
function onlyReads(use: ts.Identifier): boolean {
	let expression: ts.Node = use;
	if (!ts.isPropertyAccessExpression(use.parent) && !ts.isElementAccessExpression(use.parent)) return false;
	for (;;) {
		const { parent } = expression;
		const isAccess = (ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === expression;
		const isCall = ts.isCallExpression(parent) && parent.expression === expression;
		if (!isAccess && !isCall) return true;
		if (isWriteTarget(parent)) return false;
		if (isCall && ts.isPropertyAccessExpression(expression) && MUTATORS.has(expression.name.text)) return false;
		expression = parent;
	}
}

/** Where a name is used as a value in the file, its own declaration aside. */
function usesOf(file: ts.SourceFile, name: ts.Identifier): ts.Identifier[] {
	const uses: ts.Identifier[] = [];
	const visit = (node: ts.Node): void => {
		if (ts.isIdentifier(node) && node !== name && node.text === name.text && isValueReference(node)) uses.push(node);
		ts.forEachChild(node, visit);
	};
	visit(file);
	return uses;
}

const isValueReference = (node: ts.Identifier): boolean => {
	const { parent } = node;
	if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
	if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) && parent.name === node) return false;
	return !ts.isTypeReferenceNode(parent) && !ts.isTypeQueryNode(parent) && !ts.isImportSpecifier(parent) && !ts.isExportSpecifier(parent);
};

const isExported = (statement: ts.Statement): boolean =>
	ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);

/** What makes a helpers source impure, one line each; empty when it holds pure functions only. */
function impurities(source: string): string[] {
	const file = parse(source);
	const found: string[] = [];
	const checkConstant = (name: ts.Identifier, type: ts.TypeNode | undefined, value: ts.Expression | undefined, exported: boolean): void => {
		if (!value || !isContainer(value) || hasReadOnlyType(type, value)) return;
		if (exported) found.push(`${name.text}: an exported container must have a read-only type`);
		else if (!usesOf(file, name).every(onlyReads)) found.push(`${name.text}: a container changed or handed on; give it a read-only type`);
	};
	for (const statement of file.statements) {
		if (ts.isVariableStatement(statement)) {
			const { declarations, flags } = statement.declarationList;
			for (const declaration of declarations) {
				const names = ts.isIdentifier(declaration.name) ? [declaration.name] : [];
				if (!(flags & ts.NodeFlags.Const)) found.push(`${declaration.name.getText()}: a top-level let or var`);
				else if (!names.length) found.push(`${declaration.name.getText()}: a destructured top-level constant`);
				else checkConstant(names[0], declaration.type, declaration.initializer, isExported(statement));
			}
		}
		if (ts.isClassDeclaration(statement)) {
			for (const member of statement.members) {
				if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) continue;
				const modifiers = ts.getModifiers(member) ?? [];
				if (!modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword)) continue;
				if (!modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.ReadonlyKeyword)) found.push(`${member.name.text}: a static field that is not readonly`);
				else checkConstant(member.name, member.type, member.initializer, true);
			}
		}
	}
	const visit = (node: ts.Node): void => {
		if (ts.isIdentifier(node) && /^sleep/i.test(node.text)) found.push(`${node.text}: waits`);
		if (ts.isIdentifier(node) && CLOCKS_AND_PROCESS.has(node.text) && isValueReference(node)) found.push(`${node.text}: reads time or the process`);
		if (ts.isPropertyAccessExpression(node) && ['Date.now', 'Math.random'].includes(node.getText())) found.push(`${node.getText()}: reads time or chance`);
		if (ts.isNewExpression(node) && node.expression.getText() === 'Date' && !node.arguments?.length) found.push('new Date(): reads time');
		ts.forEachChild(node, visit);
	};
	visit(file);
	return found;
}

const HELPERS = FILES.filter((file) => layerOf(file).name === 'helpers');

describe('helpers/ holds pure functions', () => {
	it.each(HELPERS)('%s keeps no state between calls and reads no clock', (file) => {
		expect(impurities(sourceOf(file))).toEqual([]);
	});
});

describe('the source readers these checks rely on', () => {
	it('read every form of import, export and require', () => {
		const source = [
			"import { a } from './single';",
			'import { b } from "./double";',
			"import type { C } from './typeOnly';",
			"import { type D, e } from './mixedType';",
			"import './sideEffect';",
			'import {',
			'\tf,',
			'\tg,',
			"} from './multiLine';",
			'import',
			"\t* as h from './splitAfterImport';",
			"export { i } from './reExport';",
			"export * from './reExportAll';",
			"export * as j from './reExportNamespace';",
			"export type { K } from './reExportType';",
			"import l = require('./importRequire');",
			"const m = require('./requireSingle');",
			'const n = require("./requireDouble");',
			'const o = require(`./requireTemplate`);',
			"const p = import('./dynamic');",
			'type Q = import("./importType").Q;',
			'const r = require(name);',
			"const s = 'from \\'./notAnImport\\'';",
			"// import { t } from './commented';",
		].join('\n');
		expect(moduleSpecifiers(source)).toEqual([
			'./single',
			'./double',
			'./typeOnly',
			'./mixedType',
			'./sideEffect',
			'./multiLine',
			'./splitAfterImport',
			'./reExport',
			'./reExportAll',
			'./reExportNamespace',
			'./reExportType',
			'./importRequire',
			'./requireSingle',
			'./requireDouble',
			'./requireTemplate',
			'./dynamic',
			'./importType',
			COMPUTED,
		]);
	});

	it.each([
		['calls: a top-level let or var', 'let calls = 0;'],
		['last: a top-level let or var', 'export var last = "";'],
		['CACHE: a container changed or handed on; give it a read-only type', 'const CACHE = new Map<string, string>();\nexport const remember = (key: string) => CACHE.set(key, key);'],
		['SEEN: a container changed or handed on; give it a read-only type', 'const SEEN: string[] = [];\nexport const see = (key: string) => { SEEN.push(key); };'],
		['COUNTS: a container changed or handed on; give it a read-only type', 'const COUNTS = {} as Record<string, number>;\nexport const count = (key: string) => { COUNTS[key] = (COUNTS[key] ?? 0) + 1; };'],
		['BY_KEY: a container changed or handed on; give it a read-only type', 'const BY_KEY = new Map<string, string[]>();\nexport const add = (key: string) => BY_KEY.get(key)?.push(key);'],
		['KEYS: a container changed or handed on; give it a read-only type', 'const KEYS = new Set<string>();\nconst alias = (set: Set<string>) => set;\nexport const keys = () => alias(KEYS);'],
		['next: a container changed or handed on; give it a read-only type', 'const next = (() => { let n = 0; return () => ++n; })();\nexport const id = () => next();'],
		['LIMITS: an exported container must have a read-only type', 'export const LIMITS = { perSecond: 2 };'],
		['entries: a static field that is not readonly', 'export class Registry { static entries = 0; }'],
		['sleep: waits', "import { sleep } from 'n8n-workflow';"],
		['Date.now: reads time or chance', 'export const stamp = () => Date.now();'],
		['new Date(): reads time', 'export const today = () => new Date();'],
		['setTimeout: reads time or the process', 'export const later = (run: () => void) => setTimeout(run, 10);'],
		['process: reads time or the process', 'export const home = () => process.env.HOME;'],
	])('finds "%s"', (impurity, source) => {
		expect(impurities(source)).toEqual([impurity]);
	});

	it('accepts constants nothing can change', () => {
		const source = [
			"const CODES = new Set(['A', 'B']);",
			'export const known = (code: string) => CODES.has(code) && CODES.size > 1;',
			"const LABELS: Readonly<Record<string, string>> = { a: 'A' };",
			'export const LIST: readonly string[] = [];',
			'export const SET: ReadonlySet<string> = new Set();',
			'export const DEFAULTS = { rate: 2 } as const;',
			'const UUID = /[0-9a-f]{8}/i;',
			"const UUID_ALL = new RegExp(UUID.source, 'gi');",
			'export const label = (field: string) => LABELS[field] ?? field;',
			'export const parsed = (value: string) => new Date(value);',
			'export class Failure extends Error { static readonly kind = "failure"; }',
		].join('\n');
		expect(impurities(source)).toEqual([]);
	});
});
