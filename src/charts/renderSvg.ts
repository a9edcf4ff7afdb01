/**
 * Renders chart specs to SVG in Node (editor decorations, hovers, exports, tests). Node only:
 * the browser renders the same specs with vega-embed.
 *
 * vega is loaded with a dynamic `import()`: its Node build pulls in vega-canvas, whose top-level
 * `await` cannot be required as CommonJS. A CommonJS bundle must alias `vega-canvas` to its
 * browser build (no canvas is needed for SVG).
 */
import type { View } from 'vega';
import type { TopLevelSpec } from 'vega-lite';

/** Named datasets to insert: dataset name → rows. */
export type Datasets = Record<string, readonly object[]>;

/** A headless Vega view of `spec` with `datasets` inserted and the dataflow run. Finalize it when done. */
export async function renderView(spec: TopLevelSpec, datasets: Datasets = {}): Promise<View> {
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  for (const [name, rows] of Object.entries(datasets)) {
    view.data(
      name,
      rows.map((row) => ({ ...row })),
    );
  }
  await view.runAsync();
  return view;
}

/** The chart as an SVG document. */
export async function renderSvg(spec: TopLevelSpec, datasets: Datasets = {}): Promise<string> {
  const view = await renderView(spec, datasets);
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
