import { MIN_RATE_SETTING } from './defaults';
import { InputError } from './failures';
import { fieldLabel } from './labels';
import { parseNumberOption } from './validation';

/** How a run's requests share the account's pace, as the options set it. */
export interface PaceSettings {
	/** 0: no limit. */
	requestsPerSecond: number;
	/** 0: an item waits for its turn however far off; else it is handed back when its turn is further off. */
	maxWaitSeconds: number;
}

/** Max Requests per Second (0, or at least `MIN_RATE_SETTING`) and Max Wait for Turn (seconds, 0 or more). */
export function parsePaceSettings(requestsPerSecond: unknown, maxWaitSeconds: unknown): PaceSettings {
	const rate = parseNumberOption('maxRequestsPerSecond', requestsPerSecond, 0);
	if (rate > 0 && rate < MIN_RATE_SETTING) {
		throw new InputError(
			'maxRequestsPerSecond',
			`${fieldLabel('maxRequestsPerSecond')} must be 0 (no limit) or at least ${MIN_RATE_SETTING} (one request every ${1 / MIN_RATE_SETTING} s); got ${rate}`,
		);
	}
	return { requestsPerSecond: rate, maxWaitSeconds: parseNumberOption('maxWaitSeconds', maxWaitSeconds, 0) };
}
