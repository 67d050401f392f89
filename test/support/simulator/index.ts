/**
 * PHLO simulator: a fake of Plivo's PHLO runner (https://phlorunner.plivo.com) on 127.0.0.1.
 * The entry point the tests and scripts import; see README.md beside this file for the modules,
 * what is faked and what is assumed. Only Node's built-in modules are used.
 */
export { startSimulator } from './server';
export {
	DEFAULT_ACCOUNT_NAME,
	DEFAULT_AUTH_ID,
	DEFAULT_AUTH_TOKEN,
	DEMO_NODE_ID,
	DEMO_NODE_NAME,
	DEMO_PHLO_ID,
	DEMO_PHLO_NAME,
	DIAL_ACTIONS,
	MEMBER_ACTIONS,
	MESSAGES,
	PLIVO_DEFAULT_RATE_LIMIT,
	ROLES,
} from './constants';
export {
	FAULT_CODES,
	FAULT_NUMBER_PREFIX,
	faultForAddress,
	faultNumber,
	type Fault,
	type FaultCode,
	type FaultMatch,
	type FaultSpec,
	type FaultType,
} from './faults';
export { CONTROL_PREFIX } from './control';
export type {
	AppliedFault,
	MultiPartyCallNodeInit,
	PhloInit,
	RateLimit,
	RecordedRequest,
	RequestFilter,
	RequestListener,
	RequestOutcome,
	RouteName,
	Simulator,
	SimulatorOptions,
	SimulatorStats,
} from './types';
