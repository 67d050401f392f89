import type { INodeProperties } from 'n8n-workflow';

import { OPTION_DEFAULTS } from '../helpers/defaults';

const { callingHours, callingHoursDays, callingHoursEnd, callingHoursStart, callingHoursTimeZone } = OPTION_DEFAULTS;

const CALLING_HOURS_DOC =
	'<a href="https://github.com/plivo-phlo-n8n/n8n-nodes-plivo-phlo/blob/main/docs/calling-hours.md">what it checks and cannot know</a>';

/** The operations that make Plivo dial someone: Calling Hours applies to them only. */
const DIALLING = { '/operation': ['addUser', 'warmTransfer', 'coldTransfer', 'run'] };
const ON = { ...DIALLING, callingHours: ['usFederal', 'florida', 'custom'] };

const DAYS = [
	['Monday', 'mon'],
	['Tuesday', 'tue'],
	['Wednesday', 'wed'],
	['Thursday', 'thu'],
	['Friday', 'fri'],
	['Saturday', 'sat'],
	['Sunday', 'sun'],
] as const;

/** Calling Hours: when the called party may be dialled, in their local time. Sorted as n8n lists options. */
export const callingHoursOptions: INodeProperties[] = [
	{
		displayName: 'Calling Hours',
		name: 'callingHours',
		type: 'options',
		default: callingHours,
		displayOptions: { show: DIALLING },
		options: [
			{ name: 'Off', value: 'off', description: 'Dial at any hour' },
			{ name: 'US Federal (08:00–21:00)', value: 'usFederal', description: 'The TCPA window, 47 CFR 64.1200(c)(1)' },
			{ name: 'Florida (08:00–20:00)', value: 'florida', description: 'Florida § 501.059(8)(a)' },
			{ name: 'Custom', value: 'custom', description: 'Set Calling Hours Start and End' },
		],
		description: `Dial only inside this window in the called party's local time (Time Zone, else from the number); outside it the item fails as not sent, with when the window opens (retryAt). See ${CALLING_HOURS_DOC}.`,
	},
	{
		displayName: 'Calling Hours Days',
		name: 'callingHoursDays',
		type: 'multiOptions',
		default: [...callingHoursDays],
		displayOptions: { show: ON },
		options: DAYS.map(([name, value]) => ({ name, value })),
		description: 'The days the window opens on, in the called party\'s local time',
	},
	{
		displayName: 'Calling Hours End',
		name: 'callingHoursEnd',
		type: 'string',
		default: callingHoursEnd,
		placeholder: '21:00',
		displayOptions: { show: { ...DIALLING, callingHours: ['custom'] } },
		description: 'When the window closes (24-hour HH:MM); before the start, it closes the next day',
	},
	{
		displayName: 'Calling Hours Start',
		name: 'callingHoursStart',
		type: 'string',
		default: callingHoursStart,
		placeholder: '08:00',
		displayOptions: { show: { ...DIALLING, callingHours: ['custom'] } },
		description: 'When the window opens (24-hour HH:MM)',
	},
	{
		displayName: 'Calling Hours Time Zone',
		name: 'callingHoursTimeZone',
		type: 'string',
		default: callingHoursTimeZone,
		placeholder: '={{ $json.contact.timezone }}',
		displayOptions: { show: ON },
		description:
			'Where the person is: an IANA name such as America/New_York, usually from the CRM contact. Empty: read from the number where it decides (a country with one zone, a North American area code); otherwise the item is refused.',
	},
];
