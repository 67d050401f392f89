const { src, dest } = require('gulp');

/** tsc compiles the code; the icons and the codex file are copied beside it. */
function buildAssets() {
	return src(['nodes/**/*.{svg,png}', 'nodes/**/*.node.json', 'credentials/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports['build:assets'] = buildAssets;
