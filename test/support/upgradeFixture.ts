/**
 * The upgrade fixture: workflows as the last release saved them (every operation, every option set away
 * from its default, expressions, the AI Agent tool and the MCP tool), each with the requests that release
 * sent to the PHLO simulator when it ran them, and the parameters its description offered. Made by
 * `scripts/release-fixture.ts`; replayed on the current code in n8n-core (`test/unit/upgrade.test.ts`)
 * and in real n8n after an update through n8n's installer (`test/release/`). A saved workflow holds
 * only the values that differ from the defaults, as n8n's editor saves them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { NodeHelpers, type IDataObject, type INode, type INodeExecutionData, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';

import { REPO_ROOT, type CredentialJson, type WorkflowJson } from './realN8n';
import type { RecordedRequest } from './simulator';
import { PLIVO_NODE_TYPE, type NodeJson } from './workflows';

/** How the fixture's Plivo PHLO node is run: after a Manual Trigger and a Code node, by an AI Agent, or by an MCP client. */
export type CaseKind = 'node' | 'agentTool' | 'mcpTool';

export interface SentRequest {
	method: string;
	path: string;
	body: unknown;
}

/** What happened to each input item: Plivo's answer, a skip (deduplication) or an error. */
export type Outcome = 'answered' | 'skipped' | 'error';

export interface FixtureCase {
	name: string;
	kind: CaseKind;
	/** The Code node's items (`node`), or the arguments of each tool call (the model's or the MCP client's). */
	items: IDataObject[];
	workflow: WorkflowJson;
	/** What the release sent, in the order the simulator recorded it. */
	requests: SentRequest[];
	outcomes: Outcome[];
}

/** One parameter as a saved workflow depends on it: its type, the values a saved `options` field may hold, a collection's options. */
export interface ParameterShape {
	type: string;
	values?: string[];
	options?: Record<string, ParameterShape>;
}

/** Per `resource.operation`, every parameter the panel shows, by name. */
export type ParameterContract = Record<string, Record<string, ParameterShape>>;

export interface UpgradeFixture {
	release: { version: string; commit: string };
	node: { name: string; version: number | number[]; usableAsTool: boolean; credentials: string[] };
	parameters: ParameterContract;
	credential: CredentialJson;
	cases: FixtureCase[];
}

export const FIXTURE_FILE = join(REPO_ROOT, 'test', 'fixtures', 'upgrade', 'saved-workflows.json');
/** The credential the fixture's workflows name; its data is the simulator's, filled in when it is used. */
export const FIXTURE_CREDENTIAL_ID = 'plivoUpgrade001';
export const FIXTURE_TOOL_TYPE = `${PLIVO_NODE_TYPE}Tool`;

export function loadUpgradeFixture(): UpgradeFixture {
	return JSON.parse(readFileSync(FIXTURE_FILE, 'utf8')) as UpgradeFixture;
}

/** The Plivo PHLO node of a fixture workflow (the node itself or its tool variant). */
export function plivoNodeOf(workflow: WorkflowJson): NodeJson & { parameters: IDataObject } {
	const node = (workflow.nodes as NodeJson[]).find((candidate) => candidate.type === PLIVO_NODE_TYPE || candidate.type === FIXTURE_TOOL_TYPE);
	if (!node) throw new Error(`workflow ${workflow.id} has no Plivo PHLO node`);
	return node as NodeJson & { parameters: IDataObject };
}

/** The requests the simulator recorded, as compared across releases: method, path, parsed body. */
export function sentRequests(requests: readonly RecordedRequest[]): SentRequest[] {
	return requests.map((request) => ({ method: request.method, path: request.path, body: request.json ?? null }));
}

/** Requests in a fixed order, so that items sent side by side (Concurrency) compare equal whatever their order. */
export function sorted(requests: SentRequest[]): SentRequest[] {
	return [...requests].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

export function outcomesOf(items: INodeExecutionData[] | Array<{ json: Record<string, unknown> }>): Outcome[] {
	return items.map(({ json }) => (json.skipped ? 'skipped' : json.error ? 'error' : 'answered'));
}

function shapeOf(property: INodeProperties): ParameterShape {
	const shape: ParameterShape = { type: property.type };
	const choices = (property.options ?? []) as Array<{ value?: unknown; name: string; type?: string; values?: INodeProperties[] }>;
	if (property.type === 'options' || property.type === 'multiOptions') shape.values = choices.map((choice) => String(choice.value));
	if (property.type === 'collection') shape.options = Object.fromEntries(choices.map((choice) => [choice.name, shapeOf(choice as INodeProperties)]));
	if (property.type === 'fixedCollection') {
		shape.options = Object.fromEntries(
			choices.map((choice) => [choice.name, { type: 'values', options: Object.fromEntries((choice.values ?? []).map((value) => [value.name, shapeOf(value)])) }]),
		);
	}
	return shape;
}

/**
 * What a saved workflow of `typeVersion` depends on in a node description: for each resource and
 * operation, the parameters n8n shows (and so reads and saves), by name, with their types, the values
 * of option fields and the options of collections. Notices are left out: nothing of them is saved.
 */
export function parameterContract(description: INodeTypeDescription, typeVersion: number): ParameterContract {
	const node = { typeVersion, parameters: {} } as unknown as INode;
	const shown = (values: Record<string, string>): INodeProperties[] =>
		description.properties.filter((property) => property.type !== 'notice' && NodeHelpers.displayParameter(values, property, node, description));
	const resource = shown({}).find((property) => property.name === 'resource');
	const contract: ParameterContract = {};
	for (const resourceValue of shapeOf(resource ?? ({ type: 'options', options: [] } as unknown as INodeProperties)).values ?? []) {
		const operation = shown({ resource: resourceValue }).find((property) => property.name === 'operation');
		for (const operationValue of operation ? (shapeOf(operation).values ?? []) : []) {
			const parameters = shown({ resource: resourceValue, operation: operationValue });
			contract[`${resourceValue}.${operationValue}`] = Object.fromEntries(parameters.map((property) => [property.name, shapeOf(property)]));
		}
	}
	return contract;
}

/**
 * What a saved workflow needs and no longer finds: each parameter, option or option value of the old
 * contract that is gone, or whose type changed, one line each (`multiPartyCall.addUser: options.timeout is gone`).
 */
export function missingFromContract(old: ParameterContract, current: ParameterContract): string[] {
	const problems: string[] = [];
	const compare = (where: string, path: string, before: ParameterShape, now: ParameterShape | undefined): void => {
		if (!now) return void problems.push(`${where}: ${path} is gone`);
		if (now.type !== before.type) return void problems.push(`${where}: ${path} was ${before.type}, is ${now.type}`);
		for (const value of before.values ?? []) if (!now.values?.includes(value)) problems.push(`${where}: ${path} no longer offers "${value}"`);
		for (const [name, option] of Object.entries(before.options ?? {})) compare(where, `${path}.${name}`, option, now.options?.[name]);
	};
	for (const [operation, parameters] of Object.entries(old)) {
		if (!current[operation]) {
			problems.push(`${operation}: the operation is gone`);
			continue;
		}
		for (const [name, shape] of Object.entries(parameters)) compare(operation, name, shape, current[operation][name]);
	}
	return problems;
}
