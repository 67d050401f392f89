import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { openAiCredential } from '../support/agentWorkflows';
import { EXAMPLES_DIR, readExamples, setUpAsTheUser, type ExampleWorkflow, type UserChoices } from '../support/examples';
import { callTool, connectMcp, mcpUrl, waitForMcpEndpoint } from '../support/mcpClient';
import { bearerCredential } from '../support/mcpWorkflows';
import { postWebhook } from '../support/n8nMain';
import { ensureN8n, N8nInstance, expectSucceeded, nodeOutput, packPackage, readJson, type N8nInstall } from '../support/realN8n';
import { RegularN8n } from '../support/regularN8n';
import { recordFacts } from '../support/results';
import { startScriptedModel, TOOL_ANSWER_PREFIX, type ScriptedModel } from '../support/scriptedModel';
import { DEMO_NODE_ID, DEMO_PHLO_ID, faultNumber, startSimulator, type Simulator } from '../support/simulator';
import { plivoCredential } from '../support/workflows';

/**
 * The workflows in `examples/` in real n8n 2.x (2.40.7), with the packed package installed as a user
 * installs it, against the PHLO simulator.
 *
 * The files carry no workflow `id`: the editor's Import from File gives the workflow a new one, and so
 * does `n8n import:workflow --separate --input=<folder>` (a single file, `--input=file.json`, is refused
 * on SQLite without one). The test imports the files as they are, to see what n8n keeps of them, and
 * imports each again as the user leaves it after following its sticky notes (credentials chosen,
 * PHLO ID, Node ID and the agent's number filled in), with an id of the test's choosing: the one thing
 * only the CLI needs, to name the workflow to execute or publish. Then it runs them as a user does: the
 * Manual Trigger ones with `n8n execute` (the agent's model is the scripted one on loopback), the webhook
 * and MCP ones published in a running n8n and called.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const dialled = [{ api_id: expect.stringMatching(UUID), error: '' }];
const AGENT = '+14155550100';
const TOKEN = 'examples-mcp-bearer-token-for-the-tests';

const FILES = {
	crm: 'crm-event-add-user.json',
	bulk: 'bulk-add-user.json',
	agent: 'ai-agent-tool.json',
	mcp: 'mcp-server-add-user-hang-up.json',
	/** Run by `callingHoursExample.test.ts`: it waits for a window to open. */
	callingHours: 'calling-hours-wait.json',
} as const;
const IDS = { crm: 'exampleCrmEvnt', bulk: 'exampleBulkAdd', agent: 'exampleAiAgent', mcp: 'exampleMcpSrvr', callingHours: 'exampleCallHrs' } as const;

/** The examples need n8n 2.x (AI Agent 3.1, MCP Server Trigger 2.1): `E2E_LINES=1.x` skips them. */
const runs = (process.env.E2E_LINES ?? '2.x').split(',').some((line) => line.trim() === '2.x');

const record = (name: string, facts: Record<string, unknown>): void => recordFacts(`examples-${name}`, `examples, ${name}`, facts);

/** POSTs an event as a CRM does; the answer with its `Retry-After` header (null when absent). */
async function deliverWithHeaders(url: string, body: unknown): Promise<{ status: number; retryAfter: string | null; body: string }> {
	const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
	return { status: answer.status, retryAfter: answer.headers.get('retry-after'), body: await answer.text() };
}

(runs ? describe : describe.skip)('the workflows in examples/ in real n8n 2.x', () => {
	const examples = readExamples();
	let sim: Simulator;
	let model: ScriptedModel;
	let install: N8nInstall;
	let tarball: string;
	let choices: UserChoices;

	const configured = (name: keyof typeof FILES) => setUpAsTheUser(examples[FILES[name]], IDS[name], choices);

	beforeAll(async () => {
		sim = await startSimulator();
		model = await startScriptedModel();
		install = await ensureN8n('2.x');
		tarball = await packPackage();
		choices = {
			plivo: plivoCredential('plivoExample1', sim.credentials),
			openAi: openAiCredential('openAiExampl1', model.baseUrl),
			bearer: bearerCredential('bearerExampl1', TOKEN),
			phloId: DEMO_PHLO_ID,
			nodeId: DEMO_NODE_ID,
			triggerSource: AGENT,
		};
	}, 30 * 60_000);

	afterEach(() => {
		sim.reset();
		model.reset();
	});

	afterAll(async () => {
		await model?.close();
		await sim?.close();
	});

	it('examples/ holds the five workflows, without ids or credentials', () => {
		expect(Object.keys(examples).sort()).toEqual(Object.values(FILES).sort());
		for (const example of Object.values(examples)) {
			expect(example.id).toBeUndefined();
			expect(example.nodes.filter((node) => node.credentials)).toEqual([]);
			expect(example.nodes.some((node) => node.type === 'n8n-nodes-base.stickyNote')).toBe(true);
		}
	});

	describe('imported with the CLI, Manual Trigger ones run with n8n execute', () => {
		let n8n: N8nInstance;
		let imported: ExampleWorkflow[];

		beforeAll(async () => {
			n8n = await N8nInstance.create(install, tarball);
			const { plivo, openAi } = choices;
			await n8n.importCredentials(openAi ? [plivo, openAi] : [plivo]);
			// One folder: the files as they are, beside the copies set up as the user does.
			const folder = mkdtempSync(join(n8n.userFolder, 'examples-'));
			for (const file of Object.values(FILES)) copyFileSync(join(EXAMPLES_DIR, file), join(folder, file));
			for (const workflow of [configured('bulk'), configured('agent')]) writeFileSync(join(folder, `${workflow.id}.json`), JSON.stringify(workflow));
			const importing = await n8n.cli(['import:workflow', '--separate', `--input=${folder}`]);
			if (importing.code !== 0) throw new Error(`import:workflow failed:\n${importing.stdout}\n${importing.stderr}`);
			const exported = join(n8n.userFolder, 'exported.json');
			const exporting = await n8n.cli(['export:workflow', '--all', `--output=${exported}`]);
			if (exporting.code !== 0) throw new Error(`export:workflow failed:\n${exporting.stdout}\n${exporting.stderr}`);
			imported = readJson<ExampleWorkflow[]>(exported);
		}, 30 * 60_000);

		afterAll(() => n8n?.dispose());


		it('every file imports as it is: n8n gives it an id and keeps its nodes, with no credential chosen', () => {
			const configuredIds: string[] = [IDS.bulk, IDS.agent];
			const asTheyAre = imported.filter((workflow) => !configuredIds.includes(workflow.id ?? ''));
			record('imported', { workflows: asTheyAre.map(({ id, name, nodes }) => ({ id, name, nodes: nodes.length })) });
			expect(asTheyAre.map((workflow) => workflow.name).sort()).toEqual(Object.values(examples).map((example) => example.name).sort());
			for (const workflow of asTheyAre) {
				const example = Object.values(examples).find((candidate) => candidate.name === workflow.name);
				expect(workflow.id).toMatch(/^\w{16}$/);
				expect(workflow.nodes.map((node) => [node.name, node.type, node.typeVersion])).toEqual(
					example?.nodes.map((node) => [node.name, node.type, node.typeVersion]),
				);
				expect(workflow.nodes.filter((node) => node.credentials && Object.keys(node.credentials).length)).toEqual([]);
			}
		});

		it(`${FILES.bulk}: the valid rows are dialled once each at 2 per second; the invalid row goes to "Failed rows" with its contact and the reason`, async () => {
			const result = await n8n.execute(IDS.bulk);
			expectSucceeded(result);
			const dials = sim.filter({ route: 'multiPartyCall.dial' });
			const failed = nodeOutput(result.execution, 'Failed rows').map((item) => item.json);
			const spreadMs = dials[dials.length - 1].receivedAt - dials[0].receivedAt;
			record('bulk', { dialled: dials.map((request) => request.to), spreadMs, failed });

			expect(dials.map((request) => request.to)).toEqual(['+14155550101', '+14155550102', '+14155550103', '+14155550104']);
			expect(dials.every((request) => request.status === 201)).toBe(true);
			// Max Requests per Second 2: four requests, evenly spaced, span three intervals of 500 ms.
			expect(spreadMs).toBeGreaterThanOrEqual(1_400);
			expect(nodeOutput(result.execution, 'Dialled').map((item) => item.json)).toEqual([dialled[0], dialled[0], dialled[0], dialled[0]]);
			expect(failed).toEqual([
				{ contact_id: 'C-1005', name: 'Row with a typo', phone: '555-CALL-ME', error: expect.stringMatching(/^To "555-CALL-ME" is not a phone number or SIP URI; .+ \[item 4\]$/) },
			]);
		});

		it(`${FILES.agent}: the agent's model calls the Plivo PHLO tool; the number is dialled once and the model gets Plivo's answer`, async () => {
			const to = '+14155550123';
			model.toolCalls = [{ to }];
			const result = await n8n.execute(IDS.agent);
			expectSucceeded(result);
			const [offered] = model.chatRequests()[0].tools ?? [];
			const [answer] = nodeOutput(result.execution, 'AI Agent');
			record('agent', { offered, toolResults: model.toolResults(), answer: answer.json.output });

			expect(offered.function).toMatchObject({ name: 'Plivo_PHLO', parameters: { required: ['to'] } });
			expect(sim.filter({ route: 'multiPartyCall.dial' }).map((request) => [request.to, request.json])).toEqual([
				[to, { action: 'call', to, role: 'customer', trigger_source: AGENT }],
			]);
			expect(model.toolResults().map((text) => JSON.parse(text) as unknown)).toEqual([dialled]);
			expect(answer.json.output).toBe(`${TOOL_ANSWER_PREFIX}${model.toolResults()[0]}`);
		});
	});

	describe('published in a running n8n and called', () => {
		let n8n: RegularN8n | undefined;

		beforeAll(async () => {
			n8n = new RegularN8n({ install, tarball });
			const { plivo, bearer } = choices;
			await n8n.boot(bearer ? [plivo, bearer] : [plivo], [configured('crm'), configured('mcp')]);
			await waitForMcpEndpoint(mcpUrl(n8n.url, 'plivo-phlo'), 120_000);
		}, 30 * 60_000);

		afterAll(async () => {
			await n8n?.stop();
		});

		it(`${FILES.crm}: an event dials the customer and answers with Plivo's answer; the same event again is skipped; a refused one answers 500 with the reason`, async () => {
			const url = `${n8n?.url ?? ''}/webhook/plivo-crm-event`;
			const event = { event_id: 'evt-1001', phone: '+1 415 555 0111', agent_phone: AGENT };
			const first = await postWebhook(url, event);
			const again = await postWebhook(url, event);
			const refused = await postWebhook(url, { event_id: 'evt-1002', phone: faultNumber('0400'), agent_phone: AGENT });
			record('crm', { first, again, refused });

			expect([first.status, JSON.parse(first.body)]).toEqual([200, dialled[0]]);
			expect([again.status, JSON.parse(again.body)]).toEqual([200, { skipped: 'duplicate', key: 'evt-1001' }]);
			expect(refused.status).toBe(500);
			expect(JSON.parse(refused.body)).toEqual({
				error: expect.stringMatching(/^Plivo PHLO error \(HTTP 400\) \[item 0\]: invalid destination number \(outcome: rejected;/),
			});
			expect(sim.filter({ route: 'multiPartyCall.dial' }).map((request) => [request.to, request.status])).toEqual([
				['+14155550111', 201],
				[faultNumber('0400'), 400],
			]);
		});

		it(`${FILES.crm}: events whose turn on the pace is past Max Wait for Turn are handed back, 503 with Retry-After and nothing sent; delivered again then, each is dialled once`, async () => {
			const url = `${n8n?.url ?? ''}/webhook/plivo-crm-event`;
			const events = [
				{ event_id: 'evt-2001', phone: '+14155550121', agent_phone: AGENT },
				{ event_id: 'evt-2002', phone: '+14155550122', agent_phone: AGENT },
			];
			// A 429 asking for 10 s pauses the account's pace: the retry of the event it refused, and the next event, are 10 s away, past the example's 3 s.
			sim.addFault({ fault: { type: 'rate-limited', retryAfterSeconds: 10 }, times: 1 });
			const refused = deliverWithHeaders(url, events[0]);
			const deadline = Date.now() + 30_000;
			while (sim.count({ status: 429 }) === 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
			const handedBack = [await refused, await deliverWithHeaders(url, events[1])];
			const sentMeanwhile = sim.filter({ route: 'multiPartyCall.dial' }).length;
			const waitSeconds = Math.max(...handedBack.map((answer) => Number(answer.retryAfter)));
			await new Promise((done) => setTimeout(done, waitSeconds * 1000));
			const again = [await deliverWithHeaders(url, events[0]), await deliverWithHeaders(url, events[1])];
			record('crm-hand-back', { handedBack, sentMeanwhile, again });

			for (const answer of handedBack) {
				expect(answer.status).toBe(503);
				expect(answer.retryAfter).toMatch(/^\d+$/);
				// The pause ends 10 s after the 429 was answered; the hand-backs came within a moment of it.
				expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(5);
				expect(Number(answer.retryAfter)).toBeLessThanOrEqual(11);
				expect(JSON.parse(answer.body)).toEqual({
					error: expect.stringMatching(
						new RegExp(`^The Plivo account's pace has a backlog \\[item 0\\]: .+ past Max Wait for Turn \\(3 s\\)\\. Nothing was sent: send it again in ${answer.retryAfter} s \\(`),
					),
				});
			}
			// Only the refused request reached the simulator before the events came again.
			expect(sentMeanwhile).toBe(1);
			expect(again.map((answer) => [answer.status, JSON.parse(answer.body), answer.retryAfter])).toEqual([
				[200, dialled[0], null],
				[200, dialled[0], null],
			]);
			expect(sim.filter({ route: 'multiPartyCall.dial' }).map((request) => [request.to, request.status])).toEqual([
				['+14155550121', 429],
				['+14155550121', 201],
				['+14155550122', 201],
			]);
		});

		it(`${FILES.mcp}: without the token 403; with it, the client gets both tools, dials once for a repeated call, and hangs up`, async () => {
			const url = mcpUrl(n8n?.url ?? '', 'plivo-phlo');
			await expect(connectMcp(url)).rejects.toMatchObject({ code: 403 });
			expect(sim.count()).toBe(0);

			const client = await connectMcp(url, TOKEN);
			try {
				const { tools } = await client.listTools();
				const to = '+14155550112';
				const added = await callTool(client, 'Add_customer_to_call', { to });
				const repeated = await callTool(client, 'Add_customer_to_call', { to });
				const hungUp = await callTool(client, 'Hang_up_member', { member: to });
				record('mcp', { tools, added, repeated, hungUp });

				// n8n lists the tools in no fixed order.
				const offered = tools.map((tool) => [tool.name, Object.keys(tool.inputSchema.properties ?? {})]).sort();
				expect(offered).toEqual([
					['Add_customer_to_call', ['to']],
					['Hang_up_member', ['member']],
				]);
				expect(JSON.parse(added.text)).toEqual(dialled);
				expect(JSON.parse(repeated.text)).toEqual([{ skipped: 'duplicate', key: to }]);
				expect(JSON.parse(hungUp.text)).toEqual(dialled);
				expect(sim.requests.map((request) => [request.route, request.action, request.to ?? request.memberAddress])).toEqual([
					['multiPartyCall.dial', 'call', to],
					['multiPartyCall.member', 'hangup', to],
				]);
			} finally {
				await client.close();
			}
		});
	});
});
