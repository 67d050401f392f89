/**
 * n8n 2.x whose community packages come from its own installer (Settings → Community Nodes, or the REST
 * API behind it), reading a local npm registry (`./npmRegistry`) instead of registry.npmjs.org.
 *
 * n8n installs from a registry other than npm's only with a licence (`feat:communityNodes:customRegistry`;
 * without it every install answers "Your license does not allow for …"), and it passes `--registry` to
 * each npm command it runs, so npm's own `npm_config_registry` does not redirect an install. The licence
 * is granted the way n8n's own end-to-end tests grant it: `E2E_TESTS=true` and `PATCH /rest/e2e/feature`,
 * which changes only what n8n's licence checks answer (the editor shows an "E2E MODE" badge). n8n's update
 * check (`npm outdated`) is the one npm command n8n runs without `--registry`: it reads npm's own
 * configuration, so `npm_config_registry` points it at the same registry, as a `.npmrc` would.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { N8nProcess } from './n8nProcess';
import type { NpmRegistry } from './npmRegistry';
import { setUpOwner } from './owner';
import { ensureN8n, freePort, N8nInstance, type CredentialJson } from './realN8n';

export const PACKAGE_NAME = 'n8n-nodes-plivo-phlo';
export const CUSTOM_REGISTRY_FEATURE = 'feat:communityNodes:customRegistry';

export interface RestAnswer {
	status: number;
	body: { data?: unknown; message?: string; code?: number };
}

export class InstallerN8n {
	url = '';
	cookie = '';
	/** Kept across restarts, so that a browser pointed at this n8n stays pointed at it. */
	private port = 0;
	/** The n8n server started last (its output stays readable after it stopped). */
	server: N8nProcess | undefined;

	private constructor(readonly instance: N8nInstance) {}

	/**
	 * A fresh user folder without the package (its `.n8n/nodes` is n8n's to fill), the credentials imported,
	 * n8n started and its owner set up, the custom registry licensed.
	 */
	static async start(registry: NpmRegistry, credentials: CredentialJson[], seedTarball: string): Promise<InstallerN8n> {
		const env = {
			E2E_TESTS: 'true',
			N8N_COMMUNITY_PACKAGES_REGISTRY: registry.url,
			npm_config_registry: `${registry.url}/`,
			N8N_DISABLED_MODULES: 'mcp-registry',
		};
		// create() installs a tarball the way a user does with npm; this n8n gets its packages from its installer only.
		const instance = await N8nInstance.create(await ensureN8n('2.x'), seedTarball, env);
		rmSync(join(instance.userFolder, '.n8n', 'nodes'), { recursive: true, force: true });
		await instance.importCredentials(credentials);
		const n8n = new InstallerN8n(instance);
		await n8n.boot();
		return n8n;
	}

	/** Starts n8n (again); `env` changes its environment from now on. Resolves once the owner is logged in and the registry licensed. */
	async boot(env: NodeJS.ProcessEnv = {}): Promise<void> {
		Object.assign(this.instance.env, env);
		this.port ||= await freePort();
		this.server = N8nProcess.server('n8n', this.instance, this.port);
		this.server.start();
		this.url = `http://127.0.0.1:${this.port}`;
		const restApiAnswers = (answer: Response) => answer.ok && (answer.headers.get('content-type')?.includes('application/json') ?? false);
		await this.server.waitForAnswer(`${this.url}/rest/settings`, restApiAnswers, 180_000);
		this.cookie = (await setUpOwner(this.url)).cookie || this.cookie;
		if (!this.cookie) throw new Error('n8n set up no owner');
		await this.setLicensed(true);
	}

	async stop(): Promise<void> {
		await this.server?.stop(10_000);
	}

	/** Grants or withdraws the custom-registry licence, as n8n's own end-to-end tests do. */
	async setLicensed(enabled: boolean): Promise<void> {
		const answer = await this.rest('PATCH', '/rest/e2e/feature', { feature: CUSTOM_REGISTRY_FEATURE, enabled });
		if (answer.status !== 200) throw new Error(`n8n did not take the licence feature: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
	}

	/** A request to n8n's REST API as the owner. */
	async rest(method: string, path: string, body?: unknown): Promise<RestAnswer> {
		const answer = await fetch(`${this.url}${path}`, {
			method,
			headers: { cookie: this.cookie, 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await answer.text();
		return { status: answer.status, body: text ? (JSON.parse(text) as RestAnswer['body']) : {} };
	}

	/** The installed community packages as Settings → Community Nodes lists them (with `updateAvailable`). */
	async packages(): Promise<Array<{ packageName: string; installedVersion: string; updateAvailable?: string; failedLoading?: boolean }>> {
		const answer = await this.rest('GET', '/rest/community-packages');
		if (answer.status !== 200) throw new Error(`GET /rest/community-packages: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
		return answer.body.data as Array<{ packageName: string; installedVersion: string; updateAvailable?: string }>;
	}

	dispose(): void {
		this.instance.dispose();
	}
}
