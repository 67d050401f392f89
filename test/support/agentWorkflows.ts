import type { IDataObject } from 'n8n-workflow';

import type { CredentialJson, WorkflowJson } from './realN8n';
import { DEMO_PHLO_ID } from './simulator';
import { addUserParameters, manualTrigger, PLIVO_NODE_TYPE, plivoNode, workflow, type NodeJson } from './workflows';

/**
 * Builders for the workflows that use the node as an AI agent's tool: Manual Trigger → AI Agent, with
 * n8n's OpenAI Chat Model as its language model and Plivo PHLO (Add User, or Run PHLO) as its tool.
 */

/** The node's tool variant, which n8n makes from `usableAsTool: true`: the node's type with `Tool` appended. */
export const PLIVO_TOOL_TYPE = `${PLIVO_NODE_TYPE}Tool`;
export const AGENT_NODE_TYPE = '@n8n/n8n-nodes-langchain.agent';
export const OPENAI_CHAT_MODEL_TYPE = '@n8n/n8n-nodes-langchain.lmChatOpenAi';

export const AGENT_NODE_NAME = 'AI Agent';
export const MODEL_NODE_NAME = 'OpenAI Chat Model';
export const PLIVO_TOOL_NAME = 'Plivo PHLO';

/** The `$fromAI()` the tool's To is filled with; the model sees `to` in the tool's JSON schema with this description. */
export const FROM_AI_TO = "$fromAI('to', 'The phone number to dial, with country code', 'string')";
export const TOOL_TRIGGER_SOURCE = '+14155550100';
export const TOOL_ALLOWED_DESTINATIONS = '+1415*';
/** One call per number per execution: an agent that calls the tool again for the same number is told it was skipped. */
export const TOOL_DEDUPLICATION_KEY = `={{ $execution.id }}:{{ ${FROM_AI_TO} }}`;

export const OPENAI_CREDENTIAL_TYPE = 'openAiApi';

/** n8n's OpenAI credential pointed at an OpenAI-compatible server, e.g. the scripted model's `baseUrl`. */
export function openAiCredential(id: string, url: string, apiKey = 'sk-scripted-model-not-a-secret'): CredentialJson {
	return { id, name: `OpenAI ${id}`, type: OPENAI_CREDENTIAL_TYPE, data: { apiKey, url } };
}

type Position = [number, number];

export function agentNode(prompt: string, position: Position = [240, 0], name = AGENT_NODE_NAME): NodeJson {
	return {
		id: 'ai-agent',
		name,
		type: AGENT_NODE_TYPE,
		typeVersion: 3.1,
		position,
		parameters: { promptType: 'define', text: prompt, options: {} },
	};
}

export function openAiChatModelNode(credential: CredentialJson, position: Position = [240, 220], name = MODEL_NODE_NAME): NodeJson {
	return {
		id: 'openai-chat-model',
		name,
		type: OPENAI_CHAT_MODEL_TYPE,
		typeVersion: 1.2,
		position,
		parameters: { model: { __rl: true, mode: 'list', value: 'gpt-4o-mini' }, options: {} },
		credentials: { [OPENAI_CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
	};
}

/**
 * Add User on the simulator's demo PHLO with To from the model (`$fromAI`), a fixed Trigger Source,
 * Allowed Destinations `+1415*` and a Deduplication Key; `options` adds to or replaces those options.
 */
export function agentToolParameters(options: IDataObject = {}): IDataObject {
	return addUserParameters({
		to: `={{ ${FROM_AI_TO} }}`,
		triggerSource: TOOL_TRIGGER_SOURCE,
		options: { allowedDestinations: TOOL_ALLOWED_DESTINATIONS, deduplicationKey: TOOL_DEDUPLICATION_KEY, ...options },
	});
}

/** The `$fromAI()` a Run PHLO tool's Payload is filled with: the model passes a JSON object, or JSON text. */
const FROM_AI_PAYLOAD = "$fromAI('payload', 'The values the PHLO expects, as a JSON object, e.g. to and from numbers', 'json')";

/** Run PHLO on the simulator's demo PHLO with the payload from the model (`$fromAI`) and Allowed Destinations `+1415*`. */
export function runPhloToolParameters(): IDataObject {
	return {
		resource: 'phlo',
		operation: 'run',
		phloId: DEMO_PHLO_ID,
		payload: `={{ ${FROM_AI_PAYLOAD} }}`,
		options: { allowedDestinations: TOOL_ALLOWED_DESTINATIONS },
	};
}

/** The Plivo PHLO node as a tool: its tool type, connected to the agent by `ai_tool`. */
export function plivoToolNode(credential: CredentialJson, parameters: IDataObject = agentToolParameters(), position: Position = [380, 220], name = PLIVO_TOOL_NAME) {
	return { ...plivoNode(name, credential, parameters), type: PLIVO_TOOL_TYPE, position };
}

/**
 * Manual Trigger → AI Agent (prompt `prompt`), with the OpenAI Chat Model on `openAi` and Plivo PHLO
 * Add User on `plivo` as its tool (`toolParameters`, by default `agentToolParameters()`).
 */
export function agentWorkflow(
	id: string,
	setup: { plivo: CredentialJson; openAi: CredentialJson; prompt: string; toolParameters?: IDataObject; name?: string },
): WorkflowJson {
	const trigger = { ...manualTrigger(), position: [0, 0] as Position };
	const built = workflow(
		id,
		[trigger, agentNode(setup.prompt), openAiChatModelNode(setup.openAi), plivoToolNode(setup.plivo, setup.toolParameters)],
		[
			[trigger.name, AGENT_NODE_NAME],
			[MODEL_NODE_NAME, AGENT_NODE_NAME, 'ai_languageModel'],
			[PLIVO_TOOL_NAME, AGENT_NODE_NAME, 'ai_tool'],
		],
	);
	return { ...built, name: setup.name ?? id };
}
