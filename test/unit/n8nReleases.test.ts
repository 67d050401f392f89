import { LINES } from '../support/n8nLines';
import { describeChoice, lineOf, refusalFrom, stableReleasesDownFrom } from '../support/n8nReleases';

/** How `npm run test:latest` reads the registry: which releases it walks down, and why npm would not install one. */

describe('stableReleasesDownFrom', () => {
	it('walks down from the tagged release within its major, newest first, without prereleases', () => {
		const published = ['1.123.81', '2.4.0', '2.4.8', '2.40.7', '2.41.0', '2.41.1', '2.41.3', '2.42.0-rc.1', '2.42.0', '3.0.0'];
		expect(stableReleasesDownFrom(published, '2.41.3')).toEqual(['2.41.3', '2.41.1', '2.41.0', '2.40.7', '2.4.8', '2.4.0']);
	});
});

describe('lineOf', () => {
	it('names the line of a major this package tests, and none for another', () => {
		expect(lineOf('2.41.1')).toBe('2.x');
		expect(lineOf('1.123.81')).toBe('1.x');
		expect(lineOf('3.0.0')).toBeUndefined();
	});
});

describe('refusalFrom', () => {
	it('names the missing version npm reports as ETARGET', () => {
		const output = [
			'npm error code ETARGET',
			'npm error notarget No matching version found for @n8n/agents@0.26.2.',
			"npm error notarget In most cases you or one of your dependencies are requesting a package version that doesn't exist.",
		].join('\n');
		expect(refusalFrom(output)).toEqual({
			code: 'ETARGET',
			missing: '@n8n/agents@0.26.2',
			reason: '@n8n/agents@0.26.2 is not on the registry, npm ETARGET',
		});
	});

	it('names the missing package npm reports as E404', () => {
		const output = [
			'npm error code E404',
			'npm error 404 Not Found - GET https://registry.npmjs.org/@n8n%2fagents - Not found',
			"npm error 404  '@n8n/agents@0.26.2' is not in this registry.",
		].join('\n');
		expect(refusalFrom(output)).toMatchObject({ code: 'E404', missing: '@n8n/agents@0.26.2' });
	});

	it('otherwise quotes npm’s first error', () => {
		expect(refusalFrom('npm error code ECONNRESET\nnpm error network aborted\n')).toEqual({
			code: 'ECONNRESET',
			reason: 'npm ECONNRESET: network aborted',
		});
	});
});

describe('describeChoice', () => {
	const spec = { ...LINES['2.x'], n8n: '2.41.1', node: '24.21.0' };
	const missing = (version: string, name: string) => ({ version, code: 'ETARGET', missing: name, reason: `${name} is not on the registry, npm ETARGET` });

	it('says the tagged release is the one tested', () => {
		expect(describeChoice({ tag: 'latest', tagged: '2.41.1', line: '2.x', spec, refused: [] })).toBe(
			'n8n latest: testing n8n 2.41.1 on Node.js 24.21.0, the release the latest tag names.',
		);
	});

	it('says why the tagged release, and any below it, were passed over', () => {
		expect(describeChoice({ tag: 'latest', tagged: '2.41.3', line: '2.x', spec, refused: [missing('2.41.3', '@n8n/agents@0.26.2')] })).toBe(
			'n8n latest: testing n8n 2.41.1 on Node.js 24.21.0. The latest tag names 2.41.3, which does not install from the registry ' +
				'(@n8n/agents@0.26.2 is not on the registry, npm ETARGET); 2.41.1 is the newest 2.x release that does.',
		);
		expect(
			describeChoice({ tag: 'latest', tagged: '2.41.3', line: '2.x', spec, refused: [missing('2.41.3', '@n8n/agents@0.26.2'), missing('2.41.2', 'x@1.0.0')] }),
		).toContain('which does not install from the registry, nor do 2.41.2 (2.41.3: @n8n/agents@0.26.2 is not on the registry, npm ETARGET; 2.41.2: x@1.0.0 is not');
	});
});
