import { sleep, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { MAX_DEDUPLICATION_WINDOW_MINUTES, OPTION_DEFAULTS } from '../helpers/defaults';
import type { Audience } from '../helpers/nodeErrors';
import { parsePaceSettings } from '../helpers/paceSettings';
import { createParameterReader, isParameterSet, type ItemParameters } from '../helpers/parameters';
import { parseNumberOption } from '../helpers/validation';
import { processDeduplication } from '../storage/inProcess';
import { N8nDatabaseStore } from '../storage/n8nDatabase';
import { StaticDataStore } from '../storage/staticData';
import { PhloTransport } from '../transport';
import type { PhloOperation } from './node.type';
import { createItemSender, type Deduplication } from './sendItem';

/** What the router needs of a run: how many items may be in flight, and how to send one. */
export interface Run {
	concurrency: number;
	/** As an AI agent's tool the node answers in short messages. */
	audience: Audience;
	sendItem(itemIndex: number): Promise<INodeExecutionData>;
	/** Ends the run's share of what this process holds for every execution (pacing, claimed keys). */
	close(): void;
}

const userKeyOf = (parameters: ItemParameters): string =>
	String(parameters('options.deduplicationKey', OPTION_DEFAULTS.deduplicationKey) ?? '').trim();

/**
 * Deduplication for this run, when the Deduplication Key option is set or the shared store is
 * chosen. In the shared store an item without a key of its own is keyed by its place in this
 * execution, so an execution that n8n runs again after its worker died (n8n 1.x re-runs a stalled
 * job once) skips what the first attempt sent.
 */
function openDeduplication(context: IExecuteFunctions, settings: ItemParameters): Deduplication | undefined {
	const node = context.getNode();
	const scope = `${context.getWorkflow().id}:${node.id}`;
	const hasUserKey = isParameterSet(node.parameters, 'options.deduplicationKey');
	if (settings('options.deduplicationStore', OPTION_DEFAULTS.deduplicationStore) === 'n8nDatabase') {
		const place = `execution:${context.getExecutionId()}:${node.id}:${context.getWorkflowDataProxy(0).$runIndex}`;
		const store = new N8nDatabaseStore(context.helpers, scope, async (ms) => await sleep(ms), hasUserKey);
		return { store, keyOf: (itemIndex, parameters) => userKeyOf(parameters) || `${place}:${itemIndex}` };
	}
	if (!hasUserKey) return undefined;
	const minutes = parseNumberOption(
		'deduplicationWindowMinutes',
		settings('options.deduplicationWindowMinutes', OPTION_DEFAULTS.deduplicationWindowMinutes),
		1,
		MAX_DEDUPLICATION_WINDOW_MINUTES,
	);
	const keysOf = () => processDeduplication.keysOf(scope);
	const store = new StaticDataStore(context.getWorkflowStaticData('node'), keysOf, minutes, () => Date.now());
	return { store, keyOf: (_, parameters) => userKeyOf(parameters) };
}

async function open(context: IExecuteFunctions, operation: PhloOperation, audience: Audience): Promise<Run> {
	const parametersOf = createParameterReader(context);
	const settings = parametersOf(0);
	const concurrency = parseNumberOption('concurrency', settings('options.concurrency', OPTION_DEFAULTS.concurrency), 1);
	const pace = parsePaceSettings(
		settings('options.maxRequestsPerSecond', OPTION_DEFAULTS.maxRequestsPerSecond),
		settings('options.maxWaitSeconds', OPTION_DEFAULTS.maxWaitSeconds),
	);
	// Each step that holds something in this process comes after every step that can fail before it,
	// and a later failure undoes it: a run that cannot open leaves nothing joined or attached.
	const transport = await PhloTransport.open(context, pace);
	let deduplication: Deduplication | undefined;
	let opened = false;
	try {
		deduplication = openDeduplication(context, settings);
		opened = true;
	} finally {
		if (!opened) transport.close();
	}
	const dryRun = settings('options.dryRun', OPTION_DEFAULTS.dryRun) === true;
	const sendItem = createItemSender(context, operation, { parametersOf, transport, deduplication, dryRun });
	const close = () => {
		transport.close();
		deduplication?.store.close();
	};
	return { concurrency: Math.floor(concurrency), audience, sendItem, close };
}

/**
 * Reads what holds for the whole run from the first item (pacing and deduplication cannot differ per
 * item) and opens the transport. When that fails, every item fails with the same error, which the
 * router turns into each item's n8n error.
 */
export async function openRun(context: IExecuteFunctions, operation: PhloOperation): Promise<Run> {
	const audience: Audience = context.getNode().type.endsWith('Tool') ? 'tool' : 'person';
	return await open(context, operation, audience).catch(
		(error: unknown): Run => ({ concurrency: 1, audience, sendItem: async () => await Promise.reject(error), close: () => undefined }),
	);
}
