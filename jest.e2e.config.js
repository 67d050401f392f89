/** `npm run test:e2e`: the packed package inside real n8n (both release lines unless E2E_LINES says one). */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
	testTimeout: 300_000,
	maxWorkers: 1,
};
