import { setUpOwner } from '../support/owner';
import { ensureN8n, freePort, N8nInstance, expectSucceeded, nodeOutput, packPackage, type N8nLine } from '../support/realN8n';
import { DEMO_NODE_ID, DEMO_PHLO_ID, faultNumber, startSimulator, type Simulator } from '../support/simulator';
import { codeNode, manualTrigger, noOp, plivoCredential, plivoNode, workflow } from '../support/workflows';

/**
 * The packed package installed into real n8n, as a user installs it, run by n8n's CLI against the
 * PHLO simulator. `E2E_LINES=2.x` or `1.x` limits the run to one release line.
 */
const lines = (process.env.E2E_LINES ?? '2.x,1.x').split(',').map((line) => line.trim()) as N8nLine[];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const AGENT = '+14155550000';
const ids = { phloId: DEMO_PHLO_ID, nodeId: DEMO_NODE_ID };
const unpaced = { maxRequestsPerSecond: 0, concurrency: 4 };
const WRONG_TOKEN = 'WrongToken-e2e-7c1f';

const OPERATIONS = [
	{ operation: 'addUser', action: 'call', fields: { to: '={{ $json.phone }}', role: 'customer', triggerSource: '={{ $json.agent }}' } },
	{ operation: 'warmTransfer', action: 'warm_transfer', fields: { to: '={{ $json.phone }}', role: 'agent', triggerSource: '={{ $json.agent }}' } },
	{ operation: 'coldTransfer', action: 'cold_transfer', fields: { to: '={{ $json.phone }}', triggerSource: '={{ $json.agent }}' } },
	{ operation: 'abortTransfer', action: 'abort_transfer', fields: { memberAddress: '={{ $json.phone }}' } },
	{ operation: 'hold', action: 'hold', fields: { memberAddress: '={{ $json.phone }}' } },
	{ operation: 'unhold', action: 'unhold', fields: { memberAddress: '={{ $json.phone }}' } },
	{ operation: 'hangUp', action: 'hangup', fields: { memberAddress: '={{ $json.phone }}' } },
	{ operation: 'resumeCall', action: 'resume_call', fields: { memberAddress: '={{ $json.phone }}' } },
	{ operation: 'voicemailDrop', action: 'voicemail_drop', fields: { memberAddress: '={{ $json.phone }}' } },
] as const;

describe.each(lines)('real n8n %s', (line) => {
	let sim: Simulator;
	let n8n: N8nInstance;

	beforeAll(async () => {
		sim = await startSimulator({ slowDelayMs: 5_000 });
		const install = await ensureN8n(line);
		n8n = await N8nInstance.create(install, await packPackage());

		const good = plivoCredential('plivoGood001', sim.credentials);
		const wrong = plivoCredential('plivoWrong001', { ...sim.credentials, authToken: WRONG_TOKEN });
		const closed = plivoCredential('plivoClosed01', { ...sim.credentials, baseUrl: `http://127.0.0.1:${await freePort()}` });
		await n8n.importCredentials([good, wrong, closed]);

		const contacts = codeNode('Contacts', [
			{ phone: '+1 (415) 555-1001', agent: AGENT },
			{ phone: 'sip:agent7@phone.plivo.com', agent: AGENT },
		]);
		const operationNodes = OPERATIONS.map(({ operation, fields }) =>
			plivoNode(`MPC ${operation}`, good, { resource: 'multiPartyCall', operation, ...ids, ...fields, options: unpaced }),
		);
		const readNodes = [
			plivoNode('MPC get', good, { resource: 'multiPartyCall', operation: 'get', ...ids }),
			plivoNode('PHLO run', good, {
				resource: 'phlo',
				operation: 'run',
				phloId: DEMO_PHLO_ID,
				payload: '={{ JSON.stringify({ from: $json.agent, to: $json.phone }) }}',
				options: unpaced,
			}),
			plivoNode('PHLO get', good, { resource: 'phlo', operation: 'get', phloId: `https://console.plivo.com/phlo/edit/${DEMO_PHLO_ID}` }),
		];
		const allOperations = [...operationNodes, ...readNodes];

		const mixed = codeNode('Mixed', [
			{ phone: '+14155551111' },
			{ phone: faultNumber('0400') },
			{ phone: 'nobody' },
			{ phone: faultNumber('0500') },
			{ phone: '+14155552222' },
		]);
		const dialFields = { resource: 'multiPartyCall', operation: 'addUser', ...ids, to: '={{ $json.phone }}', triggerSource: AGENT };

		await n8n.importWorkflows([
			workflow('wfOperations01', [manualTrigger(), contacts, ...allOperations], [
				['Start', 'Contacts'],
				...allOperations.map((node): [string, string] => ['Contacts', node.name]),
			]),
			workflow(
				'wfContinue0001',
				[
					manualTrigger(),
					mixed,
					plivoNode('Regular', good, { ...dialFields, options: unpaced }, 'continueRegularOutput'),
					plivoNode('Routed', good, { ...dialFields, options: unpaced }, 'continueErrorOutput'),
					noOp('Succeeded'),
					noOp('Failed'),
				],
				[
					['Start', 'Mixed'],
					['Mixed', 'Regular'],
					['Mixed', 'Routed'],
					['Routed', 'Succeeded', 0],
					['Routed', 'Failed', 1],
				],
			),
			workflow(
				'wfMany00000001',
				[
					manualTrigger(),
					codeNode('Many', { code: "return Array.from({ length: 300 }, (_, i) => ({ json: { phone: '+1415' + String(5000000 + i) } }));" }),
					plivoNode('Bulk', good, { ...dialFields, options: { maxRequestsPerSecond: 0, concurrency: 10 } }),
				],
				[
					['Start', 'Many'],
					['Many', 'Bulk'],
				],
			),
			workflow(
				'wfWrongCred001',
				[manualTrigger(), codeNode('One', [{ phone: '+14155553333' }]), plivoNode('Wrong', wrong, { ...dialFields, options: unpaced })],
				[
					['Start', 'One'],
					['One', 'Wrong'],
				],
			),
			workflow(
				'wfTimeout00001',
				[
					manualTrigger(),
					codeNode('Slow', [{ phone: faultNumber('0408') }, { phone: '+14155554444' }]),
					plivoNode('Impatient', good, { ...dialFields, options: { ...unpaced, timeout: 500 } }, 'continueRegularOutput'),
				],
				[
					['Start', 'Slow'],
					['Slow', 'Impatient'],
				],
			),
			workflow(
				'wfRefused00001',
				[
					manualTrigger(),
					codeNode('Nobody home', [{ phone: '+14155557777' }]),
					plivoNode('Refused', closed, { ...dialFields, options: unpaced }, 'continueRegularOutput'),
				],
				[
					['Start', 'Nobody home'],
					['Nobody home', 'Refused'],
				],
			),
			workflow(
				'wfDedup0000001',
				[
					manualTrigger(),
					codeNode('Tickets', [{ ticket: 'T-1', phone: '+14155556001' }, { ticket: 'T-2', phone: '+14155556002' }]),
					plivoNode('Once', good, { ...dialFields, options: { ...unpaced, deduplicationKey: '={{ $json.ticket }}' } }),
				],
				[
					['Start', 'Tickets'],
					['Tickets', 'Once'],
				],
			),
		]);
	}, 30 * 60_000);

	afterEach(() => sim.reset());

	afterAll(async () => {
		n8n?.dispose();
		await sim?.close();
	});


	it('runs every operation with expressions in its fields', async () => {
		const result = await n8n.execute('wfOperations01');
		expectSucceeded(result);
		for (const { operation, action } of OPERATIONS) {
			const items = nodeOutput(result.execution, `MPC ${operation}`);
			expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			for (const item of items) expect(item.json).toEqual({ api_id: expect.stringMatching(UUID), error: '' });
			const bodies = sim.filter((request) => (request.json as { action?: string } | undefined)?.action === action).map((request) => request.body);
			if (action === 'call' || action === 'warm_transfer' || action === 'cold_transfer') {
				const role = operation === 'addUser' ? 'customer' : 'agent';
				expect(bodies.sort()).toEqual(
					[
						`{"action":"${action}","to":"+14155551001","role":"${role}","trigger_source":"${AGENT}"}`,
						`{"action":"${action}","to":"sip:agent7@phone.plivo.com","role":"${role}","trigger_source":"${AGENT}"}`,
					].sort(),
				);
			} else {
				expect(bodies).toEqual([`{"action":"${action}"}`, `{"action":"${action}"}`]);
				expect(sim.filter({ action }).map((request) => request.memberAddress).sort()).toEqual(['+14155551001', 'sip:agent7@phone.plivo.com']);
			}
		}
		expect(nodeOutput(result.execution, 'MPC get')[0].json).toMatchObject({ node_id: DEMO_NODE_ID, node_type: 'multi_party_call' });
		expect(nodeOutput(result.execution, 'PHLO get')[0].json).toMatchObject({ phlo_id: DEMO_PHLO_ID });
		expect(nodeOutput(result.execution, 'PHLO run').map((item) => item.json.phlo_id)).toEqual([DEMO_PHLO_ID, DEMO_PHLO_ID]);
		expect(sim.filter({ route: 'phlo.run' }).map((request) => request.body).sort()).toEqual(
			[`{"from":"${AGENT}","to":"+1 (415) 555-1001"}`, `{"from":"${AGENT}","to":"sip:agent7@phone.plivo.com"}`].sort(),
		);
		expect(sim.filter((request) => !request.authenticated)).toEqual([]);
		expect(sim.requests.every((request) => request.authUser === sim.authId)).toBe(true);
	}, 120_000);

	it('with Continue On Fail, every item yields one output item in order, in both modes', async () => {
		const result = await n8n.execute('wfContinue0001');
		expectSucceeded(result);
		const regular = nodeOutput(result.execution, 'Regular');
		expect(regular.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(regular[0].json).toEqual({ api_id: expect.stringMatching(UUID), error: '' });
		// n8n keeps only the message in a failed item's json: it carries the outcome, the destination and Plivo's api_id.
		expect(regular[1].json.error).toMatch(
			/^Plivo PHLO error \(HTTP 400\) \[item 1\]: invalid destination number \(outcome: rejected; to: \+19995550400; trigger_source: \+14155550000; api_id: [0-9a-f-]{36}\)$/,
		);
		expect(regular[2].json.error).toMatch(/^To "nobody" is not a phone number or SIP URI.*\[item 2\]$/);
		expect(regular[3].json.error).toMatch(/^Plivo PHLO answered HTTP 500 with a body that is not JSON \[item 3\].*\(outcome: unknown, Plivo may have acted: check its call logs before retrying; to: \+19995550500/);
		expect(regular[4].json).toEqual({ api_id: expect.stringMatching(UUID), error: '' });

		expect(nodeOutput(result.execution, 'Routed', 0).map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 4 }]);
		expect(nodeOutput(result.execution, 'Routed', 1).map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 2 }, { item: 3 }]);
		const ok = nodeOutput(result.execution, 'Succeeded');
		const failed = nodeOutput(result.execution, 'Failed');
		expect(ok.map((item) => item.json.error)).toEqual(['', '']);
		expect(failed.map((item) => String(item.json.error))).toEqual([
			expect.stringMatching(/HTTP 400\) \[item 1\]/),
			expect.stringMatching(/"nobody".*\[item 2\]/),
			expect.stringMatching(/HTTP 500 .*\[item 3\]/),
		]);
		// Each destination reached Plivo once per node: nothing re-sent, nothing invalid sent.
		expect(sim.count({ to: faultNumber('0500') })).toBe(2);
		expect(sim.count({ to: faultNumber('0400') })).toBe(2);
		expect(sim.count({ to: 'nobody' })).toBe(0);
	}, 120_000);

	it('returns 300 items in order, each sent exactly once', async () => {
		const result = await n8n.execute('wfMany00000001');
		expectSucceeded(result);
		const items = nodeOutput(result.execution, 'Bulk');
		expect(items).toHaveLength(300);
		items.forEach((item, index) => expect(item.pairedItem).toEqual({ item: index }));
		expect(sim.count()).toBe(300);
		expect(new Set(sim.requests.map((request) => request.to)).size).toBe(300);
	}, 180_000);

	it('a wrong Auth Token fails with Plivo’s message and status, sent once, token nowhere in the output', async () => {
		const result = await n8n.execute('wfWrongCred001');
		expect(result.execution?.status).toBe('error');
		const error = result.execution?.data.resultData.runData.Wrong[0].error;
		expect(error?.message).toMatch(/^Plivo PHLO error \(HTTP 401\) \[item 0\]: Authentication failed \(outcome: rejected; to: \+14155553333; .*api_id: [0-9a-f-]{36}\)$/);
		expect(error?.description).toMatch(/Check the Auth ID and Auth Token/);
		expect(sim.count()).toBe(1);
		expect(result.stdout + result.stderr).not.toContain(WRONG_TOKEN);
		expect(result.stdout + result.stderr).not.toContain(Buffer.from(`${sim.authId}:${WRONG_TOKEN}`).toString('base64'));
	}, 120_000);

	it('a request without an answer in time is unknown and is not sent again', async () => {
		const result = await n8n.execute('wfTimeout00001');
		expectSucceeded(result);
		const items = nodeOutput(result.execution, 'Impatient');
		expect(items[0].json.error).toMatch(/no answer within 500 ms \[item 0\] \(outcome: unknown, Plivo may have acted: check its call logs before retrying; to: \+19995550408/);
		expect(items[1].json).toEqual({ api_id: expect.stringMatching(UUID), error: '' });
		expect(sim.count({ to: faultNumber('0408') })).toBe(1);
	}, 120_000);

	it('a refused connection is not_sent and says so', async () => {
		const result = await n8n.execute('wfRefused00001');
		expectSucceeded(result);
		const [item] = nodeOutput(result.execution, 'Refused');
		expect(item.json.error).toMatch(/^Could not complete the request to Plivo PHLO at 127\.0\.0\.1:\d+: the connection was refused \[item 0\] \(outcome: not_sent; to: \+14155557777; trigger_source: \+14155550000\)$/);
	}, 120_000);

	it('a deduplication key sent by one execution is skipped by the next', async () => {
		expectSucceeded(await n8n.execute('wfDedup0000001'));
		const second = await n8n.execute('wfDedup0000001');
		expectSucceeded(second);
		expect(nodeOutput(second.execution, 'Once').map((item) => item.json)).toEqual([
			{ skipped: 'duplicate', key: 'T-1' },
			{ skipped: 'duplicate', key: 'T-2' },
		]);
		expect(sim.count()).toBe(2);
	}, 120_000);

	it('the credential test accepts the right Auth Token and reports a wrong one', async () => {
		const server = await n8n.startServer(await freePort());
		try {
			const setup = await setUpOwner(server.url);
			expect(setup.status).toBe(200);
			const { cookie } = setup;
			expect(cookie).toMatch(/^n8n-auth=./);
			const testCredential = async (id: string, authToken: string) => {
				const answer = await fetch(`${server.url}/rest/credentials/test`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json', Cookie: cookie },
					body: JSON.stringify({
						credentials: plivoCredential(id, { ...sim.credentials, authToken }),
					}),
				});
				expect(answer.status).toBe(200);
				return ((await answer.json()) as { data: { status: string; message: string } }).data;
			};
			expect(await testCredential('plivoGood001', sim.authToken)).toMatchObject({ status: 'OK' });
			const wrong = await testCredential('plivoWrong001', WRONG_TOKEN);
			expect(wrong.status).toBe('Error');
			// n8n 2.x shows the credential's own 401 rule; 1.x its generic 401 text.
			expect(wrong.message).toBe(
				line === '2.x'
					? 'Plivo refused the Auth ID and Auth Token (HTTP 401): check both in the Plivo console'
					: 'Authorization failed - please check your credentials',
			);
			expect(wrong.message).not.toContain(WRONG_TOKEN);
			// The credential test only reads the account; n8n 1.x asks twice after a 401.
			const checks = sim.filter({ route: 'account.get' });
			expect(checks.map((request) => request.path)).toEqual(checks.map(() => `/v1/Account/${sim.authId}`));
			expect(checks.map((request) => request.status)).toEqual([200, ...checks.slice(1).map(() => 401)]);
		} finally {
			await server.stop();
		}
	}, 180_000);
});
