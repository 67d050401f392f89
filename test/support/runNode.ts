import { ExecuteContext } from 'n8n-core';
import {
	createRunExecutionData,
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type IDataObject,
	type IExecuteData,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeProperties,
	type INodeTypes,
	type IRequestOptionsSimplified,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { PlivoPhloApi } from '../../credentials/PlivoPhloApi.credentials';
import { PlivoPhlo } from '../../nodes/PlivoPhlo/PlivoPhlo.node';
import { PLIVO_NODE_TYPE } from './workflows';


export interface TestCredentials extends ICredentialDataDecryptedObject {
	authId: string;
	authToken: string;
	baseUrl: string;
}

/**
 * The part of n8n's credentials helper a node meets at run time, done the way n8n's CLI does it:
 * decrypted data handed to the node, and a function `authenticate` applied to every request.
 */
class TestCredentialsHelper extends ICredentialsHelper {
	readonly decryptions: string[] = [];

	constructor(private readonly data: TestCredentials) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
	): Promise<IHttpRequestOptions> {
		const type = new PlivoPhloApi();
		if (typeName !== type.name) throw new Error(`unexpected credential type ${typeName}`);
		return await type.authenticate(credentials, requestOptions as IHttpRequestOptions);
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by the node');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: unknown,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		this.decryptions.push(type);
		return { ...this.data };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(): INodeProperties[] {
		return new PlivoPhloApi().properties;
	}
}

const nodeType = new PlivoPhlo();
const nodeTypes: INodeTypes = {
	getByName: () => nodeType,
	getByNameAndVersion: () => nodeType,
	getKnownTypes: () => ({}),
};

export type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

export interface RunOptions {
	parameters: INodeParameters | IDataObject;
	items?: IDataObject[];
	credentials: TestCredentials;
	onError?: OnError;
	abortSignal?: AbortSignal;
	/** The workflow's static data; pass the same object to several runs to keep what the node stores. */
	staticData?: IDataObject;
	/**
	 * The workflow's id. Runs of the same workflow share what the node keeps for the n8n process (its
	 * claimed keys); without one, each run is a workflow of its own.
	 */
	workflowId?: string;
	/** `n8n-nodes-plivo-phlo.plivoPhloTool` when an AI agent runs the node as a tool. */
	nodeTypeName?: string;
	/** The execution's id (default `1`): the same id twice is n8n running one execution again. */
	executionId?: string;
}

export interface RunResult {
	output: INodeExecutionData[][];
	/** How many times the node asked n8n for the decrypted credential. */
	credentialLoads: number;
}

let workflowCount = 0;

/** Runs the node's real `execute` in n8n-core's ExecuteContext, with n8n's own HTTP helpers. */
export async function runNode(options: RunOptions): Promise<RunResult> {
	const parameters =
		NodeHelpers.getNodeParameters(nodeType.description.properties, options.parameters as INodeParameters, true, false, null, nodeType.description) ?? {};
	const node: INode = {
		id: 'plivo-phlo-node',
		name: 'Plivo PHLO',
		type: options.nodeTypeName ?? PLIVO_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { plivoPhloApi: { id: 'cred-1', name: 'Plivo test account' } },
		onError: options.onError ?? 'stopWorkflow',
	};
	const workflow = new Workflow({
		id: options.workflowId ?? `wf-${++workflowCount}`,
		name: 'test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		staticData: options.staticData ?? {},
		settings: {},
	});
	const credentialsHelper = new TestCredentialsHelper(options.credentials);
	const additionalData = {
		credentialsHelper,
		executionId: options.executionId ?? '1',
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		formBaseUrl: 'http://127.0.0.1/formBaseUrl',
		formWaitingBaseUrl: 'http://127.0.0.1/formWaitingBaseUrl',
		formTestBaseUrl: 'http://127.0.0.1/formTestBaseUrl',
		webhookBaseUrl: 'http://127.0.0.1/webhookBaseUrl',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhookWaitingBaseUrl',
		webhookTestBaseUrl: 'http://127.0.0.1/webhookTestBaseUrl',
		mcpBaseUrl: 'http://127.0.0.1/mcpBaseUrl',
		mcpTestBaseUrl: 'http://127.0.0.1/mcpTestBaseUrl',
		variables: {},
		logAiEvent: () => undefined,
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		executeWorkflow: async () => {
			throw new Error('not used by the node');
		},
	} as unknown as IWorkflowExecuteAdditionalData;

	const items: INodeExecutionData[] = (options.items ?? [{}]).map((json) => ({ json }));
	const inputData = { main: [items] };
	const executeData: IExecuteData = { node, data: inputData, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'manual',
		createRunExecutionData(),
		0,
		items,
		inputData,
		executeData,
		[],
		options.abortSignal,
	);
	const output = await nodeType.execute.call(context);
	return { output, credentialLoads: credentialsHelper.decryptions.length };
}

/** Runs the node and returns the error it throws (fails the test when it does not throw). */
export async function runNodeExpectingError(options: RunOptions): Promise<Error & IDataObject> {
	try {
		await runNode(options);
	} catch (error) {
		return error as Error & IDataObject;
	}
	throw new Error('expected the node to throw');
}
