import { agentWorkflow, AGENT_NODE_NAME, openAiCredential, PLIVO_TOOL_NAME } from '../support/agentWorkflows';
import { DEMO_PLIVO_NODE, DEMO_WORKFLOW_ID, demoWorkflow, SIMULATOR_CONTACTS } from '../support/demoWorkflow';
import { duration, ensureN8nRelease, isInstalled, type N8nInstall } from '../support/n8nInstall';
import { postWebhook } from '../support/n8nMain';
import { describeChoice, newestInstallable } from '../support/n8nReleases';
import { N8nInstance, expectSucceeded, nodeOutput, packPackage } from '../support/realN8n';
import { RegularN8n } from '../support/regularN8n';
import { saveFacts } from '../support/results';
import { startScriptedModel, TOOL_ANSWER_PREFIX, type ScriptedModel } from '../support/scriptedModel';
import { faultNumber, startSimulator, type Simulator } from '../support/simulator';
import { plivoCredential, webhookAddUserWorkflow } from '../support/workflows';

/**
 * `npm run test:latest`: the packed package in the n8n release the registry's `latest` tag names now, or,
 * when that release does not install from the registry (a dependency it names is missing there), in the
 * newest release of the same major that does. A smoke test of the main uses: the demo workflow, a
 * destination Plivo refuses, the node as an AI Agent's tool, and a published webhook workflow. It prints
 * which release it tested and why on one line, and keeps that in `.cache/results/latest-n8n.json`.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FAULT_WORKFLOW = 'wfLatestFault1';
const AGENT_WORKFLOW = 'wfLatestAgent1';
const WEBHOOK_WORKFLOW = 'wfLatestHook01';
const WEBHOOK_PATH = 'latest-add-user';
const ALLOWED_TO = '+14155550123';
const say = (text: string) => process.stderr.write(`${text}\n`);

let install: N8nInstall;
let sim: Simulator;
let model: ScriptedModel;
let n8n: N8nInstance;
let tarball: string;
const plivo = () => plivoCredential('plivoLatest01', sim.credentials);

beforeAll(async () => {
	let started = Date.now();
	const choice = await newestInstallable({ isInstalled, log: say });
	const resolvedMs = Date.now() - started;
	const cached = isInstalled(choice.spec.n8n);
	started = Date.now();
	install = await ensureN8nRelease(choice.line, choice.spec, say);
	const installMs = Date.now() - started;
	const line = describeChoice(choice);
	say(`\n${line} [release found in ${duration(resolvedMs)}; ${cached ? 'install cached' : `installed in ${duration(installMs)}`}]\n`);
	saveFacts('latest-n8n', {
		summary: line,
		tag: choice.tag,
		tagged: choice.tagged,
		tested: choice.spec.n8n,
		node: choice.spec.node,
		line: choice.line,
		refused: choice.refused,
		resolvedMs,
		install: cached ? 'cached' : { ms: installMs },
		date: new Date().toISOString(),
	});

	sim = await startSimulator();
	model = await startScriptedModel();
	tarball = await packPackage();
	n8n = await N8nInstance.create(install, tarball);
	const openAi = openAiCredential('openAiLatest1', model.baseUrl);
	await n8n.importCredentials([plivo(), openAi]);
	await n8n.importWorkflows([
		demoWorkflow(plivo()),
		demoWorkflow(plivo(), [{ name: 'Refused by Plivo', phone: faultNumber('0400'), agent: '+14155550000' }], undefined, FAULT_WORKFLOW),
		agentWorkflow(AGENT_WORKFLOW, { plivo: plivo(), openAi, prompt: `Call the customer at ${ALLOWED_TO} into the call centre.` }),
	]);
}, 60 * 60_000);

afterEach(() => {
	sim.reset();
	model.reset();
});

afterAll(async () => {
	n8n?.dispose();
	await model?.close();
	await sim?.close();
});


it('runs the demo workflow: every contact that is a number or SIP URI is added, the other fails alone', async () => {
	const result = await n8n.execute(DEMO_WORKFLOW_ID);
	expectSucceeded(result);
	const items = nodeOutput(result.execution, DEMO_PLIVO_NODE);
	expect(items.map((item) => item.pairedItem)).toEqual(SIMULATOR_CONTACTS.map((_, item) => ({ item })));
	expect(items.slice(0, 3).map((item) => item.json)).toEqual(Array.from({ length: 3 }, () => ({ api_id: expect.stringMatching(UUID), error: '' })));
	expect(items[3].json.error).toMatch(/^To "call me maybe" is not a phone number or SIP URI.*\[item 3\]$/);
	expect(sim.filter({ route: 'multiPartyCall.dial' }).map((request) => request.to)).toEqual(['+14155550101', '+442079460958', 'sip:alan@example.com']);
});

it('a destination Plivo refuses (HTTP 400) is rejected, with Plivo’s reason, and sent once', async () => {
	const result = await n8n.execute(FAULT_WORKFLOW);
	expectSucceeded(result);
	const [item] = nodeOutput(result.execution, DEMO_PLIVO_NODE);
	expect(item.json.error).toMatch(/^Plivo PHLO error \(HTTP 400\) \[item 0\]: invalid destination number \(outcome: rejected; to: \+19995550400;/);
	expect(sim.count({ to: faultNumber('0400') })).toBe(1);
});

it('as an AI Agent’s tool, the number the model asks for is dialled once and the model receives Plivo’s answer', async () => {
	model.toolCalls = [{ to: ALLOWED_TO }];
	const result = await n8n.execute(AGENT_WORKFLOW);
	expectSucceeded(result);
	expect(sim.filter({ route: 'multiPartyCall.dial' }).map((request) => request.to)).toEqual([ALLOWED_TO]);
	const toolResults = model.toolResults();
	expect(toolResults.map((text) => JSON.parse(text) as unknown)).toEqual([[{ api_id: expect.stringMatching(UUID), error: '' }]]);
	expect(nodeOutput(result.execution, AGENT_NODE_NAME)[0].json.output).toBe(`${TOOL_ANSWER_PREFIX}${toolResults.join('\n')}`);
	expect(result.execution?.data.resultData.runData[PLIVO_TOOL_NAME]).toHaveLength(1);
});

it('a published webhook workflow answers each request with Plivo’s answer, one execution each', async () => {
	const main = new RegularN8n({ install, tarball });
	try {
		await main.boot([plivo()], [webhookAddUserWorkflow(WEBHOOK_WORKFLOW, WEBHOOK_PATH, plivo(), {}, 'lastNode')]);
		const answer = await postWebhook(`${main.url}/webhook/${WEBHOOK_PATH}`, { to: '+14155550177' });
		expect(answer.status).toBe(200);
		expect(JSON.parse(answer.body)).toEqual({ api_id: expect.stringMatching(UUID), error: '' });
		const executions = await main.waitForExecutions(WEBHOOK_WORKFLOW, 1, 60_000);
		expect(executions.map((execution) => execution.status)).toEqual(['success']);
		expect(sim.filter({ route: 'multiPartyCall.dial' }).map((request) => request.to)).toEqual(['+14155550177']);
	} finally {
		await main.stop();
	}
});
