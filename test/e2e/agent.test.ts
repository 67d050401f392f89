import { existsSync } from 'node:fs';
import { join } from 'node:path';

import {
	AGENT_NODE_NAME,
	agentToolParameters,
	agentWorkflow,
	MODEL_NODE_NAME,
	openAiCredential,
	PLIVO_TOOL_NAME,
	runPhloToolParameters,
	TOOL_ALLOWED_DESTINATIONS,
	TOOL_TRIGGER_SOURCE,
} from '../support/agentWorkflows';
import { ensureN8n, N8nInstance, expectSucceeded, nodeOutput, packPackage, readJson } from '../support/realN8n';
import { startScriptedModel, TOOL_ANSWER_PREFIX, type ScriptedModel } from '../support/scriptedModel';
import { DEMO_PHLO_ID, faultNumber, startSimulator, type Simulator } from '../support/simulator';
import { plivoCredential } from '../support/workflows';

/**
 * The packed package in real n8n 2.x as an AI Agent's tool: AI Agent 3.1 with n8n's OpenAI Chat Model
 * 1.2 pointed at a scripted OpenAI-compatible model on loopback, and Plivo PHLO (Add User, To from
 * `$fromAI`, Allowed Destinations `+1415*`, a Deduplication Key; or Run PHLO with the payload from
 * `$fromAI`) against the PHLO simulator. The model calls the tool with the arguments the test chose, then
 * answers with what the tool returned.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ALLOWED_TO = '+14155550123';
const OUTSIDE_TO = '+442071838750';
const ALLOWED_WORKFLOW = 'wfAgentAllowed1';
const OUTSIDE_WORKFLOW = 'wfAgentOutside1';
/** Also allows the simulator's fault numbers, to see what the model receives when Plivo refuses or does not answer clearly. */
const FAULTS_WORKFLOW = 'wfAgentFaults01';
const RUN_PHLO_WORKFLOW = 'wfAgentRunPhlo1';
const LANGCHAIN_NODES = ['nodes/agents/Agent/Agent.node.js', 'nodes/llms/LMChatOpenAi/LmChatOpenAi.node.js'];

/** The agent test needs n8n 2.x: `E2E_LINES=1.x` (see real-n8n.test.ts) skips it. */
const runs = (process.env.E2E_LINES ?? '2.x').split(',').some((line) => line.trim() === '2.x');

(runs ? describe : describe.skip)('Plivo PHLO as an AI Agent tool in real n8n 2.x', () => {
	let sim: Simulator;
	let model: ScriptedModel;
	let n8n: N8nInstance;

	beforeAll(async () => {
		sim = await startSimulator();
		model = await startScriptedModel();
		const install = await ensureN8n('2.x');
		// The agent and the chat model are n8n's own nodes, shipped with n8n in @n8n/n8n-nodes-langchain.
		const langchain = join(install.dir, 'node_modules', '@n8n', 'n8n-nodes-langchain');
		const declared = readJson<{ n8n: { nodes: string[] } }>(join(langchain, 'package.json')).n8n.nodes;
		const missing = LANGCHAIN_NODES.filter((node) => !declared.includes(`dist/${node}`) || !existsSync(join(langchain, 'dist', node)));
		if (missing.length) throw new Error(`n8n ${install.n8nVersion} does not ship ${missing.join(', ')} in ${langchain}`);

		n8n = await N8nInstance.create(install, await packPackage());
		const plivo = plivoCredential('plivoAgent001', sim.credentials);
		const openAi = openAiCredential('openAiAgent01', model.baseUrl);
		await n8n.importCredentials([plivo, openAi]);
		const prompt = (to: string) => `Call the customer at ${to} into the call centre.`;
		await n8n.importWorkflows([
			agentWorkflow(ALLOWED_WORKFLOW, { plivo, openAi, prompt: prompt(ALLOWED_TO) }),
			agentWorkflow(OUTSIDE_WORKFLOW, { plivo, openAi, prompt: prompt(OUTSIDE_TO) }),
			agentWorkflow(FAULTS_WORKFLOW, {
				plivo,
				openAi,
				prompt: 'Call the customers on the list into the call centre.',
				toolParameters: agentToolParameters({ allowedDestinations: `${TOOL_ALLOWED_DESTINATIONS}, +1999555*` }),
			}),
			agentWorkflow(RUN_PHLO_WORKFLOW, {
				plivo,
				openAi,
				prompt: 'Start the follow-up PHLO for each customer on the list.',
				toolParameters: runPhloToolParameters(),
			}),
		]);
	}, 30 * 60_000);

	afterEach(() => {
		sim.reset();
		model.reset();
	});

	afterAll(async () => {
		n8n?.dispose();
		await model?.close();
		await sim?.close();
	});


	/**
	 * Runs the workflow with the model calling the tool once per entry of `toolCalls` (its arguments), in
	 * order; checks the execution succeeded and the agent answered with the tool's results; returns what
	 * the model received from the tool, one parsed result per call.
	 */
	async function runAgentWith(workflowId: string, toolCalls: Array<Record<string, unknown>>): Promise<unknown[]> {
		model.toolCalls = toolCalls;
		const result = await n8n.execute(workflowId);
		expectSucceeded(result);
		// One model turn per tool call, then the answer that quotes the tool's results.
		expect(model.requests.map((request) => `${request.method} ${request.path} → ${request.answer}`)).toEqual([
			...toolCalls.map(() => 'POST /v1/chat/completions → tool_call'),
			'POST /v1/chat/completions → text',
		]);
		const toolResults = model.toolResults();
		expect(toolResults).toHaveLength(toolCalls.length);
		const [agentItem] = nodeOutput(result.execution, AGENT_NODE_NAME);
		expect(agentItem.json.output).toBe(`${TOOL_ANSWER_PREFIX}${toolResults.join('\n')}`);
		// n8n ran its own agent and chat model nodes, and the tool once per call.
		const runData = result.execution?.data.resultData.runData ?? {};
		expect(Object.keys(runData).sort()).toEqual([AGENT_NODE_NAME, MODEL_NODE_NAME, PLIVO_TOOL_NAME, 'Start'].sort());
		expect(runData[PLIVO_TOOL_NAME]).toHaveLength(toolCalls.length);
		return toolResults.map((text) => JSON.parse(text) as unknown);
	}

	/** The model dials each of `to`, in order, through the Add User tool's `to` argument. */
	const runAgent = (workflowId: string, ...to: string[]): Promise<unknown[]> =>
		runAgentWith(workflowId, to.map((number) => ({ to: number })));

	it('an allowed number is dialled exactly once and the model receives Plivo’s api_id', async () => {
		const [toolResult] = await runAgent(ALLOWED_WORKFLOW, ALLOWED_TO);
		expect(sim.count({ route: 'multiPartyCall.dial' })).toBe(1);
		expect(sim.filter({ route: 'multiPartyCall.dial' }).map((request) => [request.status, request.body])).toEqual([
			[201, `{"action":"call","to":"${ALLOWED_TO}","role":"customer","trigger_source":"${TOOL_TRIGGER_SOURCE}"}`],
		]);
		expect(toolResult).toEqual([{ api_id: expect.stringMatching(UUID), error: '' }]);

		// What the model was offered: one tool, its `to` argument described by the $fromAI() in To.
		const [first] = model.chatRequests();
		expect(first.stream).toBeFalsy();
		expect(JSON.stringify(first.messages)).toContain(`Call the customer at ${ALLOWED_TO} into the call centre.`);
		const tools = first.tools ?? [];
		expect(tools.map((tool) => tool.function.name)).toEqual(['Plivo_PHLO']);
		expect(tools[0].function.parameters?.properties?.to).toMatchObject({
			type: 'string',
			description: 'The phone number to dial, with country code',
		});
		expect(tools[0].function.parameters?.required).toEqual(['to']);
	});

	it('a number outside Allowed Destinations reaches nobody and the model receives the short refusal', async () => {
		const [toolResult] = await runAgent(OUTSIDE_WORKFLOW, OUTSIDE_TO);
		expect(sim.count()).toBe(0);
		expect(toolResult).toEqual([
			{ error: `Not sent, nothing was done: To "${OUTSIDE_TO}" is not an allowed destination (allowed: ${TOOL_ALLOWED_DESTINATIONS}).` },
		]);
	});

	it('the same number asked for twice in one execution is dialled once; the second call is told it was skipped', async () => {
		const [first, second] = await runAgent(ALLOWED_WORKFLOW, ALLOWED_TO, ALLOWED_TO);
		expect(sim.count({ route: 'multiPartyCall.dial' })).toBe(1);
		expect(first).toEqual([{ api_id: expect.stringMatching(UUID), error: '' }]);
		// The key is `{{ $execution.id }}:{{ $fromAI('to') }}`.
		expect(second).toEqual([{ skipped: 'duplicate', key: expect.stringMatching(new RegExp(`^\\d+:\\${ALLOWED_TO}$`)) }]);
	});

	it('when Plivo refuses, and when its answer leaves the outcome unknown, the model is told plainly', async () => {
		const refused = faultNumber('0400');
		const unclear = faultNumber('0500');
		const [rejected, unknown] = await runAgent(FAULTS_WORKFLOW, refused, unclear);
		expect(sim.filter({ route: 'multiPartyCall.dial' }).map((request) => [request.to, request.status])).toEqual([
			[refused, 400],
			[unclear, 500],
		]);
		expect(rejected).toEqual([{ error: 'Refused by Plivo, nothing was done: Plivo PHLO error (HTTP 400): invalid destination number.' }]);
		expect(unknown).toEqual([
			{
				error: expect.stringMatching(
					/^Outcome unknown: Plivo PHLO answered HTTP 500 with a body that is not JSON: .+\. The call may have been placed\. Do not retry: a person must check Plivo's call logs\.$/,
				),
			},
		]);
	});

	it('Run PHLO, the payload from the model as an object or as JSON text: an allowed one is sent; one with an outside number anywhere reaches nobody and the model receives the short refusal', async () => {
		const allowed = { from: TOOL_TRIGGER_SOURCE, to: ALLOWED_TO, attempt: 1 };
		const outside = { from: TOOL_TRIGGER_SOURCE, customer: { name: 'Ada', number: OUTSIDE_TO } };
		const payloads = [allowed, outside, JSON.stringify(allowed), JSON.stringify(outside)];
		const results = await runAgentWith(RUN_PHLO_WORKFLOW, payloads.map((payload) => ({ payload })));
		expect(sim.filter({ route: 'phlo.run' }).map((request) => [request.status, request.body])).toEqual([
			[201, JSON.stringify(allowed)],
			[201, JSON.stringify(allowed)],
		]);
		expect(sim.count()).toBe(2);
		const run = [{ api_id: expect.stringMatching(UUID), phlo_id: DEMO_PHLO_ID, name: expect.any(String), message: expect.any(String) }];
		const refusal = [
			{
				error: `Not sent, nothing was done: Payload value at customer.number "${OUTSIDE_TO}" is not an allowed destination (allowed: ${TOOL_ALLOWED_DESTINATIONS}).`,
			},
		];
		expect(results).toEqual([run, refusal, run, refusal]);

		// What the model was offered: a `payload` argument described by the $fromAI() in Payload, without a type.
		const [{ tools = [] }] = model.chatRequests();
		expect(tools.map((tool) => [tool.function.name, tool.function.description])).toEqual([['Plivo_PHLO', 'Run a PHLO in Plivo PHLO']]);
		expect(tools[0].function.parameters?.properties?.payload).toEqual({
			description: 'The values the PHLO expects, as a JSON object, e.g. to and from numbers',
		});
		expect(tools[0].function.parameters?.required).toEqual(['payload']);
	});

	it('Run PHLO: a payload value holding an allowed number and an outside one (a list, full-width digits, a SIP URI in brackets) reaches nobody; the model receives the short refusal naming the number', async () => {
		const values: Array<[string, string]> = [
			[`+14155551234,${OUTSIDE_TO}`, OUTSIDE_TO],
			[`+14155551234<${OUTSIDE_TO}`, OUTSIDE_TO],
			[`+14155551234\n${OUTSIDE_TO}`, OUTSIDE_TO],
			['call +1 415 555 1234, then ＋４４ ２０ ７１８３ ８７５０', OUTSIDE_TO],
			['+14155551234 <sip:x@evil.com>', 'sip:x@evil.com'],
		];
		const results = await runAgentWith(
			RUN_PHLO_WORKFLOW,
			values.map(([to]) => ({ payload: { from: TOOL_TRIGGER_SOURCE, to } })),
		);
		expect(sim.count()).toBe(0);
		expect(results).toEqual(
			values.map(([to, refused]) => [
				{
					error: `Not sent, nothing was done: Payload value at to ${JSON.stringify(to)} holds "${refused}", which is not an allowed destination (allowed: ${TOOL_ALLOWED_DESTINATIONS}).`,
				},
			]),
		);
	});
});
