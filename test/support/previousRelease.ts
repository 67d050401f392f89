/**
 * The last release published to npm: the package users have installed and whose saved workflows the next
 * release must keep running. The rehearsal installs its tarball as published (`RELEASED_TARBALL`); making
 * the upgrade fixture runs its code, rebuilt from its commit. Its source is taken out of git (`git archive`, so
 * that nothing is added to the repository's worktree list), installed from its own lockfile with npm's
 * download cache, built and packed into `<cache>/release/`, once per commit.
 *
 * After a release, `PREVIOUS_RELEASE` moves to the commit that was published and the upgrade fixture is
 * made again (`npx tsx scripts/release-fixture.ts`; CONTRIBUTING.md, "Releasing").
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { CACHE_DIR, duration, REPO_ROOT, run, type Log } from './realN8n';

export const PREVIOUS_RELEASE = { version: '0.1.0', commit: 'a374ad6a0eac228f64641b50a752971b8b51b04b' } as const;

/**
 * The previous release's tarball as published, kept in the repository: what users installed, needed by the
 * rehearsal whatever the clone's depth. (Built from `PREVIOUS_RELEASE.commit` by `previousRelease()`.)
 */
export const RELEASED_TARBALL = join(REPO_ROOT, 'test', 'fixtures', 'release', `n8n-nodes-plivo-phlo-${PREVIOUS_RELEASE.version}.tgz`);

export interface PreviousRelease {
	version: string;
	commit: string;
	/** The release's source tree, built, with its own node_modules (its n8n-core, its test support). */
	dir: string;
	/** What `npm pack` made of it: the tarball npm had published. */
	tarball: string;
}

const stderrLog: Log = (message) => process.stderr.write(`${message}\n`);

async function step(what: string, command: string, args: string[], cwd: string): Promise<string> {
	const result = await run(command, args, { cwd, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
	if (result.code !== 0) throw new Error(`${what} failed (${command} ${args.join(' ')}, exit ${result.code}):\n${(result.stderr || result.stdout).slice(-3000)}`);
	return result.stdout;
}

/** Throws a clear error when the clone lacks the release's commit (a shallow clone, say). */
export async function assertCommitPresent(commit: string): Promise<void> {
	const found = await run('git', ['cat-file', '-e', `${commit}^{commit}`], { cwd: REPO_ROOT });
	if (found.code !== 0) {
		throw new Error(
			`The previous release's commit ${commit} is not in this clone's history (a shallow clone?). ` +
				'Fetch the whole history (`git fetch --unshallow`, or a checkout with fetch-depth: 0) and run again.',
		);
	}
}

/** The previous release, built and packed; the first call takes a minute or two, later ones reuse `<cache>/release/`. */
export async function previousRelease(log: Log = stderrLog): Promise<PreviousRelease> {
	const { version, commit } = PREVIOUS_RELEASE;
	const dir = join(CACHE_DIR, 'release', `${version}-${commit.slice(0, 7)}`);
	const tarball = join(dir, `n8n-nodes-plivo-phlo-${version}.tgz`);
	if (existsSync(join(dir, '.ready'))) return { version, commit, dir, tarball };

	await assertCommitPresent(commit);
	const started = Date.now();
	log(`Building release ${version} from ${commit.slice(0, 7)} into ${dir} (once)`);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const archive = join(CACHE_DIR, 'release', `${commit}.tar`);
	await step('git archive', 'git', ['archive', '--format=tar', `--output=${archive}`, commit], REPO_ROOT);
	await step('unpacking the release', 'tar', ['-xf', archive, '-C', dir], REPO_ROOT);
	rmSync(archive);
	await step('npm ci', 'npm', ['ci', '--prefer-offline'], dir);
	await step('npm run build', 'npm', ['run', '--silent', 'build'], dir);
	const packed = join(dir, '.pack');
	mkdirSync(packed);
	await step('npm pack', 'npm', ['pack', '--pack-destination', packed], dir);
	const [file] = readdirSync(packed);
	if (file !== `n8n-nodes-plivo-phlo-${version}.tgz`) throw new Error(`npm pack made ${file}: the commit's package.json is not version ${version}`);
	renameSync(join(packed, file), tarball);
	rmSync(packed, { recursive: true });
	writeFileSync(join(dir, '.ready'), new Date().toISOString());
	log(`Release ${version} built in ${duration(Date.now() - started)}`);
	return { version, commit, dir, tarball };
}
