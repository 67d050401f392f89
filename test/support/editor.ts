/**
 * n8n's editor in headless Chromium for the UI tests and the screenshots: the packed package in a
 * fresh n8n 2.x user folder (as in the end-to-end tests), the PHLO simulator, an owner account made
 * through the REST API, and a logged-in browser page. Everything started here is stopped by `close()`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

import { OWNER, setUpOwner } from './owner';
import { ensureN8n, freePort, N8nInstance, packPackage, REPO_ROOT, type CredentialJson, type WorkflowJson } from './realN8n';
import { startSimulator, type Simulator } from './simulator';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(REPO_ROOT, '.cache', 'ui-screenshots');

/** The editor bundle is large and the machine may be busy: every wait gets this long. */
export const EDITOR_TIMEOUT_MS = 60_000;

export interface ConsoleError {
	text: string;
	/** The script or resource the message is attributed to, when Chromium knows it. */
	url: string;
}

export interface EditorSession {
	url: string;
	sim: Simulator;
	context: BrowserContext;
	page: Page;
	/** Console errors and uncaught page errors, in order. */
	consoleErrors: ConsoleError[];
	/** Requests to anything other than this n8n, which are never let out. */
	blockedRequests: string[];
	/** Writes `<name>.png` of the page, or of everything `selector` matches with `padding` pixels around, to the screenshot folder. */
	screenshot(name: string, selector?: string, padding?: number): Promise<string>;
	close(): Promise<void>;
}

type Stop = () => Promise<void>;

/** Runs the stops last-first; every one runs even when an earlier one fails. */
async function runStops(stops: Stop[]): Promise<void> {
	const errors: unknown[] = [];
	for (const stop of stops.reverse()) {
		try {
			await stop();
		} catch (error) {
			errors.push(error);
		}
	}
	if (errors.length) throw errors[0];
}

export async function startEditor(setup: {
	credentials: (sim: Simulator) => CredentialJson[];
	workflows: (credentials: CredentialJson[]) => WorkflowJson[];
}): Promise<EditorSession> {
	if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium fonts-liberation`);
	const stops: Stop[] = [];
	try {
		const sim = await startSimulator();
		stops.push(() => sim.close());
		const install = await ensureN8n('2.x');
		const n8n = await N8nInstance.create(install, await packPackage());
		stops.push(async () => n8n.dispose());
		const credentials = setup.credentials(sim);
		await n8n.importCredentials(credentials);
		await n8n.importWorkflows(setup.workflows(credentials));
		const server = await n8n.startServer(await freePort(), { timeoutMs: 180_000 });
		stops.push(server.stop);
		await setUpOwner(server.url);

		const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
		stops.push(() => browser.close());
		const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1440, height: 900 } });
		context.setDefaultTimeout(EDITOR_TIMEOUT_MS);
		context.setDefaultNavigationTimeout(EDITOR_TIMEOUT_MS);

		// There is no internet here, and a test must not depend on it: only this n8n is reachable.
		const blockedRequests: string[] = [];
		await context.route('**/*', async (route) => {
			const requestUrl = route.request().url();
			if (requestUrl.startsWith(server.url) || requestUrl.startsWith('data:')) return await route.continue();
			blockedRequests.push(requestUrl);
			await route.abort('blockedbyclient');
		});

		// The session cookie set by the login is shared with every page of the context.
		const login = await context.request.post('/rest/login', {
			data: { emailOrLdapLoginId: OWNER.email, password: OWNER.password },
		});
		if (!login.ok()) throw new Error(`login failed: HTTP ${login.status()} ${await login.text()}`);

		const page = await context.newPage();
		const consoleErrors: ConsoleError[] = [];
		page.on('console', (message) => {
			if (message.type() === 'error') consoleErrors.push({ text: message.text(), url: message.location().url });
		});
		page.on('pageerror', (error) => consoleErrors.push({ text: `${error.name}: ${error.message}`, url: '' }));

		mkdirSync(SCREENSHOT_DIR, { recursive: true });
		const screenshot = async (name: string, selector?: string, padding = 0): Promise<string> => {
			const path = join(SCREENSHOT_DIR, `${name}.png`);
			if (!selector) {
				await page.screenshot({ path, animations: 'disabled' });
				return path;
			}
			// The union of every match, so that one picture can frame several canvas nodes.
			const boxes = (await page.locator(selector).evaluateAll((elements) =>
				elements.map((element) => element.getBoundingClientRect().toJSON()),
			)) as Array<{ left: number; top: number; right: number; bottom: number }>;
			if (!boxes.length) throw new Error(`nothing to screenshot: no ${selector}`);
			const left = Math.max(0, Math.min(...boxes.map((box) => box.left)) - padding);
			const top = Math.max(0, Math.min(...boxes.map((box) => box.top)) - padding);
			const right = Math.max(...boxes.map((box) => box.right)) + padding;
			const bottom = Math.max(...boxes.map((box) => box.bottom)) + padding;
			await page.screenshot({ path, animations: 'disabled', clip: { x: left, y: top, width: right - left, height: bottom - top } });
			return path;
		};

		return {
			url: server.url,
			sim,
			context,
			page,
			consoleErrors,
			blockedRequests,
			screenshot,
			close: () => runStops(stops),
		};
	} catch (error) {
		await runStops(stops).catch(() => undefined);
		throw error;
	}
}
