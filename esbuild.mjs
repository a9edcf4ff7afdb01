// One build script for every bundle. `node esbuild.mjs [--watch] [--production]`.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: { watch: { type: 'boolean', default: false }, production: { type: 'boolean', default: false } },
});

const require = createRequire(import.meta.url);
const outdir = 'dist';

/** Node bundles: the extension host, the training worker, the CLI and the extension-host test suite. */
const nodeEntries = [
  { in: 'src/extension/extension.ts', out: 'extension' },
  { in: 'src/worker/trainingWorker.ts', out: 'worker' },
  { in: 'src/cli/main.ts', out: 'cli' },
  { in: 'test/integration/suite/index.ts', out: 'test/integration' },
].filter((entry) => existsSync(entry.in));

/** tfjs's wasm backend and our compute kernels load their binaries from files beside the bundle. */
function copyWasmBinaries() {
  const wasmDist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  mkdirSync(outdir, { recursive: true });
  for (const file of readdirSync(wasmDist).filter((f) => f.endsWith('.wasm'))) {
    cpSync(join(wasmDist, file), join(outdir, file));
  }
  for (const file of ['kernels.wasm', 'kernels-relaxed.wasm']) cpSync(join('src', 'engine', 'kernels', file), join(outdir, file));
}

/**
 * The schema VS Code's JSON support validates `*.rnn.json` against: the spec schema without its
 * `additionalProperties: false`. The JSON service reports an unknown key only as a warning, but
 * Train refuses it; RNN Lab reports it itself, as an error with a "did you mean" hint.
 */
function writeEditorSchema() {
  const withoutClosedObjects = (node) => {
    if (Array.isArray(node)) return node.map(withoutClosedObjects);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node)
        .filter(([key, value]) => !(key === 'additionalProperties' && value === false))
        .map(([key, value]) => [key, withoutClosedObjects(value)]),
    );
  };
  const schema = JSON.parse(readFileSync(join('media', 'rnn-spec.schema.json'), 'utf8'));
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, 'rnn-spec.editor.schema.json'), `${JSON.stringify(withoutClosedObjects(schema), null, 2)}\n`);
}

const nodeOptions = {
  entryPoints: nodeEntries,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  // jsonc-parser's UMD build (its "main") requires files that are not bundled; prefer ES modules.
  mainFields: ['module', 'main'],
  // vega renders the editor's chart images to SVG (src/charts/renderSvg.ts). Its Node build of
  // vega-canvas has a top-level `await import('canvas')`, which CommonJS cannot hold; SVG needs no
  // canvas, so the browser build stands in.
  alias: { 'vega-canvas': './node_modules/vega-canvas/build/vega-canvas.browser.js' },
  sourcemap: !flags.production,
  minify: flags.production,
  logLevel: 'info',
  // Two `require.resolve` calls stay unbundled on purpose: the wasm backend's fallback for running from
  // source (src/engine/backend.ts), and mocha's parallel mode, which the test suite never uses.
  logOverride: { 'require-resolve-not-external': 'silent' },
};

/** The experiment panel's app: one browser script and its stylesheet, the webview's only resources. */
const webviewOptions = {
  entryPoints: [
    { in: 'webview-ui/main.ts', out: 'panel' },
    { in: 'webview-ui/panel.css', out: 'panel' },
  ],
  outdir: join(outdir, 'webview'),
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  sourcemap: !flags.production,
  minify: flags.production,
  logLevel: 'info',
};

copyWasmBinaries();
writeEditorSchema();
if (flags.watch) {
  const contexts = await Promise.all([esbuild.context(nodeOptions), esbuild.context(webviewOptions)]);
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all([esbuild.build(nodeOptions), esbuild.build(webviewOptions)]);
}
