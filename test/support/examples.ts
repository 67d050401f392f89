/**
 * The workflows in `examples/`, as a user gets them (Workflows → Import from File), and the set-up their
 * sticky notes ask for, done as the user does it in the editor: choose the credentials and fill in what
 * only the user knows (PHLO ID, Node ID, the agent's Trigger Source). The files leave exactly those empty;
 * `setUpAsTheUser` checks that they do, so the test notices when an example starts shipping a value.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CREDENTIAL_TYPE } from '../../nodes/PlivoPhlo/helpers/defaults';
import { OPENAI_CHAT_MODEL_TYPE, OPENAI_CREDENTIAL_TYPE, PLIVO_TOOL_TYPE } from './agentWorkflows';
import { BEARER_CREDENTIAL_TYPE, MCP_TRIGGER_TYPE } from './mcpWorkflows';
import { REPO_ROOT, type CredentialJson, type WorkflowJson } from './realN8n';
import { PLIVO_NODE_TYPE } from './workflows';

export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');

export interface ExampleNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string | null; name: string }>;
	webhookId?: string;
	onError?: string;
}

/** A workflow file as the editor exports it; an example carries no `id` (see docs in the test). */
export interface ExampleWorkflow {
	id?: string;
	name: string;
	nodes: ExampleNode[];
	connections: object;
	settings?: object;
}

/** Every example, by file name. */
export function readExamples(): Record<string, ExampleWorkflow> {
	const files = readdirSync(EXAMPLES_DIR).filter((file) => file.endsWith('.json'));
	return Object.fromEntries(files.map((file) => [file, JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as ExampleWorkflow]));
}

/** What the user chooses or types in the editor. */
export interface UserChoices {
	plivo: CredentialJson;
	phloId: string;
	nodeId: string;
	/** The agent already in the call, for the operations that ask for one and leave it to the user. */
	triggerSource: string;
	openAi?: CredentialJson;
	bearer?: CredentialJson;
}

const PLIVO_TYPES = [PLIVO_NODE_TYPE, PLIVO_TOOL_TYPE];
/** Left empty in every example for the user: the editor marks them as required until filled. */
const ALWAYS_THE_USERS = ['phloId', 'nodeId'] as const;

/** The credential a node needs in this example, by its credential type; undefined for a node that needs none. */
function credentialFor(node: ExampleNode, choices: UserChoices): [string, CredentialJson | undefined] | undefined {
	if (PLIVO_TYPES.includes(node.type)) return [CREDENTIAL_TYPE, choices.plivo];
	if (node.type === OPENAI_CHAT_MODEL_TYPE) return [OPENAI_CREDENTIAL_TYPE, choices.openAi];
	if (node.type === MCP_TRIGGER_TYPE && node.parameters.authentication === 'bearerAuth') return [BEARER_CREDENTIAL_TYPE, choices.bearer];
	return undefined;
}

/**
 * The example as the user leaves it after following its sticky notes, with `id`: the one thing only
 * the test needs, to name the workflow to `n8n publish:workflow` and `n8n execute`.
 */
export function setUpAsTheUser(example: ExampleWorkflow, id: string, choices: UserChoices): WorkflowJson {
	const nodes = example.nodes.map((node) => {
		if (node.credentials) throw new Error(`${example.name}: "${node.name}" names a credential; an example leaves the choice to the user`);
		const needed = credentialFor(node, choices);
		if (!needed) return node;
		const [type, credential] = needed;
		if (!credential) throw new Error(`${example.name}: "${node.name}" needs a ${type} credential the test did not give`);
		const parameters = { ...node.parameters };
		if (PLIVO_TYPES.includes(node.type)) {
			for (const field of ALWAYS_THE_USERS) {
				if (parameters[field] !== '') throw new Error(`${example.name}: "${node.name}" ships ${field} = ${JSON.stringify(parameters[field])}; it is the user's to fill`);
				parameters[field] = choices[field];
			}
			// An example that reads the agent from its event keeps that expression; one that cannot leaves it empty.
			if (parameters.triggerSource === '') parameters.triggerSource = choices.triggerSource;
		}
		return { ...node, parameters, credentials: { [type]: { id: credential.id, name: credential.name } } };
	});
	return { ...example, id, nodes };
}
