#!/usr/bin/env node
// npm run verify: what n8n's verification of community nodes lets a machine check, on the packed tarball
// (what npm would publish) and on this repository. One line per check, then exit 1 if any failed.
// What stays manual is listed in CONTRIBUTING.md ("Verification by n8n").
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

import { packTarball, scanPackage } from './scan.mjs';

const root = resolve(import.meta.dirname, '..');
const nodeCli = join(root, 'node_modules', '@n8n', 'node-cli');
const results = [];

function report(name, passed, why, details) {
	results.push(passed);
	console.log(`${passed ? 'passed' : 'FAILED'}  ${name}: ${why}`);
	if (!passed && details) console.log(details.replace(/^/gm, '    '));
}

const isEmpty = (value) => value === undefined || (typeof value === 'object' && Object.keys(value).length === 0);

/** `owner/name` of a GitHub repository from a homepage or repository URL, lower-cased; undefined if not GitHub. */
function githubRepo(url) {
	const match = /^(?:git\+)?(?:https?|ssh|git):\/\/(?:git@)?github\.com[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?(?:[/#?].*)?$/i.exec(
		url ?? '',
	);
	return match ? `${match[1]}/${match[2]}`.toLowerCase() : undefined;
}

/** The files an icon (`'file:x.svg'` or `{ light, dark }`) names, relative to the package. */
function iconFiles(icon, jsFile, packageDir) {
	const icons = typeof icon === 'string' ? [icon] : Object.values(icon ?? {});
	return icons
		.filter((value) => typeof value === 'string' && value.startsWith('file:'))
		.map((value) => relative(packageDir, resolve(dirname(jsFile), value.slice('file:'.length))));
}

function checkMetadata(pkg) {
	const validName = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?n8n-nodes-/.test(pkg.name ?? '');
	report(
		'package name',
		validName,
		validName
			? pkg.name
			: `${pkg.name ?? 'missing'} (must start with n8n-nodes- or @scope/n8n-nodes-)`,
	);
	const keywords = pkg.keywords ?? [];
	report(
		'keyword',
		keywords.includes('n8n-community-node-package'),
		keywords.includes('n8n-community-node-package')
			? 'n8n-community-node-package is in keywords'
			: 'keywords lack n8n-community-node-package',
	);
	report(
		'description',
		typeof pkg.description === 'string' && pkg.description.trim() !== '',
		pkg.description ? `"${pkg.description}"` : 'missing',
	);
	report('license', pkg.license === 'MIT', pkg.license === 'MIT' ? 'MIT' : `${pkg.license ?? 'missing'} (must be MIT)`);
	const author =
		typeof pkg.author === 'string'
			? { name: pkg.author.replace(/[<(].*$/, '').trim(), email: /<([^>]*)>/.exec(pkg.author)?.[1] }
			: (pkg.author ?? {});
	report(
		'author',
		Boolean(author.name?.trim() && author.email?.trim()),
		author.name || author.email ? `${author.name ?? '(no name)'} <${author.email ?? 'no email'}>` : 'missing',
	);
	const homeRepo = githubRepo(pkg.homepage);
	report(
		'homepage',
		Boolean(homeRepo),
		homeRepo ? pkg.homepage : `${pkg.homepage ?? 'missing'} (must be the package's GitHub repository)`,
	);
	const repositoryUrl = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
	const isGitUrl = /^(git\+https|git\+ssh|git|ssh):\/\/|\.git$/.test(repositoryUrl ?? '');
	const repo = githubRepo(repositoryUrl);
	report(
		'repository',
		isGitUrl && Boolean(repo) && repo === homeRepo,
		!repositoryUrl
			? 'missing'
			: !isGitUrl || !repo
				? `${repositoryUrl} is not a git URL of a GitHub repository`
				: repo === homeRepo
					? `${repositoryUrl} is the homepage's repository (${repo})`
					: `${repositoryUrl} is ${repo}, the homepage is ${homeRepo ?? 'not on GitHub'}`,
	);
	report(
		'files',
		Array.isArray(pkg.files) && pkg.files.length > 0,
		Array.isArray(pkg.files) ? JSON.stringify(pkg.files) : 'no "files" array',
	);
	const runtime = ['dependencies', 'optionalDependencies', 'bundleDependencies', 'bundledDependencies'].filter(
		(field) => !isEmpty(pkg[field]),
	);
	report(
		'no runtime dependencies',
		runtime.length === 0,
		runtime.length === 0
			? 'no dependencies in the packed package.json'
			: runtime.map((field) => `${field}: ${Object.keys(pkg[field]).join(', ')}`).join('; '),
	);
	const peers = pkg.peerDependencies ?? {};
	const otherPeers = Object.keys(peers).filter((name) => !['n8n-workflow', '@n8n/ai-node-sdk'].includes(name));
	report(
		'peer dependencies',
		peers['n8n-workflow'] === '*' && otherPeers.length === 0,
		peers['n8n-workflow'] !== '*'
			? `n8n-workflow must be "*", is ${JSON.stringify(peers['n8n-workflow'])}`
			: otherPeers.length > 0
				? `not allowed: ${otherPeers.join(', ')}`
				: 'n8n-workflow: "*"',
	);
	const forbidden = ['prepare', 'preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'postprepare'];
	const lifecycle = Object.keys(pkg.scripts ?? {}).filter((name) => forbidden.includes(name));
	report(
		'no install scripts',
		lifecycle.length === 0,
		lifecycle.length === 0 ? `none of ${forbidden.join(', ')}` : `forbidden: ${lifecycle.join(', ')}`,
	);
}

/** The `n8n` block: its files are in the tarball, load, export the class n8n looks for, and their icons ship. */
function checkN8nBlock(pkg, packageDir) {
	const n8n = pkg.n8n ?? {};
	const listed = [...(n8n.nodes ?? []), ...(n8n.credentials ?? [])];
	const missing = listed.filter((file) => !existsSync(join(packageDir, file)));
	report(
		'n8n block',
		n8n.n8nNodesApiVersion === 1 && (n8n.nodes ?? []).length > 0 && missing.length === 0,
		n8n.n8nNodesApiVersion !== 1
			? `n8nNodesApiVersion is ${JSON.stringify(n8n.n8nNodesApiVersion)}, not 1`
			: (n8n.nodes ?? []).length === 0
				? 'no nodes listed'
				: missing.length > 0
					? `listed but not in the tarball: ${missing.join(', ')}`
					: `${listed.length} files listed, all in the tarball: ${listed.join(', ')}`,
	);
	if (missing.length > 0) return;

	// Load each file as n8n does: the export named like the file (PlivoPhlo.node.js -> PlivoPhlo).
	const requireFromPackage = createRequire(join(packageDir, 'package.json'));
	const loadErrors = [];
	const icons = [];
	for (const [kind, files] of [
		['node', n8n.nodes ?? []],
		['credential', n8n.credentials ?? []],
	]) {
		for (const file of files) {
			const path = join(packageDir, file);
			const className = basename(file).replace(/\.(node|credentials)\.js$/, '');
			try {
				const Class = requireFromPackage(path)[className];
				if (typeof Class !== 'function') throw new Error(`exports no class ${className}`);
				const instance = new Class();
				const icon = kind === 'node' ? instance.description?.icon : instance.icon;
				if (!icon) throw new Error(`${className} has no icon`);
				icons.push(...iconFiles(icon, path, packageDir).map((icon) => ({ file, icon })));
			} catch (error) {
				loadErrors.push(`${file}: ${error.message}`);
			}
		}
	}
	report(
		'n8n files load',
		loadErrors.length === 0,
		loadErrors.length === 0 ? 'each exports the class named like its file' : loadErrors.join('; '),
	);
	const missingIcons = icons.filter(({ icon }) => !existsSync(join(packageDir, icon)));
	report(
		'icons',
		loadErrors.length === 0 && icons.length > 0 && missingIcons.length === 0,
		missingIcons.length > 0
			? `not in the tarball: ${missingIcons.map(({ file, icon }) => `${icon} (for ${file})`).join(', ')}`
			: icons.length === 0
				? 'no icon file found'
				: `in the tarball: ${[...new Set(icons.map(({ icon }) => icon))].join(', ')}`,
	);
	const readme = ['README.md', 'LICENSE'].filter((file) => !existsSync(join(packageDir, file)));
	report(
		'README and LICENSE',
		readme.length === 0,
		readme.length === 0 ? 'both in the tarball' : `not in the tarball: ${readme.join(', ')}`,
	);
}

/**
 * `n8n-node lint` in its cloud mode (`"strict": true` in package.json and n8n's default eslint.config.mjs,
 * which it enforces) on what ships: the sources tsc compiles into dist/ and the packed package.json, copied
 * beside n8n's default config so that the repository's tests and scripts are left out.
 */
function checkLint(pkg, work) {
	if (pkg.n8n?.strict !== true) {
		report('n8n-node lint (cloud mode)', false, '"n8n": { "strict": true } is not set: n8n-node lint skips its cloud checks');
		return;
	}
	const stage = join(work, 'lint');
	mkdirSync(stage);
	const { include } = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
	const shipped = [...new Set(include.map((pattern) => pattern.split('/')[0]))];
	for (const entry of [...shipped, 'tsconfig.json']) cpSync(join(root, entry), join(stage, entry), { recursive: true });
	copyFileSync(join(work, 'package', 'package.json'), join(stage, 'package.json'));
	copyFileSync(
		join(nodeCli, 'dist', 'template', 'templates', 'shared', 'default', 'eslint.config.mjs'),
		join(stage, 'eslint.config.mjs'),
	);
	symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'), 'dir');
	// n8n-node lint reads NODE_ENV (jest sets it to `test`), which changes what it reports: left out, as in a release.
	const env = { ...process.env };
	delete env.NODE_ENV;
	const run = spawnSync(process.execPath, [join(nodeCli, 'bin', 'n8n-node.mjs'), 'lint'], {
		cwd: stage,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		encoding: 'utf8',
	});
	const output = stripVTControlCharacters(`${run.stdout}${run.stderr}`).replaceAll(stage, '.');
	const summary = /✖ .*problems?.*/.exec(output)?.[0];
	report(
		'n8n-node lint (cloud mode)',
		run.status === 0,
		run.status === 0
			? `no problems in ${shipped.join(', ')} and package.json under n8n's default config, strict`
			: (summary ?? `exit ${run.status}`),
		output.trim(),
	);
}

/** The publish workflow publishes from a GitHub Action with an npm provenance statement. */
function checkPublishWorkflow(pkg) {
	const file = '.github/workflows/publish.yml';
	if (!existsSync(join(root, file))) {
		report('publish with provenance', false, `${file} is missing`);
		return;
	}
	const workflow = readFileSync(join(root, file), 'utf8').replace(/#.*$/gm, '');
	const idToken = /^\s*id-token:\s*write\s*$/m.test(workflow);
	const publish = /^\s*(?:-\s*)?run:.*\bnpm publish\b(.*)$/m.exec(workflow);
	const provenance = Boolean(publish && /--provenance\b/.test(publish[1])) || pkg.publishConfig?.provenance === true;
	const onGitHub = /^\s*runs-on:/m.test(workflow) && /^on:/m.test(workflow);
	const problems = [
		!onGitHub && 'not a GitHub Actions workflow (no on: / runs-on:)',
		!publish && 'no `npm publish` step',
		publish && !provenance && '`npm publish` without --provenance',
		!idToken && 'no `id-token: write` permission',
	].filter(Boolean);
	report(
		'publish with provenance',
		problems.length === 0,
		problems.length === 0 ? `${file}: npm publish --provenance with id-token: write` : `${file}: ${problems.join('; ')}`,
	);
}

const work = mkdtempSync(join(tmpdir(), 'plivo-phlo-verify-'));
try {
	let packed;
	try {
		packed = packTarball(root, work);
	} catch (error) {
		report('build and pack', false, error.message);
	}
	if (packed) {
		const { tarball, packageDir } = packed;
		const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
		report('build and pack', true, basename(tarball));

		checkLint(pkg, work);
		for (const result of await scanPackage(root, packageDir)) {
			report(
				`scan ${result.label}`,
				result.passed,
				result.passed ? "n8n's community-package scanner found nothing" : result.message,
				result.details && stripVTControlCharacters(result.details).trim(),
			);
		}
		checkMetadata(pkg);
		// Loading the files needs n8n-workflow, which n8n provides: the repository's stands in.
		symlinkSync(join(root, 'node_modules'), join(packageDir, 'node_modules'), 'dir');
		checkN8nBlock(pkg, packageDir);
		checkPublishWorkflow(pkg);
	}
} finally {
	rmSync(work, { recursive: true, force: true });
}
const failed = results.filter((passed) => !passed).length;
// Worded unlike the "N passed, N failed" line CI reads as the run's test count.
console.log(`verify: ${results.length - failed} of ${results.length} checks passed`);
process.exit(failed > 0 ? 1 : 0);
