import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

import { openAiCredential } from '../support/agentWorkflows';
import { CHROMIUM, EDITOR_TIMEOUT_MS } from '../support/editor';
import { InstallerN8n, PACKAGE_NAME } from '../support/installerN8n';
import { callTool, connectMcp, mcpUrl, waitForMcpEndpoint } from '../support/mcpClient';
import { npmAgainst, startNpmRegistry, type NpmRegistry } from '../support/npmRegistry';
import { OWNER } from '../support/owner';
import { PREVIOUS_RELEASE, RELEASED_TARBALL } from '../support/previousRelease';
import { readJson, REPO_ROOT, type WorkflowJson } from '../support/realN8n';
import { recordFacts } from '../support/results';
import { startScriptedModel, type ScriptedModel } from '../support/scriptedModel';
import { startSimulator, type Simulator } from '../support/simulator';
import { FIXTURE_TOOL_TYPE, loadUpgradeFixture, plivoNodeOf, sentRequests, sorted, type FixtureCase } from '../support/upgradeFixture';
import { PLIVO_NODE_TYPE } from '../support/workflows';

/**
 * The release rehearsal: the previous release and this one published to a local npm registry with the
 * publish workflow's own steps, n8n 2.x installing the package from Settings → Community Nodes as a user
 * does, workflows saved on the previous release running the same after Update, n8n's answers through its
 * REST API (unverified packages refused, no licence for another registry), and Uninstall leaving n8n
 * starting cleanly. What n8n answered is kept in `.cache/results/release-*.json`.
 */

const fixture = loadUpgradeFixture();
const current = readJson<{ version: string }>(join(REPO_ROOT, 'package.json')).version;
const record = (name: string, facts: Record<string, unknown>): void => recordFacts(`release-${name}`, `release, ${name}`, facts);

let sim: Simulator;
let model: ScriptedModel;
let registry: NpmRegistry;
/** The previous release as published: its version and its tarball. */
const previous = { version: PREVIOUS_RELEASE.version, tarball: RELEASED_TARBALL };
let n8n: InstallerN8n;
let browser: Browser;
let page: Page;
/** The id n8n gave each fixture workflow when it was saved, by the fixture's id. */
const savedIds = new Map<string, string>();

const credentials = () => [
	{ ...fixture.credential, data: sim.credentials },
	openAiCredential('openAiUpgrade01', model.baseUrl),
];

beforeAll(async () => {
	if (previous.version === current) throw new Error(`package.json's version is still ${current}, the previous release's: set the version of the release being made`);
	sim = await startSimulator();
	model = await startScriptedModel();
	registry = await startNpmRegistry();
	await npmAgainst(registry, ['publish', previous.tarball], REPO_ROOT);
	n8n = await InstallerN8n.start(registry, credentials(), previous.tarball);
	browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
	const context = await browser.newContext({ baseURL: n8n.url, viewport: { width: 1440, height: 900 } });
	context.setDefaultTimeout(EDITOR_TIMEOUT_MS);
	// No internet here: only this n8n is reachable (the page also asks npm's search service, which is refused).
	await context.route('**/*', async (route) => {
		const url = route.request().url();
		await (url.startsWith(n8n.url) || url.startsWith('data:') ? route.continue() : route.abort('blockedbyclient'));
	});
	const login = await context.request.post('/rest/login', { data: { emailOrLdapLoginId: OWNER.email, password: OWNER.password } });
	if (!login.ok()) throw new Error(`login failed: HTTP ${login.status()}`);
	page = await context.newPage();
}, 15 * 60_000);

afterAll(async () => {
	await browser?.close();
	await n8n?.stop();
	n8n?.dispose();
	await registry?.stop();
	await model?.close();
	await sim?.close();
}, 120_000);

/** Waits until n8n has finished the execution; returns its status. */
async function finishedExecution(executionId: string): Promise<string> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const { status } = ((await n8n.rest('GET', `/rest/executions/${executionId}`)).body.data ?? {}) as { status?: string };
		if (status && !['new', 'running', 'waiting'].includes(status)) return status;
		if (Date.now() > deadline) throw new Error(`execution ${executionId} did not finish within 60 s (${status ?? 'not found'})`);
		await new Promise((done) => setTimeout(done, 250));
	}
}

/** Opens a saved fixture workflow: its Plivo PHLO node is on the canvas with its icon, and no node shows an issue. */
async function openWithoutIssues(saved: FixtureCase): Promise<void> {
	await page.goto(`/workflow/${savedIds.get(saved.workflow.id)}`);
	const type = plivoNodeOf(saved.workflow).type;
	const node = page.locator(`[data-test-id=canvas-node][data-node-type="${type}"]`);
	await node.locator('img').waitFor();
	expect({ workflow: saved.name, icon: await node.locator('img').getAttribute('src') }).toEqual({ workflow: saved.name, icon: expect.stringMatching(/\/plivo\.svg$/) });
	expect({ workflow: saved.name, issues: await page.locator('[data-test-id=canvas-node] [data-test-id=node-issues]').count() }).toEqual({ workflow: saved.name, issues: 0 });
}

/** Runs a saved workflow with the editor's Execute workflow button; returns what reached the simulator. */
async function runInEditor(saved: FixtureCase): Promise<ReturnType<typeof sentRequests>> {
	sim.reset();
	model.toolCalls = saved.items;
	await openWithoutIssues(saved);
	const started = page.waitForResponse((answer) => /\/rest\/workflows\/[^/]+\/run/.test(answer.url()) && answer.request().method() === 'POST');
	await page.locator('[data-test-id=execute-workflow-button]').click();
	const { data } = (await (await started).json()) as { data: { executionId: string } };
	expect({ workflow: saved.name, status: await finishedExecution(data.executionId) }).toEqual({ workflow: saved.name, status: 'success' });
	return sorted(sentRequests(sim.requests));
}

const card = () => page.locator('[data-test-id=community-package-card]').filter({ hasText: PACKAGE_NAME });
const byEditor = fixture.cases.filter((saved) => saved.kind !== 'mcpTool');

describe(`release ${current} rehearsed: npm registry, n8n's installer, upgrade from ${fixture.release.version}, uninstall`, () => {
	it(`Settings → Community Nodes installs ${PACKAGE_NAME} as a user types it; the node picker offers it; it runs a workflow`, async () => {
		await page.goto('/settings/community-nodes');
		await page.getByRole('button', { name: 'Install a community node' }).click();
		await page.locator('input[name=packageNameInput]').fill(PACKAGE_NAME);
		await page.locator('[data-test-id=user-agreement-checkbox]').click();
		const installed = page.waitForResponse((answer) => answer.url().endsWith('/rest/community-packages') && answer.request().method() === 'POST', { timeout: 180_000 });
		await page.locator('[data-test-id=install-community-package-button]').click();
		expect((await installed).status()).toBe(200);
		await expect(card().innerText()).resolves.toContain(`v${previous.version}`);
		expect(await n8n.packages()).toEqual([expect.objectContaining({ packageName: PACKAGE_NAME, installedVersion: previous.version })]);

		await page.goto('/workflow/new');
		await page.locator('[data-test-id=node-creator-plus-button]').click();
		await page.locator('[data-test-id=node-creator-search-bar]').fill('Plivo');
		await page.locator('[data-test-id=node-creator-item-name]', { hasText: /^Plivo PHLO$/ }).first().waitFor();
		await page.keyboard.press('Escape');

		// Saved as the editor saves a workflow: the fixture's workflows, as users of the previous release saved them.
		for (const saved of fixture.cases) {
			const { nodes, connections, settings, name } = saved.workflow as WorkflowJson & { settings: object };
			const answer = await n8n.rest('POST', '/rest/workflows', { name, nodes, connections, settings });
			expect({ workflow: name, status: answer.status }).toEqual({ workflow: name, status: 200 });
			savedIds.set(saved.workflow.id, (answer.body.data as { id: string }).id);
		}
		const first = fixture.cases[0];
		expect(await runInEditor(first)).toEqual(sorted(first.requests));
	});

	it(`${current} is published with the publish workflow's steps, provenance left out`, async () => {
		const workflow = readFileSync(join(REPO_ROOT, '.github', 'workflows', 'publish.yml'), 'utf8');
		const steps = [...workflow.matchAll(/^\s*-?\s*run:\s*(.+?)\s*$/gm)].map((match) => match[1]);
		const rehearsed = steps.filter((step) => /^npm (run verify|publish)\b/.test(step));
		expect(rehearsed.map((step) => step.split(' ').slice(0, 2).join(' '))).toEqual(['npm run', 'npm publish']);
		for (const step of rehearsed) {
			const args = step.split(/\s+/).slice(1).filter((arg) => arg !== '--provenance');
			await npmAgainst(registry, args, REPO_ROOT);
		}
		expect(await registry.versions(PACKAGE_NAME)).toEqual([previous.version, current]);
		expect(await registry.distTags(PACKAGE_NAME)).toEqual({ latest: current });
	});

	it(`n8n shows the update; Update installs ${current}`, async () => {
		expect(await n8n.packages()).toEqual([expect.objectContaining({ installedVersion: previous.version, updateAvailable: current })]);
		await page.goto('/settings/community-nodes');
		await card().getByRole('button', { name: 'Update' }).click();
		const updated = page.waitForResponse((answer) => answer.url().endsWith('/rest/community-packages') && answer.request().method() === 'PATCH', { timeout: 180_000 });
		await page.getByRole('button', { name: 'Confirm update' }).click();
		expect((await updated).status()).toBe(200);
		await expect(card().innerText()).resolves.toContain(`v${current}`);
		expect(await n8n.packages()).toEqual([expect.objectContaining({ installedVersion: current, failedLoading: false })]);
	});

	it.each(byEditor.map((saved) => [saved.name, saved] as const))(`after the update, "%s" opens without issues and sends what ${fixture.release.version} sent`, async (_name, saved) => {
		expect(await runInEditor(saved)).toEqual(sorted(saved.requests));
	});

	it.each(fixture.cases.filter((saved) => saved.kind === 'mcpTool').map((saved) => [saved.name, saved] as const))(
		`after the update, "%s" opens without issues and, published, answers an MCP client with what ${fixture.release.version} sent`,
		async (_name, saved) => {
			await openWithoutIssues(saved);
			const id = savedIds.get(saved.workflow.id) ?? '';
			const { versionId } = (await n8n.rest('GET', `/rest/workflows/${id}`)).body.data as { versionId: string };
			expect((await n8n.rest('POST', `/rest/workflows/${id}/activate`, { versionId })).status).toBe(200);
			const path = String((saved.workflow.nodes as Array<{ parameters: { path?: string } }>)[0].parameters.path);
			await waitForMcpEndpoint(mcpUrl(n8n.url, path), 60_000);
			sim.reset();
			const client = await connectMcp(mcpUrl(n8n.url, path));
			try {
				const answer = await callTool(client, plivoNodeOf(saved.workflow).name.replace(/\W+/g, '_'), saved.items[0]);
				expect(answer.isError).toBe(false);
			} finally {
				await client.close();
			}
			expect(sorted(sentRequests(sim.requests))).toEqual(sorted(saved.requests));
		},
	);

	it('with N8N_UNVERIFIED_PACKAGES_ENABLED=false the installed package still loads and no update is looked up', async () => {
		await n8n.stop();
		await n8n.boot({ N8N_UNVERIFIED_PACKAGES_ENABLED: 'false' });
		const types = (await n8n.rest('GET', '/types/nodes.json')).body as unknown as Array<{ name: string }>;
		expect(types.map(({ name }) => name)).toEqual(expect.arrayContaining([PLIVO_NODE_TYPE, FIXTURE_TOOL_TYPE]));
		const packages = await n8n.packages();
		expect(packages).toEqual([expect.objectContaining({ installedVersion: current, failedLoading: false })]);
		expect(packages[0].updateAvailable).toBeUndefined();
	});

	it('Uninstall (Settings → Community Nodes) removes the package; n8n then starts cleanly', async () => {
		await page.goto('/settings/community-nodes');
		await card().locator('[data-test-id=action-toggle]').click();
		await page.getByText('Uninstall package', { exact: true }).click();
		const removed = page.waitForResponse((answer) => answer.url().includes('/rest/community-packages') && answer.request().method() === 'DELETE', { timeout: 120_000 });
		await page.getByRole('button', { name: 'Confirm uninstall' }).click();
		expect((await removed).status()).toBe(200);
		await n8n.stop();
		await n8n.boot();
		const output = n8n.server?.output ?? '';
		expect(await n8n.packages()).toEqual([]);
		const types = (await n8n.rest('GET', '/types/nodes.json')).body as unknown as Array<{ name: string }>;
		expect(types.filter(({ name }) => name.startsWith(PACKAGE_NAME))).toEqual([]);
		const complaints = output.split('\n').filter((line) => /plivo|community package|packages are missing|\berror\b/i.test(line));
		record('uninstall-restart', { complaints });
		expect(complaints).toEqual([]);
	});

	it("n8n's REST API, as the UI uses it: what it answers for unverified packages and, without a licence, for another registry", async () => {
		const install = async (body: object) => {
			const answer = await n8n.rest('POST', '/rest/community-packages', body);
			return { status: answer.status, message: answer.body.message };
		};
		// Still N8N_UNVERIFIED_PACKAGES_ENABLED=false.
		const unverified = await install({ name: PACKAGE_NAME });
		const verifiedOnly = await install({ name: PACKAGE_NAME, verify: true });
		await n8n.stop();
		await n8n.boot({ N8N_UNVERIFIED_PACKAGES_ENABLED: 'true' });
		await n8n.setLicensed(false);
		const unlicensed = await install({ name: PACKAGE_NAME });
		await n8n.setLicensed(true);
		record('rest-answers', { unverified, verifiedOnly, unlicensed });
		expect(unverified).toEqual({ status: 500, message: `Error loading package "${PACKAGE_NAME}" :Installation of unverified community packages is forbidden!` });
		expect(verifiedOnly).toEqual({ status: 400, message: `Package ${PACKAGE_NAME} is not vetted for installation` });
		expect(unlicensed).toEqual({
			status: 500,
			message: `Error loading package "${PACKAGE_NAME}" :Your license does not allow for feat:communityNodes:customRegistry. To enable feat:communityNodes:customRegistry, please upgrade to a license that supports this feature.`,
		});
	});

	it(`n8n's REST API installs ${fixture.release.version} by name@version, updates it and uninstalls it`, async () => {
		const installed = await n8n.rest('POST', '/rest/community-packages', { name: `${PACKAGE_NAME}@${previous.version}` });
		expect({ status: installed.status, data: installed.body.data }).toEqual({ status: 200, data: expect.objectContaining({ installedVersion: previous.version }) });
		expect(await n8n.packages()).toEqual([expect.objectContaining({ installedVersion: previous.version, updateAvailable: current })]);
		const updated = await n8n.rest('PATCH', '/rest/community-packages', { name: PACKAGE_NAME });
		expect({ status: updated.status, data: updated.body.data }).toEqual({ status: 200, data: expect.objectContaining({ installedVersion: current }) });
		const removed = await n8n.rest('DELETE', `/rest/community-packages?name=${PACKAGE_NAME}`);
		expect(removed.status).toBe(200);
		expect(await n8n.packages()).toEqual([]);
	});
});
