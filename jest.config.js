/**
 * One config, one project per suite: `npm test` runs `unit` (pure functions, the node in n8n-core
 * against the PHLO simulator, the simulator itself); `test:e2e`, `test:queue`, `test:ui`,
 * `test:events` and `test:latest` run the packed package inside real n8n, one suite at a time;
 * `release:rehearse` publishes it to a local npm registry and installs it with n8n's own installer.
 */
const suite = (name, roots, testTimeout) => ({
	displayName: name,
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: roots.map((root) => `<rootDir>/test/${root}`),
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
	...(testTimeout
		? { globals: { SUITE_TIMEOUT_MS: testTimeout }, setupFilesAfterEnv: ['<rootDir>/test/support/suiteTimeout.ts'] }
		: {}),
});

module.exports = {
	projects: [
		suite('unit', ['unit', 'integration', 'simulator']),
		suite('e2e', ['e2e'], 300_000),
		suite('queue', ['queue'], 600_000),
		suite('ui', ['ui'], 300_000),
		suite('events', ['events'], 300_000),
		suite('latest', ['latest'], 300_000),
		suite('release', ['release'], 600_000),
	],
};
