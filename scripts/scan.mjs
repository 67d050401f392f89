#!/usr/bin/env node
// Runs n8n's community-package scanner the way n8n's verification does: on the source
// (package.json, nodes/, credentials/) and on the files of the packed tarball.
// `npm run verify` (scripts/verify.mjs) imports packTarball and scanPackage from here.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

// The scanner's lint reads NODE_ENV (jest sets it to `test`), which changes what it reports: scan as in a release.
delete process.env.NODE_ENV;

/** Builds the package, packs it into `work` and unpacks it there; returns the tarball and its `package/` folder. */
export function packTarball(root, work) {
	execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
	const [{ filename }] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
	);
	const tarball = join(work, filename);
	execFileSync('tar', ['-xzf', tarball, '-C', work]);
	return { tarball, packageDir: join(work, 'package') };
}

/** The scanner on the source and on the unpacked tarball: [{ label, passed, message, details }]. */
export async function scanPackage(root, packageDir) {
	const results = [];
	for (const [label, dir, patterns] of [
		['source', root, SOURCE_FILE_PATTERNS],
		['tarball', packageDir, ['**/*.js', 'package.json']],
	]) {
		const result = await analyzePackage(dir, patterns);
		results.push({ label, passed: result.passed, message: result.message, details: result.details });
	}
	return results;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
	const root = resolve(import.meta.dirname, '..');
	const work = mkdtempSync(join(tmpdir(), 'plivo-phlo-scan-'));
	try {
		const { packageDir } = packTarball(root, work);
		let failed = false;
		for (const result of await scanPackage(root, packageDir)) {
			console.log(`scan ${result.label}: ${result.passed ? 'passed' : `FAILED (${result.message})`}`);
			if (!result.passed) {
				failed = true;
				if (result.details) console.log(result.details);
			}
		}
		process.exitCode = failed ? 1 : 0;
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}
