import { dialOperation } from './dial';

export const { description, prepare } = dialOperation('coldTransfer', 'cold_transfer', {
	to: 'The agent to transfer the call to; the trigger source leaves the call at once.',
	role: 'The role the new party takes in the call',
});
