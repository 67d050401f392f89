/**
 * n8n in regular mode on loopback, as most users run it: one main process on n8n's default SQLite
 * database that runs every execution itself, each webhook request's execution side by side with the
 * others. Main, booting and waiting are shared with queue mode (`./n8nMain`).
 *
 * Executions are read through n8n's REST API as the owner (set up at boot), not from the SQLite file:
 * n8n 1.x's default SQLite driver keeps no write-ahead log, so an outside reader can hold a lock n8n
 * then waits for, which would disturb the timings the suites measure.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { N8nMain, type ExecutionRow, type MainOptions } from './n8nMain';
import { setUpOwner } from './owner';
import type { ExecutionData } from './realN8n';

/** The most executions n8n's REST API returns per page. */
const PAGE = 100;

export class RegularN8n extends N8nMain {
	private cookie = '';

	constructor(options: MainOptions) {
		super(options);
	}

	protected get modeEnv(): NodeJS.ProcessEnv {
		return { EXECUTIONS_MODE: 'regular', DB_TYPE: 'sqlite' };
	}

	protected async finishBoot(): Promise<void> {
		const { cookie } = await setUpOwner(this.url);
		if (!cookie) throw new Error('n8n set up no owner: its executions cannot be read');
		this.cookie = cookie;
	}

	/**
	 * Executions as n8n's database has them (running ones included), oldest first. With both ends of
	 * an id range given, n8n lists every status by id, newest first, a page at a time.
	 */
	async executions(workflowId?: string): Promise<ExecutionRow[]> {
		const rows: ExecutionRow[] = [];
		let lastId = String(Number.MAX_SAFE_INTEGER);
		for (;;) {
			const query = new URLSearchParams({ firstId: '0', lastId, limit: String(PAGE) });
			if (workflowId) query.set('filter', JSON.stringify({ workflowId }));
			const answer = await fetch(`${this.url}/rest/executions?${query.toString()}`, { headers: { cookie: this.cookie } });
			if (!answer.ok) throw new Error(`GET /rest/executions: HTTP ${answer.status} ${await answer.text()}`);
			const { data } = (await answer.json()) as { data: { results: Array<{ id: string | number; status: string; workflowId: string }> } };
			rows.push(...data.results.map(({ id, status, workflowId: ofWorkflow }) => ({ id: String(id), status, workflowId: ofWorkflow })));
			if (data.results.length < PAGE) break;
			lastId = rows[rows.length - 1].id;
		}
		return rows.sort((a, b) => Number(a.id) - Number(b.id));
	}

	/** One execution with its data (each node's runs, the workflow's error), as the editor shows it. */
	async execution(id: string): Promise<ExecutionData> {
		const answer = await fetch(`${this.url}/rest/executions/${id}`, { headers: { cookie: this.cookie } });
		if (!answer.ok) throw new Error(`GET /rest/executions/${id}: HTTP ${answer.status} ${await answer.text()}`);
		const { data: execution } = (await answer.json()) as { data: { status?: string; finished?: boolean; data: string } };
		// The data comes as n8n writes it, in `flatted`'s format (JSON that keeps shared references): read with n8n's own copy.
		const flatted = createRequire(join(this.options.install.dir, 'node_modules', 'n8n', 'package.json'))('flatted') as { parse(text: string): unknown };
		return { ...execution, data: flatted.parse(execution.data) as ExecutionData['data'] };
	}

	/** Why an execution failed: the workflow's error and each failed node's, one text; undefined when nothing failed. */
	async executionError(id: string): Promise<string | undefined> {
		const { data } = await this.execution(id);
		const nodeErrors = Object.entries(data.resultData.runData).flatMap(([node, runs]) =>
			runs.filter((run) => run.error).map((run) => `${node}: ${[run.error?.message, run.error?.description].filter(Boolean).join(' — ')}`),
		);
		const texts = [...new Set([data.resultData.error?.message, ...nodeErrors].filter((text): text is string => Boolean(text)))];
		return texts.length ? texts.join('; ') : undefined;
	}
}
