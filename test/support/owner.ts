/**
 * The owner account of a fresh n8n, made through its REST API as the editor's first-visit form does,
 * for the tests that need a logged-in session (the credential test, the editor).
 */

export const OWNER = { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Passw0rd-owner-1' };

export interface OwnerSetup {
	/** HTTP status of POST /rest/owner/setup; undefined when n8n already had an owner and was not asked. */
	status?: number;
	/** The session cookie (`n8n-auth=…`) the setup answered with; empty when there was no setup. */
	cookie: string;
}

/**
 * Creates `OWNER` in the n8n at `url` if its settings say the owner is still to be set up; throws when
 * n8n refuses. The answer's session cookie is logged in as the owner.
 */
export async function setUpOwner(url: string): Promise<OwnerSetup> {
	const settings = await fetch(`${url}/rest/settings`);
	if (!settings.ok) throw new Error(`GET ${url}/rest/settings: HTTP ${settings.status} ${await settings.text()}`);
	const { data } = (await settings.json()) as { data: { userManagement: { showSetupOnFirstLoad?: boolean } } };
	if (!data.userManagement.showSetupOnFirstLoad) return { cookie: '' };
	const answer = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(OWNER),
	});
	if (!answer.ok) throw new Error(`owner setup failed: HTTP ${answer.status} ${await answer.text()}`);
	return { status: answer.status, cookie: (answer.headers.get('set-cookie') ?? '').split(';')[0] };
}
