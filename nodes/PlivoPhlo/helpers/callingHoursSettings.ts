import { CALLING_HOURS_PRESETS, EVERY_DAY, parseTimeOfDay, parseWeekdays, type CallingWindow } from './callingHoursWindow';
import { InputError } from './failures';
import { quoteValue } from './labels';
import { parseTimeZone } from './timeZones';

export type CallingHoursChoice = 'off' | keyof typeof CALLING_HOURS_PRESETS | 'custom';

/** Calling Hours as one item's options set it. */
export interface CallingHoursOptions {
	choice: unknown;
	start: unknown;
	end: unknown;
	days: unknown;
	timeZone: unknown;
}

export interface CallingHours {
	window: CallingWindow;
	/** The zone the user gave (from the CRM contact, usually); undefined: read it from the number. */
	timeZone?: string;
}

const isPreset = (choice: unknown): choice is keyof typeof CALLING_HOURS_PRESETS =>
	typeof choice === 'string' && Object.keys(CALLING_HOURS_PRESETS).includes(choice);

/** The window and time zone to hold calls to, or undefined when Calling Hours is off. */
export function parseCallingHours({ choice, start, end, days, timeZone }: CallingHoursOptions): CallingHours | undefined {
	if (choice === 'off' || choice === undefined || choice === '') return undefined;
	let hours: { start: unknown; end: unknown };
	if (isPreset(choice)) hours = CALLING_HOURS_PRESETS[choice];
	else if (choice === 'custom') hours = { start, end };
	else throw new InputError('callingHours', `Calling Hours ${quoteValue(choice)} is not one of Off, US Federal, Florida or Custom`);
	const window: CallingWindow = {
		start: parseTimeOfDay('callingHoursStart', hours.start),
		end: parseTimeOfDay('callingHoursEnd', hours.end),
		days: days === undefined ? EVERY_DAY : parseWeekdays('callingHoursDays', days),
	};
	return { window, timeZone: parseTimeZone('callingHoursTimeZone', timeZone) };
}
