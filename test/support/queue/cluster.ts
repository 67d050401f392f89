/**
 * n8n in queue mode on loopback, as users run it: Redis, PostgreSQL, one main and several workers,
 * each n8n process with its own user folder and the packed package installed in `.n8n/nodes`. Main
 * itself, and what every mode shares, is in `../n8nMain`.
 */
import { N8nMain, type ExecutionRow, type MainOptions } from '../n8nMain';
import { N8nProcess } from '../n8nProcess';
import { startPostgres, startRedis, type Postgres, type Redis } from './services';

export { postWebhook, sendWebhookRequests, sendWebhooks, type WebhookAnswer } from '../n8nMain';
export { N8nProcess } from '../n8nProcess';

export interface ClusterOptions extends MainOptions {
	workers: number;
	workerConcurrency?: number;
	/** Leave the package out of main's user folder, or out of these workers'. */
	withoutPackage?: { main?: boolean; workers?: number[] };
}

export class Cluster extends N8nMain<ClusterOptions> {
	readonly workers: N8nProcess[] = [];

	private constructor(
		options: ClusterOptions,
		readonly postgres: Postgres,
		readonly redis: Redis,
	) {
		super(options);
	}

	static async start(options: ClusterOptions): Promise<Cluster> {
		const postgres = await startPostgres();
		const redis = await startRedis().catch(async (error: unknown) => {
			await postgres.stop();
			throw error;
		});
		return new Cluster(options, postgres, redis);
	}

	protected get modeEnv(): NodeJS.ProcessEnv {
		return {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(this.redis.port),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(this.postgres.port),
			DB_POSTGRESDB_DATABASE: this.postgres.database,
			DB_POSTGRESDB_USER: this.postgres.user,
			DB_POSTGRESDB_PASSWORD: '',
		};
	}

	protected async startBesideMain(): Promise<void> {
		for (let index = 0; index < this.options.workers; index++) await this.addWorker(!this.options.withoutPackage?.workers?.includes(index));
	}

	protected async finishBoot(): Promise<void> {
		await Promise.all(this.workers.map((worker) => worker.waitFor(/n8n worker is now ready/)));
	}

	protected get processes(): N8nProcess[] {
		return [...super.processes, ...this.workers];
	}

	protected async stopServices(): Promise<void> {
		await this.redis.stop();
		await this.postgres.stop();
	}

	async addWorker(withPackage = true): Promise<N8nProcess> {
		const instance = await this.newInstance(withPackage);
		const worker = new N8nProcess(`worker-${this.workers.length + 1}`, 'worker', instance, [
			'worker',
			`--concurrency=${this.options.workerConcurrency ?? 5}`,
		], {});
		worker.start();
		this.workers.push(worker);
		return worker;
	}

	/** Executions as n8n's PostgreSQL database has them. */
	executions(workflowId?: string): Promise<ExecutionRow[]> {
		const where = workflowId ? `WHERE "workflowId" = '${workflowId}'` : '';
		const rows = this.postgres.query(`SELECT id, status, "workflowId" FROM execution_entity ${where} ORDER BY id`);
		return Promise.resolve(rows.map(([id, status, ofWorkflow]) => ({ id, status, workflowId: ofWorkflow })));
	}
}
