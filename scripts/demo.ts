/**
 * `npm run demo`: the packed package in a real n8n, exactly as a user installs it, running an example
 * workflow (Manual Trigger → CRM contacts → Plivo PHLO "Add User") with n8n's CLI. Against the local
 * PHLO simulator unless PLIVO_AUTH_ID, PLIVO_AUTH_TOKEN, PLIVO_PHLO_ID and PLIVO_NODE_ID are set.
 */
import { DEMO_PLIVO_NODE, DEMO_WORKFLOW_ID, demoWorkflow, SIMULATOR_CONTACTS, type Contact } from '../test/support/demoWorkflow';
import { duration, ensureN8n, N8nInstance, nodeOutput, packPackage } from '../test/support/realN8n';
import { plivoCredential } from '../test/support/workflows';
import { DEMO_NODE_ID, DEMO_PHLO_ID, startSimulator, type Simulator } from '../test/support/simulator';

const env = process.env;
const real = Boolean(env.PLIVO_AUTH_ID && env.PLIVO_AUTH_TOKEN && env.PLIVO_PHLO_ID && env.PLIVO_NODE_ID);

/** A value of n8n's output as it reads: text as it is, anything else as JSON. */
const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

async function main(): Promise<void> {
	const say = (text: string) => process.stdout.write(`${text}\n`);
	const install = await ensureN8n('2.x', say);
	say(`Using n8n ${install.n8nVersion} on Node.js ${install.nodeVersion}.`);
	let started = Date.now();
	say('Building and packing n8n-nodes-plivo-phlo, then installing it into a fresh n8n user folder (~/.n8n/nodes)…');
	const n8n = await N8nInstance.create(install, await packPackage());
	say(`  done in ${duration(Date.now() - started)}`);

	let sim: Simulator | undefined;
	try {
		let credential;
		let contacts: readonly Contact[];
		let target: { phloId: string; nodeId: string };
		if (real) {
			if (!env.PLIVO_TO || !env.PLIVO_TRIGGER_SOURCE) {
				throw new Error('Against real Plivo, also set PLIVO_TO (who to dial) and PLIVO_TRIGGER_SOURCE (the agent on the call).');
			}
			credential = plivoCredential('plivoDemo0001', {
				authId: env.PLIVO_AUTH_ID ?? '',
				authToken: env.PLIVO_AUTH_TOKEN ?? '',
				baseUrl: env.PLIVO_BASE_URL ?? 'https://phlorunner.plivo.com',
			});
			contacts = [{ name: 'Real contact', phone: env.PLIVO_TO, agent: env.PLIVO_TRIGGER_SOURCE }];
			target = { phloId: env.PLIVO_PHLO_ID ?? '', nodeId: env.PLIVO_NODE_ID ?? '' };
			say('Target: real Plivo (this dials a real phone).');
		} else {
			sim = await startSimulator();
			credential = plivoCredential('plivoDemo0001', sim.credentials);
			contacts = SIMULATOR_CONTACTS;
			target = { phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID };
			say(`Target: the PHLO simulator at ${sim.url} (no Plivo account, no network).`);
		}

		await n8n.importCredentials([credential]);
		await n8n.importWorkflows([demoWorkflow(credential, contacts, target)]);
		started = Date.now();
		say('Running the workflow Manual Trigger → CRM contacts → Plivo PHLO "Add User" with `n8n execute`…');
		const result = await n8n.execute(DEMO_WORKFLOW_ID);
		if (!result.execution) throw new Error(`n8n printed no execution:\n${result.stdout}\n${result.stderr}`);
		say(`  done in ${duration(Date.now() - started)}\n`);
		const items = nodeOutput(result.execution, DEMO_PLIVO_NODE);
		const run = result.execution.data.resultData.runData[DEMO_PLIVO_NODE][0];
		say(`Plivo PHLO "Add User" returned ${items.length} item(s) for ${contacts.length} contact(s) (execution ${result.execution.status}, node time ${run.executionTime} ms):`);
		items.forEach((item, index) => {
			const contact = contacts[index];
			const outcome = item.json.api_id ? `added      api_id ${asText(item.json.api_id)}` : `failed     ${asText(item.json.error)}`;
			say(`  ${String(index).padStart(2)}  ${contact.name.padEnd(14)} ${String(contact.phone).padEnd(22)} ${outcome}`);
		});
		say(`\nFirst item as n8n returned it: ${JSON.stringify(items[0])}`);
		if (sim) {
			const endpoints = new Set(sim.requests.map((request) => `${request.method} ${request.url}`));
			if (endpoints.size === 1) {
				say(`\nThe simulator received ${sim.count()} request(s), all ${[...endpoints][0]}:`);
				for (const request of sim.requests) say(`  ${request.body}  → ${request.status}`);
			} else {
				say(`\nThe simulator received ${sim.count()} request(s):`);
				for (const request of sim.requests) say(`  ${request.method} ${request.url}  ${request.body}  → ${request.status}`);
			}
		}
		say('\n`npm run dev` opens a workflow like this one in n8n\'s editor, with the simulator behind it.');
	} finally {
		n8n.dispose();
		await sim?.close();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
	process.exitCode = 1;
});
