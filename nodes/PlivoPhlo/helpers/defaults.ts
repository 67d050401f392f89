import type { CallingHoursChoice } from './callingHoursSettings';

/**
 * Names and defaults shared by the credential, the descriptions, the transport and the actions:
 * one place to read what the node does when nobody sets anything.
 */

export const CREDENTIAL_TYPE = 'plivoPhloApi';

/** Plivo's PHLO runner: where every PHLO request goes unless the credential names another base URL. */
export const PLIVO_PHLO_BASE_URL = 'https://phlorunner.plivo.com';

/** Plivo's REST API: the credential test reads the account there, as the PHLO runner has no such endpoint. */
export const PLIVO_API_BASE_URL = 'https://api.plivo.com';

/** n8n's processed-data store keeps this many keys per node, the most recent ones. */
export const SHARED_STORE_MAX_KEYS = 10_000;

type DeduplicationStoreName = 'staticData' | 'n8nDatabase';


/**
 * The default of every option. Concurrency and rate suit a Plivo account with default limits: Plivo
 * allows 2 outbound calls per second (every Add User or transfer dials one) and 300 API requests per
 * 5 seconds.
 */
export const OPTION_DEFAULTS = {
	allowedDestinations: '',
	/** Off: calls go out at any hour. Custom windows start from the US federal one. */
	callingHours: 'off' as CallingHoursChoice,
	callingHoursStart: '08:00',
	callingHoursEnd: '21:00',
	callingHoursDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
	/** Empty: the time zone is read from the number. */
	callingHoursTimeZone: '',
	concurrency: 2,
	deduplicationKey: '',
	deduplicationStore: 'staticData' as DeduplicationStoreName,
	deduplicationWindowMinutes: 60,
	dryRun: false,
	maxRequestsPerSecond: 2,
	/** 0: an item waits for its turn on the account's pace however long that takes. */
	maxWaitSeconds: 0,
	payloadKeysNotDialled: '',
	/** Milliseconds to wait for Plivo's answer. */
	timeout: 60_000,
} as const;

/**
 * What the Workflow Static Data store holds per node: at most this many keys in the n8n process's
 * memory, and the newest of them, at most `SAVED_MAX_KEYS`, in the workflow's static data that n8n
 * reads and saves with every execution. Past either bound the oldest key is forgotten first.
 */
export const PROCESS_MAX_KEYS = 100_000;
export const SAVED_MAX_KEYS = 1_000;

/** The slowest Max Requests per Second accepted other than 0 (no limit): one request every 1,000 s. */
export const MIN_RATE_SETTING = 0.001;

/** The longest Deduplication Window accepted: a day. */
export const MAX_DEDUPLICATION_WINDOW_MINUTES = 1_440;
