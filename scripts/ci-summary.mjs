#!/usr/bin/env node
// Adds up jest's --json result files (and named extra checks) into the one line CI reads:
// "N passed, N failed". Exits non-zero when anything failed or a result file is missing.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
for (const argument of process.argv.slice(2)) {
	const check = argument.match(/^check:([\w-]+)=(\d+)$/);
	if (check) {
		if (check[2] === '0') passed++;
		else {
			failed++;
			console.log(`check ${check[1]} failed (exit ${check[2]})`);
		}
		continue;
	}
	if (!existsSync(argument)) {
		failed++;
		console.log(`${argument}: no results (the suite did not run)`);
		continue;
	}
	const results = JSON.parse(readFileSync(argument, 'utf8'));
	passed += results.numPassedTests;
	failed += results.numFailedTests;
	if (results.numRuntimeErrorTestSuites > 0) {
		failed += results.numRuntimeErrorTestSuites;
		console.log(`${argument}: ${results.numRuntimeErrorTestSuites} suite(s) failed to run`);
	}
	console.log(`${argument}: ${results.numPassedTests} passed, ${results.numFailedTests} failed`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
