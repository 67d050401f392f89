/**
 * The workflow `npm run demo` runs and `npm run test:latest` checks: Manual Trigger → CRM contacts (a
 * Code node) → Plivo PHLO "Add User" with Continue On Fail, so a contact that cannot be dialled yields
 * its own failed item instead of stopping the run.
 */
import type { CredentialJson, WorkflowJson } from './realN8n';
import { DEMO_NODE_ID, DEMO_PHLO_ID } from './simulator';
import { addUserParameters, codeNode, manualTrigger, plivoNode, workflow } from './workflows';

export const DEMO_WORKFLOW_ID = 'plivoPhloDemo01';
export const DEMO_CONTACTS_NODE = 'CRM contacts';
export const DEMO_PLIVO_NODE = 'Plivo PHLO';

export interface Contact {
	name: string;
	phone: string;
	/** The agent already on the call, who brings the contact in (the Trigger Source). */
	agent: string;
}

/** The contacts the demo dials on the simulator: three that Plivo accepts, and one that is no number at all. */
export const SIMULATOR_CONTACTS: readonly Contact[] = [
	{ name: 'Ada Lovelace', phone: '+1 (415) 555-0101', agent: '+14155550000' },
	{ name: 'Grace Hopper', phone: '+44 20 7946 0958', agent: '+14155550000' },
	{ name: 'Alan Turing', phone: 'sip:alan@example.com', agent: '+14155550000' },
	{ name: 'Not a number', phone: 'call me maybe', agent: '+14155550000' },
];

export function demoWorkflow(
	credential: CredentialJson,
	contacts: readonly Contact[] = SIMULATOR_CONTACTS,
	target: { phloId: string; nodeId: string } = { phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID },
	id = DEMO_WORKFLOW_ID,
): WorkflowJson {
	return workflow(
		id,
		[
			manualTrigger(),
			codeNode(DEMO_CONTACTS_NODE, contacts.map((contact) => ({ ...contact }))),
			plivoNode(DEMO_PLIVO_NODE, credential, addUserParameters(target), 'continueRegularOutput'),
		],
		[
			['Start', DEMO_CONTACTS_NODE],
			[DEMO_CONTACTS_NODE, DEMO_PLIVO_NODE],
		],
	);
}
