import { holdToCallingHours, type CallingHoursPass } from '../helpers/callingHoursGuard';
import { parseCallingHours } from '../helpers/callingHoursSettings';
import { OPTION_DEFAULTS } from '../helpers/defaults';
import { assertAllowedDestination, parseAllowedDestinations, type AllowedDestinations } from '../helpers/destinations';
import type { ItemParameters } from '../helpers/parameters';
import type { PhloRequest } from '../helpers/requests';

/** What the guards found for an item they let through, as a dry run shows it. */
export interface GuardVerdicts {
	allowedDestinations: { verdict: 'allowed' | 'not set'; destinations: string[] };
	callingHours: ({ verdict: 'open' } & CallingHoursPass) | 'off';
}

/**
 * The checks an item must pass before anything is sent, in this order: every address the request can
 * make Plivo dial is an Allowed Destination, and is inside Calling Hours now. Each throws what fails
 * the item; together they say what they found. The parsed patterns are kept while the option's text
 * stays the same (it usually does for every item).
 */
export function createGuards(): (request: PhloRequest, parameters: ItemParameters) => GuardVerdicts {
	let allowed: AllowedDestinations | undefined;
	return (request, parameters) => {
		const allowedText = String(parameters('options.allowedDestinations', OPTION_DEFAULTS.allowedDestinations));
		if (allowed?.text !== allowedText) allowed = parseAllowedDestinations(allowedText);
		for (const destination of request.destinations) assertAllowedDestination(destination, allowed);
		const destinations = request.destinations.map((destination) => destination.address);
		const hours = parseCallingHours({
			choice: parameters('options.callingHours', OPTION_DEFAULTS.callingHours),
			start: parameters('options.callingHoursStart', OPTION_DEFAULTS.callingHoursStart),
			end: parameters('options.callingHoursEnd', OPTION_DEFAULTS.callingHoursEnd),
			days: parameters('options.callingHoursDays', OPTION_DEFAULTS.callingHoursDays),
			timeZone: parameters('options.callingHoursTimeZone', OPTION_DEFAULTS.callingHoursTimeZone),
		});
		return {
			allowedDestinations: { verdict: allowed.empty ? 'not set' : 'allowed', destinations },
			callingHours: hours ? { verdict: 'open', ...holdToCallingHours(request.destinations, hours, Date.now(), request.target) } : 'off',
		};
	};
}
