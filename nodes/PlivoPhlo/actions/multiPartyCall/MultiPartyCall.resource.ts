import type { INodeProperties } from 'n8n-workflow';

import type { PhloOperations } from '../node.type';
import * as abortTransfer from './abortTransfer.operation';
import * as addUser from './addUser.operation';
import * as coldTransfer from './coldTransfer.operation';
import * as get from './get.operation';
import * as hangUp from './hangUp.operation';
import * as hold from './hold.operation';
import * as resumeCall from './resumeCall.operation';
import * as unhold from './unhold.operation';
import * as voicemailDrop from './voicemailDrop.operation';
import * as warmTransfer from './warmTransfer.operation';

export const operations: PhloOperations<'multiPartyCall'> = {
	addUser,
	warmTransfer,
	coldTransfer,
	abortTransfer,
	hold,
	unhold,
	hangUp,
	resumeCall,
	voicemailDrop,
	get,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['multiPartyCall'] } },
		options: [
			{
				name: 'Abort Transfer',
				value: 'abortTransfer',
				description: 'Cancel a warm transfer before the new agent joins',
				action: 'Abort a transfer',
			},
			{
				name: 'Add User',
				value: 'addUser',
				description: 'Dial a phone number or SIP endpoint and add them to the call',
				action: 'Add a user to a multi party call',
			},
			{
				name: 'Cold Transfer',
				value: 'coldTransfer',
				description: 'Transfer the call to another agent; the transferring agent leaves at once',
				action: 'Cold transfer a multi party call',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the details of a Multi-Party Call node',
				action: 'Get a multi party call',
			},
			{
				name: 'Hang Up',
				value: 'hangUp',
				description: 'Disconnect a member from the call',
				action: 'Hang up a member',
			},
			{
				name: 'Hold',
				value: 'hold',
				description: 'Put a member of the call on hold',
				action: 'Hold a member',
			},
			{
				name: 'Resume Call',
				value: 'resumeCall',
				description: 'Reconnect an agent to the call after a warm transfer',
				action: 'Resume a call for a member',
			},
			{
				name: 'Unhold',
				value: 'unhold',
				description: 'Take a member of the call off hold',
				action: 'Unhold a member',
			},
			{
				name: 'Voicemail Drop',
				value: 'voicemailDrop',
				description: "Leave the PHLO's recorded message on a member's voicemail and hang up",
				action: 'Drop a voicemail for a member',
			},
			{
				name: 'Warm Transfer',
				value: 'warmTransfer',
				description: 'Transfer the call to another agent; the transferring agent stays until they join',
				action: 'Warm transfer a multi party call',
			},
		],
		default: 'addUser',
	},
	...Object.values(operations).flatMap((operation) => operation.description),
];
