/** `npm run test:queue`: the packed package in n8n 2.x queue mode (Redis, PostgreSQL, main and workers). */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/queue'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
	testTimeout: 600_000,
	maxWorkers: 1,
};
