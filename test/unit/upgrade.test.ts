import { PlivoPhlo } from '../../nodes/PlivoPhlo/PlivoPhlo.node';
import { assertCommitPresent, PREVIOUS_RELEASE } from '../support/previousRelease';
import { useMemoryProcessedData } from '../support/processedData';
import { runNode } from '../support/runNode';
import { startSimulator, type Simulator } from '../support/simulator';
import {
	FIXTURE_TOOL_TYPE,
	loadUpgradeFixture,
	missingFromContract,
	outcomesOf,
	parameterContract,
	plivoNodeOf,
	sentRequests,
	sorted,
} from '../support/upgradeFixture';

/**
 * Upgrade safety: workflows saved by the last release (test/fixtures/upgrade, made by
 * scripts/release-fixture.ts) run on this code in n8n-core and send Plivo exactly what that release
 * sent, and every parameter, option and option value they can hold still exists with its type. A
 * rename or removal fails here: keep the old name, or add a node version (CONTRIBUTING.md, "Releasing").
 */

const fixture = loadUpgradeFixture();
const { description } = new PlivoPhlo();
let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator();
});

afterAll(async () => {
	await sim.close();
});

describe(`workflows saved by release ${fixture.release.version}`, () => {
	it.each(fixture.cases.map((saved) => [saved.name, saved] as const))('%s: the same requests reach Plivo', async (_name, saved) => {
		await useMemoryProcessedData();
		sim.reset();
		const { output } = await runNode({
			parameters: plivoNodeOf(saved.workflow).parameters,
			items: saved.items,
			credentials: sim.credentials,
			workflowId: saved.workflow.id,
			...(saved.kind === 'node' ? {} : { nodeTypeName: FIXTURE_TOOL_TYPE }),
		});
		expect(sorted(sentRequests(sim.requests))).toEqual(sorted(saved.requests));
		expect(outcomesOf(output[0] ?? [])).toEqual(saved.outcomes);
	});
});

describe(`the node description keeps what release ${fixture.release.version} saved`, () => {
	it('the same node type, credential and tool variant, and version 1 still offered', () => {
		const versions = ([] as number[]).concat(description.version);
		expect({
			name: description.name,
			usableAsTool: description.usableAsTool === true,
			credentials: (description.credentials ?? []).map((entry) => entry.name),
			offersVersion1: versions.includes(1),
		}).toEqual({ name: fixture.node.name, usableAsTool: fixture.node.usableAsTool, credentials: fixture.node.credentials, offersVersion1: true });
	});

	it('every operation, parameter, option and option value of version 1 is still there with the same type', () => {
		expect(missingFromContract(fixture.parameters, parameterContract(description, 1))).toEqual([]);
	});

	it('the check sees a renamed parameter, option and option value', () => {
		const renamed = structuredClone(fixture.parameters);
		const addUser = renamed['multiPartyCall.addUser'];
		addUser.destination = addUser.to;
		delete addUser.to;
		const options = addUser.options.options ?? {};
		options.requestTimeout = options.timeout;
		delete options.timeout;
		options.deduplicationStore.values = ['staticData', 'database'];
		expect(missingFromContract(fixture.parameters, renamed)).toEqual([
			'multiPartyCall.addUser: to is gone',
			'multiPartyCall.addUser: options.deduplicationStore no longer offers "n8nDatabase"',
			'multiPartyCall.addUser: options.timeout is gone',
		]);
	});
});

describe('the previous release', () => {
	it('is the release the fixture was made from, and its commit is in the history (or the rehearsal says what to fetch)', async () => {
		expect(fixture.release).toEqual(PREVIOUS_RELEASE);
		await expect(assertCommitPresent(PREVIOUS_RELEASE.commit)).resolves.toBeUndefined();
		await expect(assertCommitPresent('0'.repeat(40))).rejects.toThrow(/is not in this clone's history \(a shallow clone\?\)\. Fetch the whole history/);
	});
});
