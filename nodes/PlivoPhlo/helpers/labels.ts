/** How fields are named in messages: as the panel names them, so a person finds the field at fault. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
	phloId: 'PHLO ID',
	nodeId: 'Node ID',
	to: 'To',
	role: 'Role',
	triggerSource: 'Trigger Source',
	memberAddress: 'Member Address',
	payload: 'Payload',
	authId: 'Auth ID (credential)',
	baseUrl: 'Base URL (credential)',
	concurrency: 'Concurrency',
	maxRequestsPerSecond: 'Max Requests per Second',
	maxWaitSeconds: 'Max Wait for Turn',
	timeout: 'Timeout',
	deduplicationWindowMinutes: 'Deduplication Window',
	callingHoursStart: 'Calling Hours Start',
	callingHoursEnd: 'Calling Hours End',
	callingHoursDays: 'Calling Hours Days',
	callingHoursTimeZone: 'Calling Hours Time Zone',
};

export const fieldLabel = (field: string): string => FIELD_LABELS[field] ?? field;

/** Quotes a user value for an error message without letting a huge value flood it. */
export function quoteValue(value: unknown): string {
	let text: string;
	if (typeof value === 'string') text = value;
	else if (value === undefined) text = 'undefined';
	else text = JSON.stringify(value) ?? String(value);
	return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}
