/**
 * Fixed values of the PHLO simulator: default credentials, the demo PHLO, Plivo's rate limit, the
 * actions and roles the runner accepts, the error texts, and the defaults of the start options.
 */
import type { RateLimit } from './types';

/** Plivo Auth IDs are 20 characters starting with MA (accounts) or SA (subaccounts). */
export const DEFAULT_AUTH_ID = 'MAXXXXXXXXXXXXXXXXXX';
/** Plivo Auth Tokens are 40 characters. Not a secret: the simulator's published default. */
export const DEFAULT_AUTH_TOKEN = 'SimulatorAuthTokenXXXXXXXXXXXXXXXXXXXXXX';
export const DEFAULT_ACCOUNT_NAME = 'PHLO Simulator';

/** The PHLO seeded in every simulator (unless `seedDemoPhlo: false`); fixed so demo workflows can name it. */
export const DEMO_PHLO_ID = '3c5e8d2a-6f1b-4a7e-9d40-1b2c3d4e5f60';
export const DEMO_PHLO_NAME = 'Demo call center';
/** The demo PHLO's Multi-Party Call node. */
export const DEMO_NODE_ID = '8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d';
export const DEMO_NODE_NAME = 'Multi-Party Call_1';
export const DEMO_CREATED_ON = '2024-05-14 09:12:44.120573+00:00';

/** Plivo's default API rate limit, as the brief states it: 300 requests per 5 seconds. */
export const PLIVO_DEFAULT_RATE_LIMIT: RateLimit = { limit: 300, windowMs: 5_000 };

/** Defaults of the start options that tune the simulator. */
export const DEFAULTS = {
	maxRecordedRequests: 10_000,
	/** Past any sensible client timeout. */
	slowDelayMs: 30_000,
	hugeBodyBytes: 5 * 1024 * 1024,
} as const;

/** Larger request bodies get 413; the real limit is unknown, this only keeps memory bounded. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Idle keep-alive connections are closed after this, like a cloud load balancer (Plivo's value is unknown). */
export const KEEP_ALIVE_TIMEOUT_MS = 60_000;

export const DIAL_ACTIONS = ['call', 'warm_transfer', 'cold_transfer'] as const;
export const MEMBER_ACTIONS = ['abort_transfer', 'hold', 'unhold', 'hangup', 'resume_call', 'voicemail_drop'] as const;
export const ROLES = ['agent', 'customer'] as const;

/** The `error` texts of the simulator's own answers (fault answers use the texts in FAULT_CODES). */
export const MESSAGES = {
	unauthorized: 'Authentication failed',
	accountMismatch: 'Authentication failed: the Auth ID in the URL is not the authenticated account',
	notFound: 'not found',
	phloNotFound: 'PHLO not found',
	nodeNotFound: 'multi party call node not found in this PHLO',
	methodNotAllowed: 'method not allowed',
	invalidJson: 'invalid JSON in the request body',
	bodyNotObject: 'the request body must be a JSON object',
	payloadNotObject: 'the PHLO payload must be a JSON object',
	bodyTooLarge: 'request body too large',
	missingAction: "'action' is required",
	invalidDialAction: (action: string): string =>
		`invalid action '${action}': use one of ${DIAL_ACTIONS.join(', ')} (member actions go to /members/{member_address})`,
	invalidMemberAction: (action: string): string =>
		`invalid action '${action}' for a member: use one of ${MEMBER_ACTIONS.join(', ')}`,
	missingTo: "'to' is required",
	missingTriggerSource: "'trigger_source' is required",
	invalidRole: (role: string): string => `invalid role '${role}': use agent or customer`,
	rateLimited: 'too many requests: rate limit exceeded',
	runStarted: (runId: string): string => `PHLO run started - phlo_run_id ${runId}`,
} as const;
