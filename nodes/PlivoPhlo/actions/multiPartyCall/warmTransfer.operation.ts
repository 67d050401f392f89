import { dialOperation } from './dial';

export const { description, prepare } = dialOperation('warmTransfer', 'warm_transfer', {
	to: 'The agent to transfer the call to; the trigger source stays on the line until they answer.',
	role: 'The role the new party takes in the call',
});
