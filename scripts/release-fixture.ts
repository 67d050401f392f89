/**
 * `npx tsx scripts/release-fixture.ts`: makes the upgrade fixture (test/fixtures/upgrade/saved-workflows.json)
 * from the previous release (test/support/previousRelease.ts): its node description's parameters, and
 * workflows as its users saved them (each saved as n8n's editor saves it: only what differs from the
 * defaults), each run once on that release in n8n-core against the PHLO simulator, the requests recorded
 * beside it. Run it after a release, once PREVIOUS_RELEASE names the commit that was published.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join, resolve } from 'node:path';

import { NodeHelpers, type IDataObject, type INode, type INodeParameters, type INodeType } from 'n8n-workflow';

import { agentToolParameters, agentWorkflow, openAiCredential, plivoToolNode, runPhloToolParameters } from '../test/support/agentWorkflows';
import { mcpAddUserParameters, mcpToolWorkflow } from '../test/support/mcpWorkflows';
import { previousRelease } from '../test/support/previousRelease';
import type { CredentialJson, WorkflowJson } from '../test/support/realN8n';
import type * as RunNodeModule from '../test/support/runNode';
import type * as ProcessedDataModule from '../test/support/processedData';
import { DEMO_NODE_ID, DEMO_PHLO_ID, startSimulator } from '../test/support/simulator';
import {
	FIXTURE_CREDENTIAL_ID,
	FIXTURE_FILE,
	FIXTURE_TOOL_TYPE,
	outcomesOf,
	parameterContract,
	sentRequests,
	type CaseKind,
	type FixtureCase,
	type UpgradeFixture,
} from '../test/support/upgradeFixture';
import { addUserParameters, codeNode, manualTrigger, plivoCredential, plivoNode, workflow } from '../test/support/workflows';

/**
 * tsx resolves the extensionless `…/PlivoPhlo.node` that runNode.ts imports to the codex file beside the
 * source, `PlivoPhlo.node.json` (Node's order: .js, .json, then tsx's .ts); jest, which the file is
 * written for, tries .ts first. The same order here.
 */
type Resolve = (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const nodeResolve = loader._resolveFilename;
loader._resolveFilename = (request, parent, ...rest) => {
	const source = parent?.filename && request.startsWith('.') ? resolve(dirname(parent.filename), `${request}.ts`) : '';
	return source && existsSync(source) ? source : nodeResolve(request, parent, ...rest);
};

const AGENT = '+14155550100';
/** Every Deduplication Key holds the execution's id: a workflow run again in the same n8n (before and after an update) is not skipped. */
const perExecution = (key: string): string => `={{ $execution.id }}-{{ ${key} }}`;

interface Recipe {
	name: string;
	kind: CaseKind;
	parameters: IDataObject;
	items: IDataObject[];
}

const member = (operation: string, options: IDataObject, address: string): Recipe => ({
	name: `Multi-Party Call ${operation}`,
	kind: 'node',
	parameters: { resource: 'multiPartyCall', operation, phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID, memberAddress: '={{ $json.member }}', options },
	items: [{ member: address }],
});

/** Every operation, every option away from its default somewhere, values written as users write them. */
const RECIPES: Recipe[] = [
	{
		name: 'Multi-Party Call addUser, every run-wide option set, a repeated ticket',
		kind: 'node',
		parameters: addUserParameters({
			options: {
				concurrency: 3,
				maxRequestsPerSecond: 20,
				timeout: 20_000,
				deduplicationKey: perExecution('$json.ticket'),
				deduplicationWindowMinutes: 90,
				allowedDestinations: '+1415*, sip:*@example.com',
			},
		}),
		items: [
			{ phone: '+14155550101', agent: AGENT, ticket: 'T-1' },
			{ phone: 'sip:alan@example.com', agent: AGENT, ticket: 'T-2' },
			{ phone: '+14155550101', agent: AGENT, ticket: 'T-1' },
		],
	},
	{
		name: 'Multi-Party Call warmTransfer, shared-database deduplication',
		kind: 'node',
		parameters: addUserParameters({
			operation: 'warmTransfer',
			to: '+14155559999',
			role: 'agent',
			options: { maxRequestsPerSecond: 0, deduplicationStore: 'n8nDatabase', deduplicationKey: perExecution('$json.ticket') },
		}),
		items: [{ agent: AGENT, ticket: 'T-3' }],
	},
	{
		name: 'Multi-Party Call coldTransfer, every option at its default',
		kind: 'node',
		parameters: addUserParameters({ operation: 'coldTransfer', role: 'agent', to: '={{ $json.supervisor }}' }),
		items: [{ supervisor: '+14155559998', agent: AGENT }],
	},
	member('abortTransfer', { timeout: 15_000 }, '+14155559999'),
	member('hold', { concurrency: 1 }, '+14155550101'),
	member('unhold', { maxRequestsPerSecond: 5 }, '+14155550101'),
	member('hangUp', { maxRequestsPerSecond: 0 }, 'sip:alan@example.com'),
	member('resumeCall', {}, AGENT),
	member('voicemailDrop', { deduplicationKey: perExecution('$json.member') }, '+14155550102'),
	{
		name: 'Multi-Party Call get',
		kind: 'node',
		parameters: { resource: 'multiPartyCall', operation: 'get', phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID },
		items: [{}],
	},
	{
		name: 'PHLO run, payload from an expression, Allowed Destinations',
		kind: 'node',
		parameters: {
			resource: 'phlo',
			operation: 'run',
			phloId: DEMO_PHLO_ID,
			payload: '={{ JSON.stringify({ from: $json.agent, to: $json.phone, customer: $json.name }) }}',
			options: { allowedDestinations: '+1415*' },
		},
		items: [{ agent: AGENT, phone: '+14155550103', name: 'Ada' }],
	},
	{
		name: 'PHLO run, payload as JSON text',
		kind: 'node',
		parameters: { resource: 'phlo', operation: 'run', phloId: DEMO_PHLO_ID, payload: '{"from":"+14155550100","to":"+14155550104"}' },
		items: [{}],
	},
	{
		name: "PHLO get, the PHLO's console URL as PHLO ID",
		kind: 'node',
		parameters: { resource: 'phlo', operation: 'get', phloId: `https://console.plivo.com/phlo/edit/${DEMO_PHLO_ID}` },
		items: [{}],
	},
	{ name: 'AI Agent tool: Add User, To from the model', kind: 'agentTool', parameters: agentToolParameters(), items: [{ to: '+14155550123' }] },
	{
		name: 'AI Agent tool: Run PHLO, payload from the model',
		kind: 'agentTool',
		parameters: runPhloToolParameters(),
		items: [{ payload: { from: AGENT, to: '+14155550124' } }],
	},
	{ name: 'MCP tool: Add User, the number as key', kind: 'mcpTool', parameters: mcpAddUserParameters(30), items: [{ to: '+14155550125' }] },
];

const OPENAI_CREDENTIAL = openAiCredential('openAiUpgrade01', 'http://127.0.0.1:9/v1');

/** The workflow a user of the release saved, the Plivo PHLO node holding `saved`. */
function savedWorkflow(id: string, recipe: Recipe, credential: CredentialJson, saved: IDataObject): WorkflowJson {
	const named = (built: WorkflowJson): WorkflowJson => ({ ...built, name: recipe.name });
	if (recipe.kind === 'agentTool') {
		return named(agentWorkflow(id, { plivo: credential, openAi: OPENAI_CREDENTIAL, prompt: 'Do what the customer asked.', toolParameters: saved }));
	}
	if (recipe.kind === 'mcpTool') return named(mcpToolWorkflow(id, `upgrade-${id.toLowerCase()}`, [plivoToolNode(credential, saved, [0, 220], 'Add customer')]));
	return named(
		workflow(
			id,
			[manualTrigger(), codeNode('Items', recipe.items), plivoNode('Plivo PHLO', credential, saved)],
			[
				['Start', 'Items'],
				['Items', 'Plivo PHLO'],
			],
		),
	);
}

async function main(): Promise<void> {
	const release = await previousRelease();
	// The release's own code and test support, with its own n8n-core: what its users ran.
	const { runNode } = (await import(join(release.dir, 'test', 'support', 'runNode.ts'))) as typeof RunNodeModule;
	const { useMemoryProcessedData } = (await import(join(release.dir, 'test', 'support', 'processedData.ts'))) as typeof ProcessedDataModule;
	const { PlivoPhlo } = (await import(join(release.dir, 'nodes', 'PlivoPhlo', 'PlivoPhlo.node.ts'))) as { PlivoPhlo: new () => INodeType };
	const { description } = new PlivoPhlo();
	const credential = plivoCredential(FIXTURE_CREDENTIAL_ID, { authId: '', authToken: '', baseUrl: '' });

	const sim = await startSimulator();
	const cases: FixtureCase[] = [];
	try {
		for (const [index, recipe] of RECIPES.entries()) {
			const id = `upgrade${String(index + 1).padStart(7, '0')}`;
			const node = { typeVersion: 1, parameters: recipe.parameters } as unknown as INode;
			const saved = (NodeHelpers.getNodeParameters(description.properties, recipe.parameters as INodeParameters, false, false, node, description) ?? {}) as IDataObject;
			await useMemoryProcessedData();
			sim.reset();
			const { output } = await runNode({
				parameters: saved,
				items: recipe.items,
				credentials: sim.credentials,
				workflowId: id,
				...(recipe.kind === 'node' ? {} : { nodeTypeName: FIXTURE_TOOL_TYPE }),
			});
			cases.push({
				name: recipe.name,
				kind: recipe.kind,
				items: recipe.items,
				workflow: savedWorkflow(id, recipe, credential, saved),
				requests: sentRequests(sim.requests),
				outcomes: outcomesOf(output[0] ?? []),
			});
			process.stdout.write(`${recipe.name}: ${sim.requests.length} request(s), ${JSON.stringify(cases[cases.length - 1].outcomes)}\n`);
		}
	} finally {
		await sim.close();
	}

	const fixture: UpgradeFixture = {
		release: { version: release.version, commit: release.commit },
		node: {
			name: description.name,
			version: description.version,
			usableAsTool: description.usableAsTool === true,
			credentials: (description.credentials ?? []).map((entry) => entry.name),
		},
		parameters: parameterContract(description, 1),
		credential,
		cases,
	};
	mkdirSync(dirname(FIXTURE_FILE), { recursive: true });
	writeFileSync(FIXTURE_FILE, `${JSON.stringify(fixture, null, '\t')}\n`);
	process.stdout.write(`${cases.length} workflows of release ${release.version} in ${FIXTURE_FILE}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
