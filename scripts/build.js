// Bundles the CLI into dist/ so it starts fast: one file per lazily loaded part, production React.
import {chmodSync} from 'node:fs';
import {build} from 'esbuild';

await build({
	entryPoints: {cli: 'source/cli.tsx'},
	outdir: 'dist',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	// Ink imports it only when DEV is set; it is not a dependency.
	external: ['react-devtools-core'],
	define: {'process.env.NODE_ENV': '"production"'},
	// Some dependencies are CommonJS: they call require() and use __filename (write-file-atomic names its temp files with it).
	banner: {
		js: [
			"import {createRequire as __createRequire} from 'node:module';",
			"import {fileURLToPath as __fileURLToPath} from 'node:url';",
			'const require = __createRequire(import.meta.url);',
			'const __filename = __fileURLToPath(import.meta.url);',
			"const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
		].join(' '),
	},
	chunkNames: 'chunks/[name]-[hash]',
	logLevel: 'warning',
	legalComments: 'none',
});
chmodSync('dist/cli.js', 0o755);
