/// <reference lib="dom" />
import type { INodeProperties, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';
import type { Locator, Page } from 'playwright-core';

import { FIELDS_BY_OPERATION, FIELDS_WITH_FORMAT } from '../support/fieldContract';
import { startEditor, type EditorSession } from '../support/editor';
import { AGENT_NODE_NAME, AGENT_NODE_TYPE, MODEL_NODE_NAME, OPENAI_CHAT_MODEL_TYPE, PLIVO_TOOL_NAME, PLIVO_TOOL_TYPE } from '../support/agentWorkflows';
import { PLIVO_NODE_TYPE } from '../support/workflows';
import {
	ADD_USER_WORKFLOW,
	AGENT_WORKFLOW,
	GUARDED_WORKFLOW,
	BAD_TO,
	BAD_TO_WORKFLOW,
	PANEL_WORKFLOW,
	PLIVO_NODE_NAME,
	uiCredentials,
	uiWorkflows,
} from './fixtures';

/**
 * The node as a person meets it: n8n 2.x's editor in headless Chromium, with the packed package
 * installed as a user installs it and the PHLO simulator behind the credential. Assertions read the
 * page's DOM and n8n's REST answers; screenshots of every state land in `.cache/ui-screenshots/`.
 */

const CANVAS_NODE = `[data-test-id=canvas-node][data-node-type="${PLIVO_NODE_TYPE}"]`;
const CREDENTIAL_DIALOG = '[data-test-id=editCredential-modal]';
const WRONG_TOKEN = 'WrongToken-ui-4b2e';
/** The picker's details panel asks the npm registry about every community package; nothing else may leave. */
const REGISTRY_LOOKUP = /^https:\/\/registry\.npmjs\.org\/n8n-nodes-plivo-phlo$/;
/** n8n's editor asks for output schemas it does not ship for some of its own nodes (here the Code node). */
const N8N_MISSING_SCHEMA = /\/schemas\/n8n-nodes-base\.[A-Za-z]+\/[\d.]+\.json$/;

let editor: EditorSession;
let page: Page;
let nodeType: INodeTypeDescription;

beforeAll(async () => {
	editor = await startEditor({ credentials: uiCredentials, workflows: uiWorkflows });
	page = editor.page;
	const types = await editor.context.request.get('/types/nodes.json');
	const described = ((await types.json()) as INodeTypeDescription[]).find((type) => type.name === PLIVO_NODE_TYPE);
	if (!described) throw new Error(`n8n does not list ${PLIVO_NODE_TYPE} in /types/nodes.json`);
	nodeType = described;
}, 900_000);

afterAll(async () => {
	await editor?.close();
}, 120_000);

/** Opens a workflow and the Plivo PHLO node's panel in it. */
async function openPanel(workflowId: string): Promise<Locator> {
	await page.goto(`/workflow/${workflowId}`);
	await page.locator(CANVAS_NODE).dblclick();
	const panel = page.locator('[data-test-id=ndv]');
	await panel.waitFor();
	return panel;
}

/** Picks `name` in an n8n dropdown parameter and waits until the input shows it. */
async function choose(parameter: string, name: string): Promise<void> {
	const input = page.locator(`[data-test-id=node-parameters] [data-test-id=parameter-input-${parameter}] input`);
	if ((await input.inputValue()) === name) return;
	await input.click();
	await page.locator('.el-select-dropdown__item:visible').filter({ has: page.getByText(name, { exact: true }) }).click();
	await page.waitForFunction(
		([selector, expected]) => document.querySelector<HTMLInputElement>(selector)?.value === expected,
		[`[data-test-id=node-parameters] [data-test-id=parameter-input-${parameter}] input`, name] as const,
	);
}

/**
 * The parameters the panel shows, top to bottom, by name: each labelled field by its label's `for`,
 * each notice by the parameter whose text it shows.
 */
async function shownParameters(notices: INodeProperties[]): Promise<string[]> {
	const items = page.locator('[data-test-id=node-parameters] [data-test-id=parameter-item]:visible');
	return await items.evaluateAll((elements, noticeTexts) => {
		const names: string[] = [];
		for (const element of elements) {
			const label = element.querySelector('label[for]');
			if (label) names.push(label.getAttribute('for') ?? '');
			else {
				const text = (element as HTMLElement).innerText.trim();
				names.push(noticeTexts.find(([, display]) => display === text)?.[0] ?? `unknown: ${text.slice(0, 80)}`);
			}
		}
		return names;
	}, notices.map((notice) => [notice.name, notice.displayName]));
}

/** The text of the tooltip behind a field's help icon. */
async function helpText(field: string): Promise<string> {
	const label = page.locator(`[data-test-id=node-parameters] label[for="${field}"]`);
	await label.hover();
	await label.locator('[data-icon=circle-help]').hover();
	const tooltip = page.locator('.n8n-tooltip:visible').filter({ has: page.locator('[role=tooltip]') });
	await tooltip.first().waitFor();
	const text = (await tooltip.first().innerText()).trim();
	await page.mouse.move(0, 0);
	await tooltip.first().waitFor({ state: 'hidden' });
	return text;
}

/** The node description's property `name` as shown for this resource and operation. */
function propertyFor(name: string, resource: string, operation: string): INodeProperties {
	const property = nodeType.properties.find((candidate) => {
		const show = candidate.displayOptions?.show;
		return (
			candidate.name === name &&
			(!show?.resource || show.resource.includes(resource)) &&
			(!show?.operation || show.operation.includes(operation))
		);
	});
	if (!property) throw new Error(`no property ${name} for ${resource} > ${operation} in n8n's node description`);
	return property;
}

function operationsOf(resource: string): INodePropertyOptions[] {
	const selector = nodeType.properties.find(
		(property) => property.name === 'operation' && property.displayOptions?.show?.resource?.includes(resource),
	);
	return (selector?.options ?? []) as INodePropertyOptions[];
}

const resources = (): INodePropertyOptions[] =>
	(nodeType.properties.find((property) => property.name === 'resource')?.options ?? []) as INodePropertyOptions[];

/** Opens the node picker on an empty workflow and searches for "Plivo". */
async function searchPicker(): Promise<Locator> {
	await page.goto('/workflow/new');
	await page.locator('[data-test-id=node-creator-plus-button]').click();
	await page.locator('[data-test-id=node-creator-search-bar]').fill('Plivo');
	const item = page
		.locator('[data-test-id=node-creator-action-item], [data-test-id=node-creator-node-item]')
		.filter({ has: page.locator('[data-test-id=node-creator-item-name]', { hasText: /^Plivo PHLO$/ }) });
	await item.first().waitFor();
	return item.first();
}

/**
 * The icon image of a picker item or canvas node, and whether it loaded with real pixels. Without
 * an icon the editor draws a letter or "?" instead (no image); a missing file leaves the image 0×0.
 */
async function iconOf(container: Locator): Promise<{ src: string; loaded: boolean }> {
	await container.waitFor();
	const images = container.locator('img');
	if ((await images.count()) === 0) return { src: '(none: the editor drew a placeholder)', loaded: false };
	return await images.first().evaluate(async (image: HTMLImageElement) => {
		await image.decode().catch(() => undefined);
		return { src: image.getAttribute('src') ?? '', loaded: image.complete && image.naturalWidth > 0 };
	});
}

describe('Plivo PHLO in the n8n editor', () => {
	it.each(['light', 'dark'] as const)('the node picker finds Plivo PHLO with its %s icon', async (theme) => {
		await page.emulateMedia({ colorScheme: theme });
		try {
			const item = await searchPicker();
			expect(await item.locator('[data-test-id=node-creator-item-description]').innerText()).toBe(nodeType.description);
			const icon = await iconOf(item);
			const file = theme === 'light' ? /\/plivo\.svg$/ : /\/plivo\.dark\.svg$/;
			expect({ theme, ...icon }).toEqual({ theme, src: expect.stringMatching(file), loaded: true });
			await editor.screenshot(`picker-${theme}`);
		} finally {
			await page.emulateMedia({ colorScheme: 'light' });
		}
	});

	it('the picker lists every operation as an action with a clear name, grouped by resource', async () => {
		const item = await searchPicker();
		await item.click();
		const rows = page.locator('[data-test-id=node-creator] [data-test-id=item-iterator-item]');
		await rows.filter({ hasText: 'Run a PHLO' }).waitFor();
		const shown = (await rows.allInnerTexts()).map((text) => text.trim());
		const expected = resources().flatMap((resource) => [
			`${resource.name.toUpperCase()} ACTIONS`,
			...operationsOf(String(resource.value)).map((operation) => operation.action ?? `(no action for ${operation.value})`),
		]);
		// The trigger suggestions n8n puts above the actions are n8n's own.
		expect(shown.slice(shown.indexOf(expected[0]))).toEqual(expected);
		await editor.screenshot('picker-actions');
		// A verb and what it acts on, in words rather than the operation's value.
		const actions = resources().flatMap((resource) => operationsOf(String(resource.value)).map((operation) => operation.action ?? ''));
		for (const action of actions) expect(action).toMatch(/^[A-Z][a-z]+( [A-Za-z-]+)+$/);
		await page.keyboard.press('Escape');
	});

	it('a workflow shows the node with its name and icon', async () => {
		await page.goto(`/workflow/${ADD_USER_WORKFLOW}`);
		const node = page.locator(CANVAS_NODE);
		await node.waitFor();
		expect(await node.innerText()).toContain(PLIVO_NODE_NAME);
		expect(await iconOf(node)).toEqual({ src: expect.stringMatching(/\/plivo\.svg$/), loaded: true });
		await editor.screenshot('workflow', '[data-test-id=canvas-node]', 80);
	});

	it('an AI Agent workflow shows the agent, its chat model and Plivo PHLO as its tool with its icon', async () => {
		await page.goto(`/workflow/${AGENT_WORKFLOW}`);
		const canvasNode = (type: string): Locator => page.locator(`[data-test-id=canvas-node][data-node-type="${type}"]`);
		const [agent, chatModel, tool] = [canvasNode(AGENT_NODE_TYPE), canvasNode(OPENAI_CHAT_MODEL_TYPE), canvasNode(PLIVO_TOOL_TYPE)];
		for (const node of [agent, chatModel, tool]) await node.waitFor();
		expect(await agent.innerText()).toContain(AGENT_NODE_NAME);
		expect(await chatModel.innerText()).toContain(MODEL_NODE_NAME);
		expect(await tool.innerText()).toContain(PLIVO_TOOL_NAME);
		expect(await iconOf(tool)).toEqual({ src: expect.stringMatching(/\/plivo\.svg$/), loaded: true });
		// The trigger and both sub-nodes are linked to the agent, and no node shows an issue.
		const edges = await page
			.locator('[data-test-id=edge]')
			.evaluateAll((elements) => elements.map((element) => `${element.getAttribute('data-source-node-name')} → ${element.getAttribute('data-target-node-name')}`));
		expect(edges.sort()).toEqual([`${MODEL_NODE_NAME} → ${AGENT_NODE_NAME}`, `${PLIVO_TOOL_NAME} → ${AGENT_NODE_NAME}`, `Start → ${AGENT_NODE_NAME}`].sort());
		expect(await page.locator('[data-test-id=canvas-node] [data-test-id=node-issues]').count()).toBe(0);
		await page.mouse.move(0, 0);
		await editor.screenshot('agent-workflow', '[data-test-id=canvas-node]', 80);
	});

	it('the panel shows exactly the fields of each operation, each described, with a placeholder where the format matters', async () => {
		await openPanel(PANEL_WORKFLOW);
		const notices = nodeType.properties.filter((property) => property.type === 'notice');
		// Hovering is slow: each distinct help text is read once, every field's help icon is checked.
		const helpRead = new Set<string>();
		for (const resource of resources()) {
			await choose('resource', resource.name);
			for (const operation of operationsOf(String(resource.value))) {
				await choose('operation', operation.name);
				const [r, o] = [String(resource.value), String(operation.value)];
				const expected = ['resource', 'operation', ...FIELDS_BY_OPERATION[r][o], 'options'];
				expect({ operation: `${r} > ${o}`, shown: await shownParameters(notices) }).toEqual({ operation: `${r} > ${o}`, shown: expected });
				if (r === 'multiPartyCall' && o === 'addUser') {
					await page.mouse.move(0, 0);
					await editor.screenshot('panel-add-user', '[data-test-id=ndv]');
				}

				for (const field of FIELDS_BY_OPERATION[r][o].filter((name) => !notices.some((notice) => notice.name === name))) {
					const property = propertyFor(field, r, o);
					const label = page.locator(`[data-test-id=node-parameters] label[for="${field}"]`);
					expect({ field, helpIcons: await label.locator('[data-icon=circle-help]').count() }).toEqual({ field, helpIcons: 1 });
					if (!helpRead.has(`${field}:${property.description}`)) {
						expect({ field, help: await helpText(field) }).toEqual({ field, help: property.description });
						helpRead.add(`${field}:${property.description}`);
					}
					// A JSON field's editor shows its default ({}) instead of a placeholder.
					if (FIELDS_WITH_FORMAT.includes(field) && property.type !== 'json') {
						const input = page.locator(`[data-test-id=parameter-input-${field}] input`);
						expect({ field, placeholder: await input.getAttribute('placeholder') }).toEqual({ field, placeholder: property.placeholder });
					}
				}
			}
		}
		expect(propertyFor('to', 'multiPartyCall', 'addUser').placeholder).toBe('+14155551234');
		expect(propertyFor('to', 'multiPartyCall', 'addUser').description).toContain('sip:agent@example.com');
		await page.keyboard.press('Escape');
	});

	it('Calling Hours and Dry Run show in the panel as options; Dry Run says so on the canvas and in the panel, and Execute step sends nothing', async () => {
		editor.sim.reset();
		await page.goto(`/workflow/${GUARDED_WORKFLOW}`);
		const node = page.locator(CANVAS_NODE);
		await node.waitFor();
		expect(await node.innerText()).toMatch(/Dry run, sends nothing/);
		const panel = await openPanel(GUARDED_WORKFLOW);
		await panel.locator('[data-test-id=parameter-input-callingHoursStart]').waitFor();
		const notices = nodeType.properties.filter((property) => property.type === 'notice');
		const shown = await shownParameters(notices);
		expect(shown.slice(shown.indexOf('options'))).toEqual([
			'options',
			'callingHours',
			'callingHoursDays',
			'callingHoursEnd',
			'callingHoursStart',
			'callingHoursTimeZone',
			'dryRun',
			'dryRunNotice',
		]);
		const options = (nodeType.properties.find((property) => property.name === 'options')?.options ?? []) as INodeProperties[];
		for (const name of ['callingHours', 'callingHoursTimeZone', 'dryRun']) {
			// The editor shows a link's text, not its markup.
			const description = options.find((option) => option.name === name)?.description?.replace(/<[^>]+>/g, '');
			expect({ name, help: await helpText(name) }).toEqual({ name, help: description });
		}
		await page.mouse.move(0, 0);
		await editor.screenshot('panel-calling-hours-dry-run', '[data-test-id=ndv]');
		const answer = page.waitForResponse((response) => response.url().includes('/run') && response.request().method() === 'POST');
		await panel.locator('[data-test-id=node-execute-button]').click();
		expect((await answer).ok()).toBe(true);
		const output = page.locator('[data-test-id=output-panel]');
		await output.getByText('dryRun').first().waitFor();
		expect(editor.sim.count()).toBe(0);
		await page.keyboard.press('Escape');
	});

	it('Execute step runs Add User against the simulator and shows one output item per contact', async () => {
		const panel = await openPanel(ADD_USER_WORKFLOW);
		// Filled as a user fills it: no field is marked as missing or wrong.
		await panel.locator('[data-test-id=parameter-input-triggerSource]').waitFor();
		await page.mouse.move(0, 0);
		expect(await panel.locator('[data-test-id=parameter-issues]').count()).toBe(0);
		await editor.screenshot('panel-add-user-filled', '[data-test-id=node-parameters]', 8);
		const answer = page.waitForResponse((response) => response.url().includes('/run') && response.request().method() === 'POST');
		await panel.locator('[data-test-id=node-execute-button]').click();
		expect((await answer).ok()).toBe(true);
		const output = page.locator('[data-test-id=output-panel]');
		await output.locator('[data-test-id=radio-button-table]').click();
		await output.getByText('api_id').first().waitFor();
		await editor.screenshot('execute-step');
		const shown = await output.innerText();
		expect(shown).toMatch(/\b2 items\b/);
		// Each item is Plivo's answer: an api_id and an empty error.
		expect(new Set(shown.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g)).size).toBe(2);
		expect(editor.sim.filter({ route: 'multiPartyCall.dial' }).map((request) => request.json)).toEqual([
			expect.objectContaining({ action: 'call', to: '+14155550101', role: 'customer' }),
			expect.objectContaining({ action: 'call', to: 'sip:alan@example.com', role: 'customer' }),
		]);
		await page.keyboard.press('Escape');
	});

	it('an invalid To stops the step with the field, the value and the item in the error', async () => {
		editor.sim.reset();
		const panel = await openPanel(BAD_TO_WORKFLOW);
		await panel.locator('[data-test-id=node-execute-button]').click();
		const message = page.locator('[data-test-id=output-panel] [data-test-id=node-error-message]');
		await message.waitFor();
		await editor.screenshot('execute-step-invalid-to');
		expect(await message.innerText()).toMatch(new RegExp(`^To "${BAD_TO}" is not a phone number or SIP URI; .* \\[item 1\\]$`));
		expect(await page.locator('[data-test-id=output-panel] [data-test-id=node-error-description]').innerText()).toBe(
			'Parameter "to". Nothing was sent to Plivo for this item.',
		);
		// Items are sent in order: the valid contact before it was dialled, the invalid one never left n8n.
		expect(editor.sim.filter({ route: 'multiPartyCall.dial' }).map((request) => request.to)).toEqual(['+14155550101']);
		await page.keyboard.press('Escape');
	});

	it('the credential form shows Auth ID, a masked Auth Token and Base URL, each described', async () => {
		await openPanel(ADD_USER_WORKFLOW);
		await page.locator('[data-test-id=credential-edit-button]').click();
		const modal = page.locator('[data-test-id=editCredential-modal]');
		await modal.locator('[data-test-id=credentials-config-container-test-success]').waitFor();
		await editor.screenshot('credential', CREDENTIAL_DIALOG);
		const fields = await modal
			.locator('[data-test-id=credential-connection-parameter] [data-test-id^=parameter-input-]:not([data-test-id=parameter-input-field])')
			.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-test-id')?.replace('parameter-input-', '')));
		// Allowed HTTP Request Domains is n8n's own, added to every credential.
		expect(fields).toEqual(['authId', 'authToken', 'baseUrl', 'allowedHttpRequestDomains']);
		const input = (name: string): Locator => modal.locator(`[data-test-id=parameter-input-${name}] input`);
		expect(await input('authToken').getAttribute('type')).toBe('password');
		expect(await input('authId').getAttribute('type')).toBe('text');
		expect(await input('authId').inputValue()).toBe(editor.sim.authId);
		expect(await input('baseUrl').inputValue()).toBe(editor.sim.url);
		const labelled = await modal.locator('[data-test-id=credential-connection-parameter]').evaluateAll((elements) =>
			elements.map((element) => [
				element.querySelector('label')?.innerText.split('\n')[0].trim(),
				element.querySelectorAll('[data-icon=circle-help]').length,
			]),
		);
		expect(labelled.slice(0, 3)).toEqual([
			['Auth ID *', 1],
			['Auth Token *', 1],
			['Base URL', 1],
		]);
		await page.keyboard.press('Escape');
	});

	it('the credential test reports success against the simulator and a clear failure for a wrong Auth Token', async () => {
		await page.goto('/home/credentials/create');
		await page.locator('[data-test-id=new-credential-type-select]').click();
		await page.keyboard.type('Plivo');
		await page.locator('[data-test-id=new-credential-type-select-option]').filter({ hasText: 'Plivo PHLO API' }).click();
		await page.locator('[data-test-id=new-credential-type-button]').click();
		const modal = page.locator('[data-test-id=editCredential-modal]');
		const input = (name: string): Locator => modal.locator(`[data-test-id=parameter-input-${name}] input`);
		// The form fills in the defaults a moment after it opens.
		await page.waitForFunction(
			(selector) => document.querySelector<HTMLInputElement>(selector)?.value !== '',
			`${CREDENTIAL_DIALOG} [data-test-id=parameter-input-baseUrl] input`,
		);
		expect(await input('baseUrl').inputValue()).toBe('https://phlorunner.plivo.com');
		await input('authId').fill(editor.sim.authId);
		await input('authToken').fill(WRONG_TOKEN);
		await editor.screenshot('credential-new', CREDENTIAL_DIALOG);
		expect(await modal.innerText()).not.toContain(WRONG_TOKEN);

		const testAnswer = async (): Promise<{ status: string; message: string }> => {
			const answer = page.waitForResponse((response) => response.url().endsWith('/rest/credentials/test'));
			await modal.locator('[data-test-id=credential-save-button]').click();
			return ((await (await answer).json()) as { data: { status: string; message: string } }).data;
		};
		await input('authId').fill(editor.sim.authId);
		await input('authToken').fill(WRONG_TOKEN);
		await input('baseUrl').fill(editor.sim.url);
		const failed = await testAnswer();
		expect(failed).toEqual({
			status: 'Error',
			message: 'Plivo refused the Auth ID and Auth Token (HTTP 401): check both in the Plivo console',
		});
		await modal.getByText('More details').click();
		await modal.getByText(failed.message).waitFor();
		expect(await modal.innerText()).not.toContain(WRONG_TOKEN);
		await editor.screenshot('credential-wrong-token', CREDENTIAL_DIALOG);

		await input('authToken').fill(editor.sim.authToken);
		expect(await testAnswer()).toMatchObject({ status: 'OK' });
		await modal.locator('[data-test-id=credentials-config-container-test-success]').waitFor();
		await editor.screenshot('credential-tested', CREDENTIAL_DIALOG);
		await page.keyboard.press('Escape');
	});

	it('the console shows no errors but the blocked registry look-up of the picker', () => {
		expect(editor.blockedRequests.length).toBeGreaterThan(0);
		expect(editor.blockedRequests.filter((url) => !REGISTRY_LOOKUP.test(url))).toEqual([]);
		const unexpected = editor.consoleErrors.filter(
			(error) =>
				!(REGISTRY_LOOKUP.test(error.url) && error.text.startsWith('Failed to load resource')) &&
				!(N8N_MISSING_SCHEMA.test(error.url) && error.text.includes('404')),
		);
		expect(unexpected).toEqual([]);
	});
});
