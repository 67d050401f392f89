import { agentWorkflow, openAiCredential } from '../support/agentWorkflows';
import type { CredentialJson, WorkflowJson } from '../support/realN8n';
import { addUserParameters, codeNode, manualTrigger, plivoCredential, plivoNode, workflow } from '../support/workflows';
import type { Simulator } from '../support/simulator';

/** The credential and workflows the editor is opened with. */

export const AGENT = '+14155550000';
export const ADD_USER_WORKFLOW = 'uiAddUser00001';
export const BAD_TO_WORKFLOW = 'uiBadTo0000001';
export const PANEL_WORKFLOW = 'uiPanel0000001';
export const AGENT_WORKFLOW = 'uiAgent0000001';
export const GUARDED_WORKFLOW = 'uiGuarded00001';
export const PLIVO_NODE_NAME = 'Add Customer';
export const BAD_TO = 'nobody';

/**
 * The Plivo credential, then an OpenAI one for the agent workflow's chat model. The editor never runs
 * the agent: nothing listens at its URL (port 9, discard).
 */
export const uiCredentials = (sim: Simulator): CredentialJson[] => [
	{ ...plivoCredential('plivoUi000001', sim.credentials), name: 'Plivo PHLO account' },
	{ ...openAiCredential('openAiUi00001', 'http://127.0.0.1:9/v1'), name: 'OpenAI account' },
];

/** A window open from an hour before the test to two hours after it, on that day, in Los Angeles: Execute step always finds it open. */
function openNowInLosAngeles(): { callingHoursDays: string[]; callingHoursStart: string; callingHoursEnd: string } {
	const at = (offsetMs: number, part: Intl.DateTimeFormatOptions) =>
		new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', hourCycle: 'h23', ...part }).format(Date.now() + offsetMs);
	const clock = (offsetMs: number) => at(offsetMs, { hour: '2-digit', minute: '2-digit' });
	const day = (offsetMs: number) => at(offsetMs, { weekday: 'short' }).toLowerCase();
	return { callingHoursDays: [...new Set([day(-3_600_000), day(0)])], callingHoursStart: clock(-3_600_000), callingHoursEnd: clock(7_200_000) };
}

export function uiWorkflows([credential, openAi]: CredentialJson[]): WorkflowJson[] {
	const addUser = addUserParameters({ triggerSource: AGENT });
	const build = (id: string, name: string, contacts: Array<Record<string, unknown>>): WorkflowJson => ({
		...workflow(
			id,
			[manualTrigger(), codeNode('CRM contacts', contacts), plivoNode(PLIVO_NODE_NAME, credential, addUser)],
			[
				['Start', 'CRM contacts'],
				['CRM contacts', PLIVO_NODE_NAME],
			],
		),
		name,
	});
	return [
		{
			...workflow(PANEL_WORKFLOW, [manualTrigger(), plivoNode('Plivo PHLO', credential, {})], [['Start', 'Plivo PHLO']]),
			name: 'A new Plivo PHLO node',
		},
		build(ADD_USER_WORKFLOW, 'Call CRM contacts into the call centre', [
			{ name: 'Ada Lovelace', phone: '+14155550101' },
			{ name: 'Alan Turing', phone: 'sip:alan@example.com' },
		]),
		build(BAD_TO_WORKFLOW, 'A contact without a valid number', [
			{ name: 'Ada Lovelace', phone: '+14155550101' },
			{ name: 'Nobody', phone: BAD_TO },
		]),
		{
			...workflow(
				GUARDED_WORKFLOW,
				[
					manualTrigger(),
					codeNode('CRM contacts', [{ name: 'Ada Lovelace', phone: '+14155550101', timezone: 'America/Los_Angeles' }]),
					plivoNode(PLIVO_NODE_NAME, credential, {
						...addUser,
						options: { callingHours: 'custom', ...openNowInLosAngeles(), callingHoursTimeZone: '={{ $json.timezone }}', dryRun: true },
					}),
				],
				[
					['Start', 'CRM contacts'],
					['CRM contacts', PLIVO_NODE_NAME],
				],
			),
			name: 'Calling Hours and a dry run',
		},
		agentWorkflow(AGENT_WORKFLOW, {
			plivo: credential,
			openAi,
			prompt: 'Call the customer at +14155550123 into the call centre.',
			name: 'An AI Agent that dials customers with Plivo PHLO',
		}),
	];
}
