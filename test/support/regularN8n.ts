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
	/** Whether this n8n refused an id range and pages its executions by cursor (2.41 and later). */
	private pagesByCursor = false;

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
	 * Executions as n8n's database has them (running ones included), oldest first. Up to n8n 2.40, with
	 * both ends of an id range given, n8n lists every status by id, newest first, a page at a time; n8n
	 * 2.41 refuses an id range ("Use cursor to load execution pages") and pages with a cursor instead.
	 */
	async executions(workflowId?: string): Promise<ExecutionRow[]> {
		const filter: Record<string, string> = workflowId ? { filter: JSON.stringify({ workflowId }) } : {};
		if (!this.pagesByCursor) {
			const rows = await this.executionsByIdRange(filter);
			if (rows) return rows;
			this.pagesByCursor = true;
		}
		return await this.executionsByCursor(filter);
	}

	private async executionPage(query: Record<string, string>): Promise<{ status: number; body: string }> {
		const answer = await fetch(`${this.url}/rest/executions?${new URLSearchParams(query).toString()}`, { headers: { cookie: this.cookie } });
		const body = await answer.text();
		return { status: answer.status, body };
	}

	private rowsOf(body: string): { rows: ExecutionRow[]; nextCursor?: string | null } {
		const { data } = JSON.parse(body) as {
			data: { results: Array<{ id: string | number; status: string; workflowId: string }>; nextCursor?: string | null };
		};
		const rows = data.results.map(({ id, status, workflowId }) => ({ id: String(id), status, workflowId }));
		return { rows, nextCursor: data.nextCursor };
	}

	/** Every execution by id range (n8n up to 2.40); undefined when this n8n asks for a cursor instead. */
	private async executionsByIdRange(filter: Record<string, string>): Promise<ExecutionRow[] | undefined> {
		const rows: ExecutionRow[] = [];
		let lastId = String(Number.MAX_SAFE_INTEGER);
		for (;;) {
			const page = await this.executionPage({ firstId: '0', lastId, limit: String(PAGE), ...filter });
			if (page.status === 400 && page.body.includes('Use cursor')) return undefined;
			if (page.status !== 200) throw new Error(`GET /rest/executions: HTTP ${page.status} ${page.body}`);
			const { rows: found } = this.rowsOf(page.body);
			rows.push(...found);
			if (found.length < PAGE) break;
			lastId = rows[rows.length - 1].id;
		}
		return rows.sort((a, b) => Number(a.id) - Number(b.id));
	}

	/**
	 * Every execution by cursor (n8n 2.41): the first page holds the running ones and the newest finished
	 * ones, each further page older finished ones. One that finishes while the pages are read can be on
	 * two of them: its last state is kept. n8n orders the pages by start time but cuts them by id, so an
	 * execution created before another and started after it can fall between two pages: a wait for a
	 * count then times out rather than passing short.
	 */
	private async executionsByCursor(filter: Record<string, string>): Promise<ExecutionRow[]> {
		const byId = new Map<string, ExecutionRow>();
		let cursor: string | null | undefined;
		do {
			const page = await this.executionPage({ limit: String(PAGE), ...filter, ...(cursor ? { cursor } : {}) });
			if (page.status !== 200) throw new Error(`GET /rest/executions: HTTP ${page.status} ${page.body}`);
			const { rows, nextCursor } = this.rowsOf(page.body);
			for (const row of rows) byId.set(row.id, row);
			cursor = nextCursor;
		} while (cursor);
		return [...byId.values()].sort((a, b) => Number(a.id) - Number(b.id));
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
