import type { IDataObject } from 'n8n-workflow';

import { runNode, runNodeExpectingError, type RunOptions } from '../support/runNode';
import { DEMO_PHLO_ID, startSimulator, type Simulator } from '../support/simulator';
import { addUserParameters, PLIVO_NODE_TYPE } from '../support/workflows';

/**
 * Calling Hours in n8n-core against the simulator, with windows chosen around the machine's clock:
 * one that holds now and one that opens two hours from now, in UTC and in the zone a number gives.
 */

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator();
});
afterEach(() => sim.reset());
afterAll(async () => await sim.close());

const HOUR = 3_600_000;
const clock = (at: number, zone: string) =>
	new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
/** A window (zone's local HH:MM) from `fromHours` to `toHours` from now. */
const windowAround = (fromHours: number, toHours: number, zone = 'UTC') => ({
	callingHours: 'custom',
	callingHoursStart: clock(Date.now() + fromHours * HOUR, zone),
	callingHoursEnd: clock(Date.now() + toHours * HOUR, zone),
});

const addUser = (options: IDataObject): RunOptions['parameters'] =>
	addUserParameters({ triggerSource: '+14155550000', options: { maxRequestsPerSecond: 0, ...options } });

const run = async (parameters: RunOptions['parameters'], items: IDataObject[], extra: Partial<RunOptions> = {}) =>
	(await runNode({ parameters, items, credentials: sim.credentials, onError: 'continueRegularOutput', ...extra })).output[0].map((item) => item.json);

describe('Calling Hours', () => {
	it('dials inside the window and holds back outside it, saying when the window opens, with nothing sent', async () => {
		const open = await run(addUser({ ...windowAround(-1, 2), callingHoursTimeZone: 'UTC' }), [{ phone: '+14155551001' }]);
		expect(open[0]).toMatchObject({ error: '' });
		const closed = await run(addUser({ ...windowAround(2, 3), callingHoursTimeZone: 'UTC' }), [{ phone: '+14155551002' }]);
		expect(closed[0].error).toMatch(/^Outside Calling Hours \[item 0\]: To "\+14155551002" is outside Calling Hours \(\d\d:\d\d–\d\d:\d\d Mon–Sun, UTC\): it is .* there; the window opens .*Nothing was sent/);
		const details = closed[0].details as IDataObject;
		expect(details).toMatchObject({ outcome: 'not_sent', to: '+14155551002', retryAfterSeconds: expect.any(Number) });
		// The window opens at the next whole minute two hours from now, give or take the minute.
		expect(Date.parse(details.retryAt as string) - Date.now()).toBeGreaterThan(2 * HOUR - 61_000);
		expect(Date.parse(details.retryAt as string) - Date.now()).toBeLessThanOrEqual(2 * HOUR);
		expect(details.retryAt).toMatch(/\+00:00$|Z$/);
		expect(sim.filter().map((request) => request.to)).toEqual(['+14155551001']);
	});

	it("reads the zone from the number (+44: London), or from the Time Zone given per item (the CRM contact's)", async () => {
		const london = windowAround(2, 3, 'Europe/London');
		const [fromNumber] = await run(addUser(london), [{ phone: '+442071838750' }]);
		expect(fromNumber.error).toContain('Europe/London');
		const [fromContact] = await run(addUser({ ...london, callingHoursTimeZone: '={{ $json.zone }}' }), [{ phone: '+442071838750', zone: 'Asia/Tokyo' }]);
		// Two hours ahead in London is not two hours ahead in Tokyo: the contact's zone decides.
		expect(fromContact.error ?? '').not.toContain('Europe/London');
	});

	it('refuses a number whose zone the number cannot decide, asking for a Time Zone, and a zone name it does not know', async () => {
		const [russia, unknownZone] = await run(addUser({ callingHours: 'usFederal', callingHoursTimeZone: '={{ $json.zone }}' }), [
			{ phone: '+74951234567', zone: '' },
			{ phone: '+14155551003', zone: 'Mars/Olympus' },
		]);
		expect(russia.error).toMatch(/To "\+74951234567" needs a Time Zone for Calling Hours: \+7 covers \d+ time zones/);
		expect(russia.details).toMatchObject({ outcome: 'not_sent', field: 'callingHoursTimeZone' });
		expect(unknownZone.error).toContain('Calling Hours Time Zone "Mars/Olympus" is not a time zone');
		expect(sim.count()).toBe(0);
	});

	it('holds a Run PHLO payload to the window for every number in it', async () => {
		const parameters = {
			resource: 'phlo',
			operation: 'run',
			phloId: DEMO_PHLO_ID,
			payload: '={{ JSON.stringify($json.payload) }}',
			options: { maxRequestsPerSecond: 0, ...windowAround(-1, 1, 'America/New_York') },
		};
		const [inside, oneOutside] = await run(parameters, [
			{ payload: { from: '+12125550000', to: '+12125551234' } },
			{ payload: { from: '+12125550000', to: '+442071838750' } },
		]);
		expect(inside).toMatchObject({ api_id: expect.any(String) });
		expect(oneOutside.error).toMatch(/Payload value at to "\+442071838750" is outside Calling Hours/);
		expect(sim.filter({ route: 'phlo.run' })).toHaveLength(1);
	});

	it('does not apply to operations that dial nobody', async () => {
		const [hangUp] = await run(
			{ resource: 'multiPartyCall', operation: 'hangUp', phloId: DEMO_PHLO_ID, nodeId: addUserParameters().nodeId, memberAddress: '+14155551004', options: { ...windowAround(2, 3), callingHoursTimeZone: 'UTC' } },
			[{}],
		);
		expect(hangUp).toMatchObject({ error: '' });
	});

	it('tells an AI agent in one sentence that nothing was done, and when the window opens', async () => {
		const error = await runNodeExpectingError({
			parameters: addUser({ ...windowAround(2, 3), callingHoursTimeZone: 'UTC' }),
			items: [{ phone: '+14155551005' }],
			credentials: sim.credentials,
			nodeTypeName: `${PLIVO_NODE_TYPE}Tool`,
		});
		expect(error.message).toMatch(/^Not sent, nothing was done: Outside Calling Hours: To "\+14155551005" is outside Calling Hours .* the window opens \d{4}-\d\d-\d\dT\d\d:\d\d:00\+00:00\. Nothing was sent: send it again from then\.$/);
		expect(sim.count()).toBe(0);
	});
});
