/**
 * `npm run dev`: n8n's editor on http://localhost:5678 with the packed package installed, the PHLO
 * simulator running, and a credential and an example workflow pointing at it. Ctrl-C stops everything.
 */
import { ensureN8n, N8nInstance, packPackage } from '../test/support/realN8n';
import { addUserParameters, codeNode, manualTrigger, plivoCredential, plivoNode, workflow } from '../test/support/workflows';
import { DEMO_NODE_ID, DEMO_PHLO_ID, startSimulator } from '../test/support/simulator';

async function main(): Promise<void> {
	const say = (text: string) => process.stdout.write(`${text}\n`);
	const port = Number(process.env.N8N_PORT ?? 5678);
	const install = await ensureN8n('2.x', say);
	say('Building and packing n8n-nodes-plivo-phlo, then installing it into a fresh n8n user folder (~/.n8n/nodes)…');
	const n8n = await N8nInstance.create(install, await packPackage());
	const sim = await startSimulator({ port: Number(process.env.SIMULATOR_PORT ?? 0) });
	const credential = plivoCredential('plivoDev00001', sim.credentials);
	await n8n.importCredentials([credential]);
	await n8n.importWorkflows([
		workflow(
			'plivoPhloDev001',
			[
				manualTrigger(),
				codeNode('CRM contacts', [
					{ name: 'Ada Lovelace', phone: '+14155550101', agent: '+14155550000' },
					{ name: 'Alan Turing', phone: 'sip:alan@example.com', agent: '+14155550000' },
				]),
				plivoNode('Plivo PHLO', credential, addUserParameters()),
			],
			[
				['Start', 'CRM contacts'],
				['CRM contacts', 'Plivo PHLO'],
			],
		),
	]);
	say(`Starting n8n ${install.n8nVersion} on port ${port}…`);
	const server = await n8n.startServer(port);
	sim.onRequest((request) => process.stdout.write(`simulator: ${request.method} ${request.url} ${request.body} → ${request.status}\n`));
	process.stdout.write(
		[
			'',
			`n8n ${install.n8nVersion} is running: http://localhost:${port}/workflow/plivoPhloDev001`,
			'Create the owner account on first visit; the workflow "plivoPhloDev001" and the credential "Plivo plivoDev00001" are ready.',
			`PHLO simulator: ${sim.url} (Auth ID ${sim.authId}; demo PHLO ${DEMO_PHLO_ID}, node ${DEMO_NODE_ID}; numbers +1999555CCCC inject faults, see test/support/simulator/README.md)`,
			'Ctrl-C stops n8n and the simulator.',
			'',
		].join('\n'),
	);
	const stop = async () => {
		await server.stop();
		await sim.close();
		n8n.dispose();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
	process.exitCode = 1;
});
