/**
 * The official MCP TypeScript SDK's client (`Client` over `StreamableHTTPClientTransport`), as a desktop
 * assistant or any MCP host talks to n8n's MCP Server Trigger, for the tests that drive the node's tool
 * over MCP.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** The trigger's production URL: n8n serves streamable HTTP there once the workflow is published. */
export const mcpUrl = (n8nUrl: string, path: string): string => `${n8nUrl}/mcp/${path}`;

/**
 * Resolves once n8n has registered the endpoint. n8n answers its health check before it has registered
 * the webhooks of published workflows, and a GET at the endpoint answers 404 until then.
 */
export async function waitForMcpEndpoint(url: string, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const status = await fetch(url).then((answer) => answer.status, () => 0);
		if (status !== 0 && status !== 404) return;
		if (Date.now() > deadline) throw new Error(`${url} still answered ${status || 'nothing'} after ${timeoutMs} ms`);
		await new Promise((done) => setTimeout(done, 500));
	}
}

/** An MCP session with the server at `url` (initialize done); `token` goes in `Authorization: Bearer …`. */
export async function connectMcp(url: string, token?: string): Promise<Client> {
	const transport = new StreamableHTTPClientTransport(
		new URL(url),
		token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : undefined,
	);
	const client = new Client({ name: 'n8n-nodes-plivo-phlo-tests', version: '1.0.0' });
	await client.connect(transport);
	return client;
}

export interface ToolAnswer {
	isError: boolean;
	/** The result's text content, the parts joined. */
	text: string;
}

/** Calls a tool as an MCP host does when its model decides to, and reads what the model would receive. */
export async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
	const result = await client.callTool({ name, arguments: args });
	const content = Array.isArray(result.content) ? (result.content as Array<{ type: string; text?: string }>) : [];
	const text = content.map((part) => (part.type === 'text' ? (part.text ?? '') : `[${part.type}]`)).join('');
	return { isError: result.isError === true, text };
}
