import type { IDataObject } from 'n8n-workflow';

import { agentToolParameters, FROM_AI_TO } from './agentWorkflows';
import type { CredentialJson, WorkflowJson } from './realN8n';
import { workflow, type NodeJson } from './workflows';

/**
 * Builders for the workflows that serve the node's tool variant over MCP: n8n's MCP Server Trigger
 * (streamable HTTP at `/mcp/<path>` once the workflow is published) with Plivo PHLO tools connected to
 * it by `ai_tool`, optionally behind the trigger's Bearer authentication.
 */

export const MCP_TRIGGER_TYPE = '@n8n/n8n-nodes-langchain.mcpTrigger';
export const MCP_TRIGGER_NAME = 'MCP Server Trigger';
export const BEARER_CREDENTIAL_TYPE = 'httpBearerAuth';

/** n8n's Bearer Auth credential: the MCP client must send `Authorization: Bearer <token>`. */
export function bearerCredential(id: string, token: string): CredentialJson {
	return { id, name: `Bearer ${id}`, type: BEARER_CREDENTIAL_TYPE, data: { token } };
}

/** The trigger (typeVersion 2.1) at `/mcp/<path>`; with `bearer`, only requests carrying its token get in. */
export function mcpTriggerNode(path: string, bearer?: CredentialJson): NodeJson & { webhookId: string } {
	return {
		id: 'mcp-server-trigger',
		name: MCP_TRIGGER_NAME,
		type: MCP_TRIGGER_TYPE,
		typeVersion: 2.1,
		position: [0, 0],
		webhookId: `6d2c1b0a-9f8e-4d7c-8b6a-${Buffer.from(path).toString('hex').padStart(12, '0').slice(-12)}`,
		parameters: bearer ? { authentication: 'bearerAuth', path } : { path },
		...(bearer ? { credentials: { [BEARER_CREDENTIAL_TYPE]: { id: bearer.id, name: bearer.name } } } : {}),
	};
}

/** MCP Server Trigger at `/mcp/<path>` offering each of `tools` (nodes of a tool type) to MCP clients. */
export function mcpToolWorkflow(id: string, path: string, tools: NodeJson[], bearer?: CredentialJson): WorkflowJson {
	return workflow(
		id,
		[mcpTriggerNode(path, bearer), ...tools],
		tools.map((tool): [string, string, 'ai_tool'] => [tool.name, MCP_TRIGGER_NAME, 'ai_tool']),
	);
}

/**
 * The Deduplication Key for an MCP tool that dials: the number itself. Every MCP tool call is an execution
 * of its own, so a key built on `$execution.id` never repeats, and an id the model makes up is new
 * whenever the model repeats a call by mistake; the number stops a second dial to the same person until
 * the Deduplication Window has passed, however the call is repeated (docs/mcp.md).
 */
export const MCP_DEDUPLICATION_KEY = `={{ ${FROM_AI_TO} }}`;

/**
 * Add User as an MCP tool: the agent tool's parameters (To from `$fromAI('to')`, a fixed Trigger Source,
 * Allowed Destinations `+1415*`) with the MCP key and a window of `windowMinutes`.
 */
export function mcpAddUserParameters(windowMinutes: number): IDataObject {
	return agentToolParameters({ deduplicationKey: MCP_DEDUPLICATION_KEY, deduplicationWindowMinutes: windowMinutes });
}
