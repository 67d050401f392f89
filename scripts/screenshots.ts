/**
 * `npm run screenshots`: runs the editor test (`npm run test:ui`), which writes a screenshot of every
 * state to `.cache/ui-screenshots/`, then copies the ones the README shows into `docs/`, scaled down
 * so that each stays small. Chromium does the scaling: no image library is needed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import { REPO_ROOT } from '../test/support/realN8n';
import { CHROMIUM, SCREENSHOT_DIR } from '../test/support/editor';

/** Screenshot → its file in docs/ and its scale there. */
const FOR_DOCS: Array<{ from: string; to: string; scale: number }> = [
	{ from: 'workflow', to: 'workflow', scale: 0.8 },
	{ from: 'panel-add-user-filled', to: 'panel', scale: 0.8 },
	{ from: 'credential-new', to: 'credential', scale: 0.6 },
	{ from: 'agent-workflow', to: 'agent-workflow', scale: 0.8 },
];
const MAX_BYTES = 150_000;

async function main(): Promise<void> {
	const test = spawnSync('npm', ['run', 'test:ui'], { cwd: REPO_ROOT, stdio: 'inherit' });
	if (test.status !== 0) throw new Error('npm run test:ui failed: the screenshots were not refreshed');

	const docs = join(REPO_ROOT, 'docs');
	mkdirSync(docs, { recursive: true });
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
	try {
		const page = await browser.newPage({ deviceScaleFactor: 1 });
		for (const { from, to, scale } of FOR_DOCS) {
			const source = readFileSync(join(SCREENSHOT_DIR, `${from}.png`)).toString('base64');
			await page.setContent(`<body style="margin:0"><img style="display:block;zoom:${scale}" src="data:image/png;base64,${source}"></body>`);
			const image = page.locator('img');
			await image.evaluate((element: { decode(): Promise<void> }) => element.decode());
			const target = join(docs, `${to}.png`);
			await image.screenshot({ path: target });
			const bytes = statSync(target).size;
			if (bytes > MAX_BYTES) throw new Error(`${target} is ${bytes} bytes; make it smaller than ${MAX_BYTES}`);
			process.stdout.write(`${target}: ${Math.round(bytes / 1024)} KB\n`);
		}
	} finally {
		await browser.close();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
	process.exitCode = 1;
});
