import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { defineConfig } from 'eslint/config';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import globals from 'globals';
import * as jsoncParser from 'jsonc-eslint-parser';
import tseslint from 'typescript-eslint';

/**
 * `npm run lint` runs ESLint twice:
 *  1. with `eslint.n8n.config.mjs`, the config `n8n-node lint` (@n8n/node-cli) requires, word for word,
 *     on what ships: nodes/, credentials/, index.ts, package.json. `n8n-node lint` itself cannot run
 *     here: it lints the whole repository with the cloud rules meant for shipped code, which forbid
 *     what tests and scripts must do (timers, process, child processes).
 *  2. with this file: the same shipped files under the rules below, plus test/ and scripts/.
 * Run 1 cannot be folded in here: its config brings its own eslint-plugin-n8n-nodes-base (1.16.7) and
 * typescript-eslint (8.35) under the plugin names used below (ESLint refuses two plugins under one name
 * for the same file), and it parses package.json with typescript-eslint's parser where this file uses
 * jsonc-eslint-parser.
 */

const SHIPPED_TS = ['nodes/**/*.ts', 'credentials/**/*.ts', 'index.ts'];
const DEV_TS = ['test/**/*.ts', 'scripts/**/*.ts'];

export default defineConfig([
	{ ignores: ['dist/**', 'node_modules/**', '.cache/**', 'coverage/**', 'test-results/**', 'gulpfile.js'] },

	/** The rules n8n verifies community packages with, applied to what ships: nodes, credentials, package.json. */
	{
		files: SHIPPED_TS,
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
		},
	},
	{ files: SHIPPED_TS, ...n8nCommunityNodesPlugin.configs.recommended },
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Slugs are for n8n's own docs; a community credential links to the vendor's page.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// These two want the string 'main'; n8n's newer rule (node-connection-type-literal) wants NodeConnectionTypes.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	{
		files: ['package.json'],
		languageOptions: { parser: jsoncParser },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: n8nNodesBase.configs.community.rules,
	},

	/**
	 * Tests and scripts: ESLint's and typescript-eslint's recommended rules, type-aware (each through the
	 * tsconfig that covers it). n8n's node rules stay off here: tests and scripts run in Node, not in n8n,
	 * and legitimately use timers, process, child_process and node: imports.
	 */
	{
		files: DEV_TS,
		extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
		languageOptions: { parserOptions: { tsconfigRootDir: import.meta.dirname } },
		rules: {
			// The `any` family: tests read untyped JSON (HTTP bodies, JSON.parse, n8n's IDataObject) all the
			// time, and asserting on it is the point; these flag every such read, not bugs.
			'@typescript-eslint/no-unsafe-argument': 'off',
			'@typescript-eslint/no-unsafe-assignment': 'off',
			'@typescript-eslint/no-unsafe-call': 'off',
			'@typescript-eslint/no-unsafe-member-access': 'off',
			'@typescript-eslint/no-unsafe-return': 'off',
			// Test doubles implement n8n's async interfaces (credentials helper, data stores) without awaiting.
			'@typescript-eslint/require-await': 'off',
		},
	},
	{ files: ['test/**/*.ts'], languageOptions: { parserOptions: { project: './test/tsconfig.json' } } },
	{ files: ['scripts/**/*.ts'], languageOptions: { parserOptions: { project: './scripts/tsconfig.json' } } },
	{
		files: ['scripts/**/*.mjs'],
		extends: [js.configs.recommended],
		languageOptions: { globals: globals.node },
	},
]);
