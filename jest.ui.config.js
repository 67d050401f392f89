/**
 * `npm run test:ui`: n8n's editor in headless Chromium with the packed package installed. The files are
 * named `*.ui.ts` so that `npm test` (which runs every `*.test.ts`) leaves them out.
 */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/ui'],
	testMatch: ['**/*.ui.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
	testTimeout: 300_000,
	maxWorkers: 1,
};
