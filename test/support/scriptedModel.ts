/**
 * A scripted stand-in for OpenAI's Chat Completions API on 127.0.0.1, for the tests that run the node
 * as an AI agent's tool: n8n's OpenAI Chat Model node (typeVersion 1.2) with an `openAiApi` credential
 * whose `url` is this server's `baseUrl` sends `POST /v1/chat/completions` here.
 *
 * The script: a request without a `role: "tool"` message is answered with one `tool_calls` entry for
 * the Plivo PHLO tool (its function name read from the request's `tools`) with the arguments the test
 * chose; a request holding the tool's result is answered with plain text that quotes it. A test may
 * script more than one tool call (`toolCalls`): the model then calls the tool once per turn, in order,
 * and answers with text once it holds every result. Every request is recorded, so a test can read what
 * the model received from the tool. Only Node's built-in modules are used.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SCRIPTED_MODEL_ID = 'scripted-model';
/** The text answer starts with this, followed by the tool's result verbatim. */
export const TOOL_ANSWER_PREFIX = 'The Plivo PHLO tool answered: ';

export interface ChatMessage {
	role: string;
	content?: unknown;
	tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

export interface ChatTool {
	type: string;
	function: { name: string; description?: string; parameters?: { properties?: Record<string, unknown>; required?: string[] } };
}

export interface ChatRequestBody {
	model?: string;
	messages?: ChatMessage[];
	tools?: ChatTool[];
	stream?: boolean;
}

export interface ModelRequest {
	method: string;
	path: string;
	/** The parsed JSON body, or undefined for a request without one (or with a body that is not JSON). */
	body: ChatRequestBody | undefined;
	/** Which answer it got: `tool_call`, `text`, `models`, or the reason it was refused. */
	answer: 'tool_call' | 'text' | 'models' | 'no_tool' | 'streaming' | 'bad_request' | 'not_found';
}

export interface ScriptedModel {
	/** `http://127.0.0.1:<port>/v1`: the `url` of n8n's `openAiApi` credential. */
	baseUrl: string;
	/** Every request, in order of arrival. */
	requests: ModelRequest[];
	/**
	 * The arguments of the tool calls the model makes, one per turn, before it answers with text (the
	 * test's choice; by default one call, `[{ to: '+14155550123' }]` for instance).
	 */
	toolCalls: Array<Record<string, unknown>>;
	/** Chat requests only. */
	chatRequests(): ChatRequestBody[];
	/** The content of every `role: "tool"` message the model received, in order, each tool call's result once. */
	toolResults(): string[];
	/** Forgets the recorded requests. */
	reset(): void;
	close(): Promise<void>;
}

/** The function the script calls: the only tool offered, or the one whose name mentions Plivo. */
export function pickTool(tools: ChatTool[] | undefined): ChatTool | undefined {
	if (!tools?.length) return undefined;
	if (tools.length === 1) return tools[0];
	return tools.find((tool) => /plivo/i.test(tool.function.name));
}

/** A message's content as text: OpenAI allows a string or an array of `{ type: 'text', text }` parts. */
export function contentText(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content.map((part) => (typeof part === 'object' && part && 'text' in part ? String((part as { text: unknown }).text) : '')).join('');
	}
	return content === undefined || content === null ? '' : JSON.stringify(content);
}

let sequence = 0;

function completion(message: Record<string, unknown>, finishReason: 'tool_calls' | 'stop'): Record<string, unknown> {
	sequence += 1;
	return {
		id: `chatcmpl-scripted-${sequence}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: SCRIPTED_MODEL_ID,
		choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null, ...message }, logprobs: null, finish_reason: finishReason }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

function openAiError(status: number, message: string, type: string): { status: number; body: Record<string, unknown> } {
	return { status, body: { error: { message, type, param: null, code: null } } };
}

function readBody(request: IncomingMessage): Promise<string> {
	return new Promise((resolveBody, reject) => {
		let text = '';
		request.setEncoding('utf8');
		request.on('data', (chunk: string) => (text += chunk));
		request.on('end', () => resolveBody(text));
		request.on('error', reject);
	});
}

export async function startScriptedModel(options: { toolCalls?: Array<Record<string, unknown>> } = {}): Promise<ScriptedModel> {
	const requests: ModelRequest[] = [];
	const state = { toolCalls: options.toolCalls ?? [{}] };

	const answer = (method: string, path: string, body: ChatRequestBody | undefined): { record: ModelRequest['answer']; status: number; body: unknown } => {
		if (method === 'GET' && (path === '/v1/models' || path === `/v1/models/${SCRIPTED_MODEL_ID}`)) {
			const model = { id: SCRIPTED_MODEL_ID, object: 'model', created: 1_700_000_000, owned_by: 'scripted' };
			return { record: 'models', status: 200, body: path === '/v1/models' ? { object: 'list', data: [model] } : model };
		}
		if (path !== '/v1/chat/completions') {
			return { record: 'not_found', ...openAiError(404, `${method} ${path} is not part of the script`, 'invalid_request_error') };
		}
		if (method !== 'POST') return { record: 'not_found', ...openAiError(405, `${method} is not allowed here`, 'invalid_request_error') };
		if (!body || !Array.isArray(body.messages)) {
			return { record: 'bad_request', ...openAiError(400, 'the body must be JSON with a messages array', 'invalid_request_error') };
		}
		if (body.stream) {
			// n8n's CLI does not stream; an unexpected streaming request fails loudly instead of hanging.
			return { record: 'streaming', ...openAiError(400, 'the scripted model does not stream', 'invalid_request_error') };
		}
		const toolMessages = body.messages.filter((message) => message.role === 'tool');
		if (toolMessages.length >= Math.max(1, state.toolCalls.length)) {
			const results = toolMessages.map((message) => contentText(message.content)).join('\n');
			return { record: 'text', status: 200, body: completion({ content: `${TOOL_ANSWER_PREFIX}${results}` }, 'stop') };
		}
		const tool = pickTool(body.tools);
		if (!tool) {
			const offered = (body.tools ?? []).map((candidate) => candidate.function.name).join(', ') || 'none';
			return { record: 'no_tool', status: 200, body: completion({ content: `No Plivo PHLO tool was offered (tools: ${offered}).` }, 'stop') };
		}
		const toolCall = {
			id: `call_scripted_${sequence + 1}`,
			type: 'function',
			function: { name: tool.function.name, arguments: JSON.stringify(state.toolCalls[toolMessages.length] ?? {}) },
		};
		return { record: 'tool_call', status: 200, body: completion({ tool_calls: [toolCall] }, 'tool_calls') };
	};

	const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
		const method = request.method ?? 'GET';
		const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname.replace(/\/+$/, '');
		const text = await readBody(request);
		let body: ChatRequestBody | undefined;
		try {
			body = text ? (JSON.parse(text) as ChatRequestBody) : undefined;
		} catch {
			body = undefined;
		}
		const reply = answer(method, path, body);
		requests.push({ method, path, body, answer: reply.record });
		const json = JSON.stringify(reply.body);
		response.writeHead(reply.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
		response.end(json);
	};

	const server = createServer((request, response) => {
		handle(request, response).catch((error: unknown) => {
			if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'application/json' });
			response.end(JSON.stringify({ error: { message: String(error), type: 'server_error' } }));
		});
	});
	await new Promise<void>((listening, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => listening());
	});
	const { port } = server.address() as AddressInfo;

	const chatRequests = (): ChatRequestBody[] =>
		requests.filter((request) => request.path === '/v1/chat/completions' && request.body).map((request) => request.body as ChatRequestBody);

	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		get toolCalls() {
			return state.toolCalls;
		},
		set toolCalls(value: Array<Record<string, unknown>>) {
			state.toolCalls = value;
		},
		chatRequests,
		toolResults: () => {
			const seen = new Map<string, string>();
			for (const body of chatRequests()) {
				for (const message of body.messages ?? []) {
					if (message.role === 'tool') seen.set(message.tool_call_id ?? contentText(message.content), contentText(message.content));
				}
			}
			return [...seen.values()];
		},
		reset: () => {
			requests.length = 0;
		},
		close: () =>
			new Promise<void>((closed) => {
				server.closeAllConnections();
				server.close(() => closed());
			}),
	};
}
