import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

import { plivoToolNode, TOOL_ALLOWED_DESTINATIONS } from '../support/agentWorkflows';
import { callTool, connectMcp, mcpUrl, waitForMcpEndpoint } from '../support/mcpClient';
import { bearerCredential, mcpAddUserParameters, mcpToolWorkflow } from '../support/mcpWorkflows';
import { ensureN8n, packPackage } from '../support/realN8n';
import { RegularN8n } from '../support/regularN8n';
import { recordFacts } from '../support/results';
import { startSimulator, type Simulator } from '../support/simulator';
import { plivoCredential } from '../support/workflows';

/**
 * The packed package's tool served over MCP by real n8n 2.x, driven by the official MCP TypeScript SDK's
 * client as an MCP host drives it: one n8n in regular mode with two published workflows, MCP Server
 * Trigger 2.1 → Plivo PHLO Tool (Add User, To from `$fromAI('to')`, Allowed Destinations `+1415*`, the
 * number as Deduplication Key), one open and one behind the trigger's Bearer authentication, against
 * the PHLO simulator. What the client saw is kept in `.cache/results/mcp-*.json`.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OPEN_WORKFLOW = 'wfMcpOpen0001';
const OPEN_PATH = 'plivo-phlo-tools';
const SECURED_PATH = 'plivo-phlo-tools-secured';
const TOKEN = 'mcp-bearer-token-for-the-tests-only';
/** The node's name; n8n names the MCP tool after it. */
const TOOL_NODE_NAME = 'Add customer';
const TOOL_NAME = 'Add_customer';
/** The shortest window the node accepts, so that the test can see it end. */
const WINDOW_MINUTES = 1;
const OUTSIDE_TO = '+442071838750';
/** Each test dials numbers of its own: the keys the earlier tests sent are still held. */
const customer = (index: number): string => `+1415555${String(1000 + index)}`;

/** The MCP test needs n8n 2.x: `E2E_LINES=1.x` (see real-n8n.test.ts) skips it. */
const runs = (process.env.E2E_LINES ?? '2.x').split(',').some((line) => line.trim() === '2.x');

const record = (name: string, facts: Record<string, unknown>): void => recordFacts(`mcp-${name}`, `mcp, ${name}`, facts);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

(runs ? describe : describe.skip)('Plivo PHLO as an MCP tool in real n8n 2.x, through the MCP SDK client', () => {
	let sim: Simulator;
	let n8n: RegularN8n | undefined;
	const clients: Client[] = [];

	const open = async (path: string, token?: string): Promise<Client> => {
		const client = await connectMcp(mcpUrl(n8n?.url ?? '', path), token);
		clients.push(client);
		return client;
	};
	const dialsTo = (to: string): number => sim.count({ route: 'multiPartyCall.dial', to });

	beforeAll(async () => {
		sim = await startSimulator();
		n8n = new RegularN8n({ install: await ensureN8n('2.x'), tarball: await packPackage() });
		const plivo = plivoCredential('plivoMcp00001', sim.credentials);
		const bearer = bearerCredential('bearerMcp0001', TOKEN);
		const tool = () => plivoToolNode(plivo, mcpAddUserParameters(WINDOW_MINUTES), [0, 220], TOOL_NODE_NAME);
		await n8n.boot(
			[plivo, bearer],
			[mcpToolWorkflow(OPEN_WORKFLOW, OPEN_PATH, [tool()]), mcpToolWorkflow('wfMcpBearer01', SECURED_PATH, [tool()], bearer)],
		);
		for (const path of [OPEN_PATH, SECURED_PATH]) await waitForMcpEndpoint(mcpUrl(n8n.url, path), 120_000);
	}, 30 * 60_000);

	afterEach(() => sim.reset());

	afterAll(async () => {
		await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
		await n8n?.stop();
		await sim?.close();
	});

	it('tools/list offers the tool by its node name, with the operation as description and `to` as its one argument', async () => {
		const { tools } = await (await open(OPEN_PATH)).listTools();
		record('tools-list', { tools });
		expect(tools).toEqual([
			expect.objectContaining({
				name: TOOL_NAME,
				description: 'Add a user to a multi party call in Plivo PHLO',
				inputSchema: expect.objectContaining({
					type: 'object',
					properties: { to: { type: 'string', description: 'The phone number to dial, with country code' } },
					required: ['to'],
				}),
			}),
		]);
		expect(sim.count()).toBe(0);
	});

	it('tools/call with an allowed number dials it once and returns Plivo’s api_id', async () => {
		const to = customer(1);
		const answer = await callTool(await open(OPEN_PATH), TOOL_NAME, { to });
		record('dialled', { ...answer });
		expect(answer.isError).toBe(false);
		expect(JSON.parse(answer.text)).toEqual([{ api_id: expect.stringMatching(UUID), error: '' }]);
		expect(sim.count()).toBe(1);
		expect(sim.last()?.json).toMatchObject({ action: 'call', to, role: 'customer' });
	});

	it('a number outside Allowed Destinations reaches nobody; the client gets the short refusal as an error result', async () => {
		const answer = await callTool(await open(OPEN_PATH), TOOL_NAME, { to: OUTSIDE_TO });
		record('outside-allowed-destinations', { ...answer });
		expect(answer.isError).toBe(true);
		expect(answer.text).toMatch(
			new RegExp(`^NodeOperationError: Not sent, nothing was done: To "\\${OUTSIDE_TO}" is not an allowed destination \\(allowed: \\+1415\\*\\)\\.`),
		);
		expect(answer.text).toContain(TOOL_ALLOWED_DESTINATIONS);
		expect(sim.count()).toBe(0);
	});

	it('the same call twice in one session dials once (the second is told it was skipped); after the Deduplication Window the number can be called again', async () => {
		const to = customer(2);
		const client = await open(OPEN_PATH);
		const executionsBefore = (await n8n?.executions(OPEN_WORKFLOW))?.length ?? 0;
		const firstAt = Date.now();
		const first = await callTool(client, TOOL_NAME, { to });
		const repeated = await callTool(client, TOOL_NAME, { to });
		expect(JSON.parse(first.text)).toEqual([{ api_id: expect.stringMatching(UUID), error: '' }]);
		expect(repeated).toEqual({ isError: false, text: JSON.stringify([{ skipped: 'duplicate', key: to }]) });
		expect(dialsTo(to)).toBe(1);
		// Each tool call is an execution of its own (hence a key that does not depend on the execution).
		expect(await n8n?.waitForExecutions(OPEN_WORKFLOW, executionsBefore + 2, 30_000)).toHaveLength(executionsBefore + 2);

		// A deliberate call later: once the window since the first dial has passed, the key is free again.
		await sleep(Math.max(0, firstAt + WINDOW_MINUTES * 60_000 + 1_000 - Date.now()));
		const later = await callTool(client, TOOL_NAME, { to });
		record('repeated', { first, repeated, afterTheWindow: later });
		expect(JSON.parse(later.text)).toEqual([{ api_id: expect.stringMatching(UUID), error: '' }]);
		expect(dialsTo(to)).toBe(2);
	});

	it('with Bearer authentication, a client without the token or with a wrong one is refused (403) and nobody is dialled', async () => {
		const url = mcpUrl(n8n?.url ?? '', SECURED_PATH);
		await expect(connectMcp(url)).rejects.toMatchObject({ code: 403 });
		await expect(connectMcp(url, 'not-the-token')).rejects.toMatchObject({ code: 403 });
		// A tools/call sent straight away, without a session, is refused as well.
		const direct = await fetch(url, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
			body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: TOOL_NAME, arguments: { to: customer(3) } } }),
		});
		const refusal = { status: direct.status, body: await direct.text() };
		record('bearer-refused', refusal);
		expect(refusal.status).toBe(403);
		expect(sim.count()).toBe(0);
	});

	it('with Bearer authentication and the token, tools/call dials once', async () => {
		const to = customer(4);
		const answer = await callTool(await open(SECURED_PATH, TOKEN), TOOL_NAME, { to });
		record('bearer-dialled', { ...answer });
		expect(JSON.parse(answer.text)).toEqual([{ api_id: expect.stringMatching(UUID), error: '' }]);
		expect(dialsTo(to)).toBe(1);
		expect(sim.count()).toBe(1);
	});
});
