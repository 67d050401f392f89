import { readExamples, setUpAsTheUser, type ExampleWorkflow } from '../support/examples';
import { postWebhook } from '../support/n8nMain';
import { ensureN8n, packPackage } from '../support/realN8n';
import { RegularN8n } from '../support/regularN8n';
import { recordFacts } from '../support/results';
import { DEMO_NODE_ID, DEMO_PHLO_ID, startSimulator, type Simulator } from '../support/simulator';
import { plivoCredential } from '../support/workflows';

/**
 * `examples/calling-hours-wait.json` in real n8n 2.x, published, fed a CRM event outside its window: the
 * node refuses it with when the window opens, the Wait node waits until then, and the customer is dialled
 * once, then. The example's preset (US federal hours) would make the test wait for 08:00 somewhere, so the
 * test sets a Custom window opening in the next minute or two, in the event's own time zone; every other
 * part of the example is run as shipped.
 */

const FILE = 'calling-hours-wait.json';
const PLIVO = 'Add customer to call';
const ZONE = 'America/Chicago';

/** `HH:MM` in `ZONE` at `at`. */
const clockIn = (at: number) => new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);

/** The example with a Custom window opening at the start of the minute after next (at least 60 s away) and lasting an hour. */
function withWindowSoon(example: ExampleWorkflow): { workflow: ExampleWorkflow; opensAt: number } {
	const opensAt = Math.ceil((Date.now() + 60_000) / 60_000) * 60_000;
	const nodes = example.nodes.map((node) => {
		if (node.name !== PLIVO) return node;
		const options = { ...(node.parameters.options as Record<string, unknown>), callingHours: 'custom', callingHoursStart: clockIn(opensAt), callingHoursEnd: clockIn(opensAt + 3_600_000) };
		return { ...node, parameters: { ...node.parameters, options } };
	});
	return { workflow: { ...example, nodes }, opensAt };
}

/** The example needs n8n 2.x, as the others do: `E2E_LINES=1.x` leaves it out. */
const runs = (process.env.E2E_LINES ?? '2.x').split(',').some((line) => line.trim() === '2.x');

(runs ? describe : describe.skip)(
	`${FILE} in real n8n 2.x`,
	() => {
		let sim: Simulator;
		let n8n: RegularN8n;

		beforeAll(async () => {
			sim = await startSimulator();
			n8n = new RegularN8n({ install: await ensureN8n('2.x'), tarball: await packPackage() });
		}, 30 * 60_000);

		afterAll(async () => {
			await n8n?.stop();
			await sim?.close();
		});

		it('a lead outside Calling Hours waits for the window and is dialled once when it opens', async () => {
			const example = readExamples()[FILE];
			expect(example.nodes.find((node) => node.name === PLIVO)?.parameters.options).toMatchObject({ callingHours: 'usFederal' });
			const { workflow, opensAt } = withWindowSoon(example);
			const plivo = plivoCredential('plivoCallHours1', sim.credentials);
			const configured = setUpAsTheUser(workflow, 'exampleCallHrs', { plivo, phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID, triggerSource: '+14155550100' });
			await n8n.boot([plivo], [configured]);

			const lead = { event_id: 'lead-2001', phone: '+13125550101', agent_phone: '+14155550100', timezone: ZONE };
			const answer = await postWebhook(`${n8n.url}/webhook/plivo-crm-calling-hours`, lead);
			expect(answer.status).toBe(200);
			const [execution] = await n8n.waitForExecutions('exampleCallHrs', 1, 4 * 60_000);
			const dials = sim.filter({ route: 'multiPartyCall.dial' });
			const data = (await n8n.execution(execution.id)).data.resultData.runData;
			const refused = data[PLIVO][0].data?.main[1]?.[0]?.json as { error?: string } | undefined;
			recordFacts('examples-calling-hours', 'examples, calling-hours-wait', {
				opensAt: new Date(opensAt).toISOString(),
				dialledAt: dials.map((request) => new Date(request.receivedAt).toISOString()),
				firstRun: refused?.error,
				status: execution.status,
			});
			expect(execution.status).toBe('success');
			// First run: refused outside the window, nothing sent; the Wait node; second run: dialled.
			expect(refused?.error).toMatch(/^Outside Calling Hours \[item 0\]: To "\+13125550101" is outside Calling Hours .* America\/Chicago/);
			expect(Object.keys(data)).toEqual(expect.arrayContaining(['Outside Calling Hours?', 'Wait for the window']));
			expect(dials.map((request) => request.to)).toEqual(['+13125550101']);
			expect(dials[0].receivedAt).toBeGreaterThanOrEqual(opensAt);
			expect(dials[0].receivedAt - opensAt).toBeLessThan(30_000);
		}, 6 * 60_000);
	},
);
