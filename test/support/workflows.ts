import type { IDataObject } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../../nodes/PlivoPhlo/helpers/defaults';
import type { CredentialJson, WorkflowJson } from './realN8n';
import { DEMO_NODE_ID, DEMO_PHLO_ID } from './simulator';

/** Builders for the workflows the real-n8n tests and the demo import. */

export const PLIVO_NODE_TYPE = 'n8n-nodes-plivo-phlo.plivoPhlo';

export function plivoCredential(id: string, data: { authId: string; authToken: string; baseUrl: string }): CredentialJson {
	return { id, name: `Plivo ${id}`, type: CREDENTIAL_TYPE, data };
}

export interface NodeJson {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: string;
}

let position = 0;
const at = (): [number, number] => [position++ * 220, 0];

export function manualTrigger(): NodeJson {
	return { id: 'trigger', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: at(), parameters: {} };
}

/** A Code node returning the given items, or `code` as its JavaScript. */
export function codeNode(name: string, items: Array<Record<string, unknown>> | { code: string }): NodeJson {
	const jsCode = 'code' in items ? items.code : `return ${JSON.stringify(items.map((json) => ({ json })))};`;
	return { id: name, name, type: 'n8n-nodes-base.code', typeVersion: 2, position: at(), parameters: { jsCode } };
}

export function noOp(name: string): NodeJson {
	return { id: name, name, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: at(), parameters: {} };
}

export function plivoNode(
	name: string,
	credential: CredentialJson,
	parameters: Record<string, unknown>,
	onError?: 'continueRegularOutput' | 'continueErrorOutput',
): NodeJson {
	return {
		id: name.replace(/\W+/g, '-'),
		name,
		type: PLIVO_NODE_TYPE,
		typeVersion: 1,
		position: at(),
		parameters,
		credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
		...(onError ? { onError } : {}),
	};
}

/** How one node feeds another: `main` outputs, or a sub-node's link to an AI Agent. */
type ConnectionType = 'main' | 'ai_languageModel' | 'ai_tool';
type Connections = Record<string, Partial<Record<ConnectionType, Array<Array<{ node: string; type: ConnectionType; index: number }>>>>>;

/**
 * `links`: [from, to], [from, to, fromOutput] (a `main` output other than the first), or
 * [from, to, type] (a sub-node linked to an AI Agent, e.g. `ai_tool`).
 */
export function workflow(
	id: string,
	nodes: NodeJson[],
	links: Array<[string, string] | [string, string, number] | [string, string, Exclude<ConnectionType, 'main'>]>,
): WorkflowJson {
	const connections: Connections = {};
	for (const [from, to, outputOrType = 0] of links) {
		const [type, output] = typeof outputOrType === 'number' ? (['main', outputOrType] as const) : [outputOrType, 0];
		const outputs = ((connections[from] ??= {})[type] ??= []);
		while (outputs.length <= output) outputs.push([]);
		outputs[output].push({ node: to, type, index: 0 });
	}
	return { id, name: id, nodes, connections, active: false, settings: { executionOrder: 'v1' } };
}

type DialOperation = 'addUser' | 'warmTransfer' | 'coldTransfer';
type AddUserFields = Partial<Record<'phloId' | 'nodeId' | 'to' | 'role' | 'triggerSource', string>>;

/**
 * The Add User parameters every suite, script and demo starts from: the simulator's demo PHLO, the
 * customer from `$json.phone`, on behalf of the agent in `$json.agent`. Each field can be replaced,
 * the operation by the other dialling ones (they take the same fields).
 */
export function addUserParameters(
	overrides: AddUserFields & { operation?: DialOperation; options?: IDataObject } = {},
): IDataObject {
	return {
		resource: 'multiPartyCall',
		operation: 'addUser',
		phloId: DEMO_PHLO_ID,
		nodeId: DEMO_NODE_ID,
		to: '={{ $json.phone }}',
		role: 'customer',
		triggerSource: '={{ $json.agent }}',
		...overrides,
	};
}

/**
 * A production webhook at `/webhook/<path>`; it answers as soon as it has the request, or with
 * `lastNode` once the workflow has finished (with the last node's first item).
 */
export function webhookTrigger(path: string, responseMode: 'onReceived' | 'lastNode' = 'onReceived'): NodeJson & { webhookId: string } {
	return {
		id: 'webhook',
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: at(),
		webhookId: `5e1f0a2b-0c3d-4e5f-8a9b-${Buffer.from(path).toString('hex').padStart(12, '0').slice(-12)}`,
		parameters: { httpMethod: 'POST', path, responseMode, options: {} },
	};
}

/** Webhook → Plivo PHLO Add User on the simulator's demo PHLO, `to` from the request body, unpaced. */
export function webhookAddUserWorkflow(
	id: string,
	path: string,
	credential: CredentialJson,
	options: IDataObject = {},
	responseMode: 'onReceived' | 'lastNode' = 'onReceived',
): WorkflowJson {
	return workflow(
		id,
		[
			webhookTrigger(path, responseMode),
			plivoNode(
				'Plivo PHLO',
				credential,
				addUserParameters({ to: '={{ $json.body.to }}', triggerSource: '+14155550100', options: { maxRequestsPerSecond: 0, ...options } }),
			),
		],
		[['Webhook', 'Plivo PHLO']],
	);
}

/**
 * n8n's HTTP Request node (4.2) wired as a user would for the Add User call this node makes: a Basic auth
 * credential, the body as parameters, `to` and `trigger_source` from the item (`field` names them).
 */
export function httpRequestAddUserNode(
	name: string,
	runnerUrl: string,
	basicAuth: CredentialJson,
	fields: { to: string; triggerSource: string },
	batching?: { batchSize: number; batchInterval: number },
): NodeJson {
	return {
		id: name.replace(/\W+/g, '-'),
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: at(),
		parameters: {
			method: 'POST',
			url: `${runnerUrl}/v1/phlo/${DEMO_PHLO_ID}/multi_party_call/${DEMO_NODE_ID}`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpBasicAuth',
			sendBody: true,
			contentType: 'json',
			specifyBody: 'keypair',
			bodyParameters: {
				parameters: [
					{ name: 'action', value: 'call' },
					{ name: 'to', value: fields.to },
					{ name: 'role', value: 'customer' },
					{ name: 'trigger_source', value: fields.triggerSource },
				],
			},
			options: batching ? { batching: { batch: batching } } : {},
		},
		credentials: { httpBasicAuth: { id: basicAuth.id, name: basicAuth.name } },
	};
}
