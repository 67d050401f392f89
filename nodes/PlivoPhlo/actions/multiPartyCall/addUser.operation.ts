import { dialOperation } from './dial';

export const { description, prepare } = dialOperation('addUser', 'call', {
	to: 'The person to dial and add to the call.',
	role: 'Join the call as an agent or as a customer',
});
