import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { View } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import type { ProbeEvent } from '../../src/engine/events';
import type { RunSummary } from '../../src/engine/runs/summary';
import {
  DEFAULT_THEME,
  GRADIENT_LAYER_PARAM,
  ZOOM_PARAM,
  CROSSHAIR_PARAM,
  activationColor,
  activationSpans,
  compareChartSpec,
  compareRows,
  runStyles,
  uniqueRunLabels,
  accuracyChartSpec,
  accuracySentence,
  bestEpoch,
  epochCaption,
  confusionChartSpec,
  confusionRows,
  differingConfig,
  downsampleExtrema,
  epochRow,
  forecastScatterSpec,
  residualChartSpec,
  sequenceChartSpec,
  sequenceRows,
  forecastRows,
  gradientFlowChartSpec,
  gradientRowLabels,
  gradientRows,
  hiddenStateChartSpec,
  hiddenStateData,
  hoverChartSpec,
  lossChartSpec,
  probeDirections,
  quantityColorDomain,
  runColor,
  smoothDebiased,
  sortByBest,
  sparklineSpec,
  stepRows,
  sweepAxisScale,
  sweepChartSpec,
  sweepPointRows,
  type ChartTheme,
} from '../../src/charts';
import { renderSvg, renderView, type Datasets } from '../../src/charts/renderSvg';

// ---- fixtures: shaped like a real run (adding problem, 2-layer LSTM, 8 units, 40 steps) ----

const UNITS = 8;
const STEPS = 40;
const WIDTH = 480;

/** A small deterministic generator, so fixtures are the same on every run. */
function sequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const random = sequence(7);
const lossSteps = stepRows(
  Array.from({ length: 400 }, (_, i) => ({ step: i + 1, loss: 0.2 / (1 + i / 50) + 0.03 * random() })),
  0.9,
);
const epochs = Array.from({ length: 8 }, (_, k) =>
  epochRow({ epoch: k + 1, trainLoss: 0.18 / (1 + k), validationLoss: 0.2 / (1 + k) + (k >= 5 ? 0.02 : 0) }, (k + 1) * 50),
);
const baseline = [{ loss: 0.167, label: 'predict 1' }];

function grid(f: (unit: number, time: number) => number): number[][] {
  return Array.from({ length: UNITS }, (_, u) => Array.from({ length: STEPS }, (_, t) => f(u, t)));
}

const probe: ProbeEvent = {
  type: 'probe',
  epoch: 4,
  samples: [12, 30],
  inputs: [0, 1].map(() => Array.from({ length: STEPS }, (_, t) => [random(), t === 5 || t === 27 ? 1 : 0])),
  layers: [0, 1].map((layer) => ({
    layer,
    quantities: {
      h: [0, 1].map((s) => grid((u, t) => Math.tanh(Math.sin(u + t / 5 + s + layer)))),
      f: [0, 1].map(() => grid((u, t) => 1 / (1 + Math.exp(-Math.cos(u * t))))),
      c: [0, 1].map(() => grid((u, t) => 3 * Math.sin(u - t / 7))),
    },
  })),
  gradientNorms: [Array.from({ length: STEPS }, (_, t) => 1e-7 * Math.exp(t / 3)), Array.from({ length: STEPS - 10 }, (_, t) => 1e-3 * Math.exp(t / 20))],
  predictions: { kind: 'forecast', targets: [], predictions: [] },
};

const DARK: ChartTheme = {
  foreground: '#eeeee1',
  background: '#1e1e2e',
  grid: '#3a3a4a',
  muted: '#9a9aa9',
  fontFamily: 'monospace',
  fontSize: 12,
  palette: ['#ff00a1', '#00ffa2', '#a3a300', '#0000a4', '#a500a5', '#00a6a6', '#a7a7a7', '#a8a800'],
  diverging: ['#0b0bff', '#202020', '#ff0b0b'],
};

// ---- helpers reading the rendered view ----

interface SceneMark {
  marktype: string;
  role: string;
  items: SceneNode[];
}
interface SceneNode {
  items?: SceneNode[];
  marktype?: string;
  role?: string;
  text?: string;
  stroke?: string;
  fill?: string;
}

/** Every data-driven mark in the scenegraph (axes, legends and titles left out). */
function dataMarks(view: View): SceneMark[] {
  const found: SceneMark[] = [];
  const walk = (node: SceneNode) => {
    if (node.marktype && node.role === 'mark') {
      found.push(node as SceneMark);
    }
    node.items?.forEach(walk);
  };
  walk((view.scenegraph() as unknown as { root: SceneNode }).root);
  return found;
}

function itemCount(view: View, marktype: string): number {
  return dataMarks(view)
    .filter((m) => m.marktype === marktype)
    .reduce((n, m) => n + m.items.length, 0);
}

/** All text drawn in the SVG (axis titles, labels, legends, annotations). */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].replace(/&amp;/g, '&'));
}

/** '#rrggbb' as d3 writes an interpolated colour: 'rgb(r, g, b)'. */
function hexToRgb(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}

async function withView<T>(spec: TopLevelSpec, datasets: Datasets, read: (view: View) => T | Promise<T>): Promise<T> {
  const view = await renderView(spec, datasets);
  try {
    return await read(view);
  } finally {
    view.finalize();
  }
}

/** The line marks: for each drawn line, its number of points and its stroke colour. */
function lines(view: View): { points: number; stroke: string | undefined }[] {
  return dataMarks(view)
    .filter((m) => m.marktype === 'line' && m.items.length > 0)
    .map((m) => ({ points: m.items.length, stroke: m.items[0].stroke }));
}

/** The rules drawn visibly (opacity not 0). */
function visibleRules(view: View): number {
  return dataMarks(view)
    .filter((m) => m.marktype === 'rule')
    .flatMap((m) => m.items as (SceneNode & { opacity?: number })[])
    .filter((item) => item.opacity !== 0).length;
}

/** The visible labels of the axis titled `title`, left to right: their text and x position. */
function axisLabels(view: View, title: string): { text: string; x: number }[] {
  type Node = SceneNode & { x?: number; opacity?: number };
  const descendants = (node: Node): Node[] => [node, ...((node.items ?? []) as Node[]).flatMap(descendants)];
  const axes = descendants((view.scenegraph() as unknown as { root: Node }).root).filter((node) => node.role === 'axis' && node.marktype === 'group');
  const axis = axes.find((group) => descendants(group).some((node) => node.role === 'axis-title' && node.items?.some((item) => item.text === title)));
  return descendants(axis ?? {})
    .filter((node) => node.role === 'axis-label')
    .flatMap((node) => (node.items ?? []) as Node[])
    .filter((item) => item.opacity !== 0 && item.text !== undefined)
    .map((item) => ({ text: String(item.text), x: item.x ?? 0 }))
    .sort((a, b) => a.x - b.x);
}

function scaleOf(view: View, name: string): { type: string; domain(): number[] } {
  return view.scale(name) as unknown as { type: string; domain(): number[] };
}

// ---- pure functions ----

test('smoothDebiased keeps the first value, is the identity at weight 0 and matches the debiased EMA', () => {
  const values = [4, 2, 8, 6, 1];
  assert.deepEqual(smoothDebiased(values, 0), values);
  const smoothed = smoothDebiased(values, 0.6);
  assert.equal(smoothed[0], 4);
  // By hand: ema_n = 0.6 ema_{n-1} + 0.4 v_n from 0, divided by 1 - 0.6^n.
  let ema = 0;
  values.forEach((v, i) => {
    ema = 0.6 * ema + 0.4 * v;
    assert.ok(Math.abs(smoothed[i] - ema / (1 - 0.6 ** (i + 1))) < 1e-12);
  });
  assert.ok(smoothed[2] < 8 && smoothed[2] > 2, 'a spike is damped');
  // The weight is clamped to 0.999: with weight 5 the series still moves (not frozen, not NaN).
  const clamped = smoothDebiased([1, 100], 5);
  assert.ok(Number.isFinite(clamped[1]) && clamped[1] > 1 && clamped[1] < 100);
  // Non-finite values pass through and do not poison the average.
  const gap = smoothDebiased([1, Number.NaN, 1], 0.5);
  assert.ok(Number.isNaN(gap[1]));
  assert.equal(gap[2], 1);
});

test('downsampleExtrema caps the count, keeps order and keeps spikes', () => {
  const rows = Array.from({ length: 10_000 }, (_, i) => ({ step: i + 1, loss: 1 + Math.sin(i / 100) * 0.1 }));
  rows[4321].loss = 50;
  rows[7777].loss = -3;
  const kept = downsampleExtrema(rows, 300, 'loss');
  assert.ok(kept.length <= 300 && kept.length >= 150, `kept ${kept.length}`);
  assert.ok(kept.includes(rows[4321]) && kept.includes(rows[7777]), 'both spikes survive');
  assert.ok(
    kept.every((row, i) => i === 0 || row.step > kept[i - 1].step),
    'order kept',
  );
  const short = rows.slice(0, 10);
  const copy = downsampleExtrema(short, 300, 'loss');
  assert.deepEqual(copy, short);
  assert.notEqual(copy, short);
});

test('runColor is stable, taken from the palette, and spreads ids over it', () => {
  const ids = Array.from({ length: 40 }, (_, i) => `2026-05-0${i % 9}-run-${i}`);
  for (const id of ids) {
    assert.equal(runColor(id, DEFAULT_THEME.palette), runColor(id, [...DEFAULT_THEME.palette]));
    assert.ok(DEFAULT_THEME.palette.includes(runColor(id, DEFAULT_THEME.palette)));
  }
  assert.ok(new Set(ids.map((id) => runColor(id, DEFAULT_THEME.palette))).size >= 5);
});

test('differingConfig lists the dotted keys that differ, missing keys included', () => {
  const base = { name: 'adding', model: { cell: 'lstm', hiddenSize: 32, layers: 1 }, training: { learningRate: 0.01, epochs: 10 }, tags: ['a', 'b'] };
  const keys = differingConfig({
    r1: base,
    r2: { ...base, model: { ...base.model, cell: 'gru' }, training: { ...base.training, learningRate: 0.001 } },
    r3: { ...base, model: { ...base.model, cell: 'gru' }, tags: ['a', 'c'], seed: 3 },
  });
  assert.deepEqual(keys, ['model.cell', 'training.learningRate', 'tags.1', 'seed']);
  assert.deepEqual(differingConfig({ a: base, b: structuredClone(base) }), []);
});

test('sortByBest orders by best validation loss, runs without one last in their order', () => {
  const run = (id: string, best?: number): RunSummary => ({
    id,
    experiment: 'x',
    status: 'completed',
    startedAt: '',
    updatedAt: '',
    durationMs: 0,
    epochsDone: 1,
    steps: 1,
    bestValidationLoss: best,
    lastValidationLoss: best === undefined ? undefined : 1 - best,
  });
  const input = [run('a', 0.3), run('b'), run('c', 0.1), run('d', 0.2), run('e')];
  assert.deepEqual(
    sortByBest(input).map((r) => r.id),
    ['c', 'd', 'a', 'b', 'e'],
  );
  assert.equal(input[0].id, 'a', 'input not mutated');
});

test('activationSpans pairs characters with one unit, activationColor mixes the theme colours', () => {
  const spans = activationSpans(
    'ab"c',
    [
      [0.1, 0.2, 0.3, 0.4],
      [-1, 0.5, 0.9],
    ],
    1,
  );
  assert.deepEqual(
    spans.map((s) => s.char),
    ['a', 'b', '"', 'c'],
  );
  assert.deepEqual(
    spans.slice(0, 3).map((s) => s.value),
    [-1, 0.5, 0.9],
  );
  assert.ok(Number.isNaN(spans[3].value));
  assert.equal(activationColor(Number.NaN, DEFAULT_THEME), 'transparent');
  assert.equal(activationColor(1, DARK), 'color-mix(in srgb, #ff0b0b 100%, #202020)');
  assert.equal(activationColor(-0.25, DARK), 'color-mix(in srgb, #0b0bff 25%, #202020)');
  assert.equal(activationColor(-7, DARK), 'color-mix(in srgb, #0b0bff 100%, #202020)');
});

test('quantityColorDomain fixes bounded quantities and makes unbounded ones symmetric', () => {
  assert.deepEqual(quantityColorDomain('h'), [-1, 0, 1]);
  assert.deepEqual(quantityColorDomain('n', 9), [-1, 0, 1]);
  for (const gate of ['i', 'f', 'o', 'r', 'z'] as const) assert.deepEqual(quantityColorDomain(gate, 9), [0, 1]);
  assert.deepEqual(quantityColorDomain('c', 2.5), [-2.5, 0, 2.5]);
  assert.deepEqual(quantityColorDomain('h', 4, 'relu'), [0, 4]);
});

// ---- charts rendered in Node ----

test('loss chart: raw and smoothed steps, epoch points, labelled baseline, axis titles', async () => {
  const datasets = { steps: lossSteps, epochs, baseline };
  const svg = await renderSvg(lossChartSpec({ width: WIDTH }), datasets);
  const texts = svgTexts(svg);
  assert.ok(texts.includes('step') && texts.includes('loss'), 'axis titles');
  assert.ok(texts.includes('baseline (predict 1) 0.167'), 'baseline label with its value');
  await withView(lossChartSpec({ width: WIDTH }), datasets, (view) => {
    assert.equal(itemCount(view, 'symbol'), 2 * epochs.length, 'a point per epoch and split');
    assert.equal(visibleRules(view), 1, 'the baseline rule (the crosshair is hidden until hovered)');
    // Raw and smoothed curves over every step, train and validation curves over the epochs.
    assert.deepEqual(
      lines(view)
        .map((line) => line.points)
        .sort((a, b) => a - b),
      [epochs.length, epochs.length, lossSteps.length, lossSteps.length],
    );
    assert.equal(scaleOf(view, 'y').type, 'linear');
  });
});

test("loss chart: the learning-rate overlay draws each step's recorded rate on its own right axis, with a legend entry", async () => {
  // A step schedule: 0.01 for 200 steps, then 0.001.
  const rated = stepRows(
    lossSteps.map((row) => ({ step: row.step, loss: row.loss, learningRate: row.step <= 200 ? 0.01 : 0.001 })),
    0.9,
  );
  assert.deepEqual([rated[0].learningRate, rated[399].learningRate], [0.01, 0.001]);
  const spec = lossChartSpec({ width: WIDTH, showLearningRate: true });
  const rateLayer = (spec as { layer: { encoding?: { y?: { field?: string; axis?: { orient?: string } } } }[] }).layer[1];
  assert.equal(rateLayer.encoding?.y?.field, 'learningRate');
  assert.equal(rateLayer.encoding?.y?.axis?.orient, 'right');
  const datasets = { steps: rated, epochs, baseline };
  const texts = svgTexts(await renderSvg(spec, datasets));
  for (const entry of ['learning rate', 'train, per step', 'validation', 'loss']) assert.ok(texts.includes(entry), entry);
  await withView(spec, datasets, (view) => {
    const dashed = dataMarks(view).filter((m) => m.marktype === 'line' && m.items.some((item) => (item as { strokeDash?: unknown }).strokeDash));
    assert.equal(dashed.length, 1, 'one dashed rate line');
    assert.equal(dashed[0].items.length, rated.length, 'a point per step');
    const rates = dashed[0].items.map((item) => (item as { y: number }).y);
    assert.ok(rates[0] < rates.at(-1)!, 'the higher rate draws higher (SVG y grows downwards)');
  });
  // Without the toggle, or without recorded rates, no rate line.
  await withView(lossChartSpec({ width: WIDTH }), datasets, (view) => assert.equal(lines(view).length, 4));
  await withView(spec, { steps: lossSteps, epochs, baseline }, (view) => assert.equal(lines(view).length, 4));
});

test('loss chart: the baseline says what it is ("baseline (last value) 0.0705"), not a bare "last value 0.07052"', async () => {
  const texts = svgTexts(await renderSvg(lossChartSpec({ width: WIDTH }), { steps: lossSteps, epochs, baseline: [{ loss: 0.07052, label: 'last value' }] }));
  assert.ok(texts.includes('baseline (last value) 0.0705'), texts.join('|'));
  assert.ok(!texts.includes('last value 0.07052'));
});

test('loss chart: the per-epoch train loss has its own colour and legend entry, apart from the step curve', async () => {
  const svg = await renderSvg(lossChartSpec({ width: WIDTH }), { steps: lossSteps, epochs, baseline });
  const texts = svgTexts(svg);
  for (const entry of ['train, per step', 'train, epoch mean', 'validation']) assert.ok(texts.includes(entry), entry);
  await withView(lossChartSpec({ width: WIDTH }), { steps: lossSteps, epochs, baseline }, (view) => {
    const strokes = (points: number) =>
      lines(view)
        .filter((line) => line.points === points)
        .map((line) => line.stroke);
    const [stepStroke] = strokes(lossSteps.length);
    const epochStrokes = strokes(epochs.length);
    assert.equal(new Set(epochStrokes).size, 2, 'train and validation per epoch differ');
    assert.ok(!epochStrokes.includes(stepStroke), `the epoch lines (${epochStrokes}) are not the step curve's colour (${stepStroke})`);
  });
});

test('loss chart: x axis labels keep apart at any width (no "750800")', async () => {
  const steps = stepRows(
    Array.from({ length: 800 }, (_, i) => ({ step: i + 1, loss: 1 / (1 + i) })),
    0.6,
  );
  for (const width of [200, 320, 480, 900]) {
    await withView(lossChartSpec({ width }), { steps, epochs: [], baseline: [] }, (view) => {
      const labels = axisLabels(view, 'step');
      assert.ok(labels.length >= 2, `labels at ${width} px`);
      // Browsers measure labels wider than Node does: room to spare, at most a label per 60 px.
      assert.ok(labels.length <= width / 60 + 1, `${labels.length} labels on ${width} px: ${labels.map((l) => l.text).join(' ')}`);
      for (let i = 1; i < labels.length; i++) {
        const gap = labels[i].x - labels[i - 1].x;
        // Labels are centred on their ticks: the gap between two centres must hold half of each.
        assert.ok(
          gap >= ((labels[i].text.length + labels[i - 1].text.length) / 2) * 7 + 6,
          `"${labels[i - 1].text}" and "${labels[i].text}" ${gap} px apart at ${width} px`,
        );
      }
    });
  }
});

test('loss chart: the x axis counts steps, epochs or wall-clock seconds', async () => {
  const steps = stepRows(
    Array.from({ length: 40 }, (_, i) => ({ step: i + 1, epoch: Math.floor(i / 10) + 1, loss: 1 / (1 + i), elapsedMs: 250 * (i + 1) })),
    0.6,
    10,
  );
  const timed = Array.from({ length: 4 }, (_, k) => epochRow({ epoch: k + 1, trainLoss: 0.5, validationLoss: 0.6, elapsedMs: 2500 * (k + 1) }, 10 * (k + 1)));
  const domain = async (xAxis: 'step' | 'epoch' | 'time') =>
    withView(lossChartSpec({ width: WIDTH, xAxis }), { steps, epochs: timed, baseline }, (view) => scaleOf(view, 'x').domain());
  assert.deepEqual(await domain('step'), [0, 40]);
  assert.deepEqual(await domain('epoch'), [0, 4]);
  assert.deepEqual(await domain('time'), [0, 10]);
  const texts = svgTexts(await renderSvg(lossChartSpec({ width: WIDTH, xAxis: 'time' }), { steps, epochs: timed, baseline }));
  assert.ok(texts.includes('time (s)'));
  // A run recorded without times draws nothing on the time axis rather than a wrong curve.
  const untimed = stepRows([{ step: 1, loss: 1 }], 0);
  await withView(lossChartSpec({ width: WIDTH, xAxis: 'time' }), { steps: untimed, epochs: [], baseline: [] }, (view) => assert.equal(lines(view).length, 0));
});

test('loss chart: a crosshair at the nearest step reads every series there', async () => {
  const steps = stepRows(
    Array.from({ length: 20 }, (_, i) => ({ step: i + 1, epoch: Math.floor(i / 10) + 1, loss: 1 / (1 + i) })),
    0.5,
    10,
    [{ epoch: 1, trainLoss: 0.31, validationLoss: 0.42 }],
  );
  const spec = lossChartSpec({ width: WIDTH });
  const params = (spec as { layer: { params?: { name: string; select: { nearest?: boolean; on?: string } }[] }[] }).layer.flatMap(
    (layer) => layer.params ?? [],
  );
  const crosshair = params.find((param) => param.name === CROSSHAIR_PARAM);
  assert.ok(crosshair?.select.nearest && crosshair.select.on === 'pointermove', 'follows the pointer to the nearest step');
  await withView(spec, { steps, epochs: [], baseline: [] }, (view) => {
    const rules = dataMarks(view)
      .filter((m) => m.marktype === 'rule')
      .flatMap((m) => m.items) as (SceneNode & { tooltip?: Record<string, unknown>; opacity?: number })[];
    assert.equal(rules.length, steps.length, 'a crosshair position per step');
    assert.ok(
      rules.every((rule) => rule.opacity === 0),
      'hidden until hovered',
    );
    const readout = rules[4].tooltip!;
    assert.equal(readout.step, '5');
    assert.equal(readout['train, per step'], String(Number((1 / 5).toPrecision(4))));
    assert.ok('smoothed' in readout);
    assert.equal(readout['train, epoch mean (its epoch)'], '0.31');
    assert.equal(readout['validation (its epoch)'], '0.42');
  });
});

test('loss chart: log scale in use, non-positive and non-finite losses left out', async () => {
  const steps = [...lossSteps.slice(0, 50), ...stepRows([{ step: 51, loss: Number.NaN }], 0), { ...stepRows([{ step: 52, loss: 0 }], 0)[0], smoothed: 0.01 }];
  await withView(lossChartSpec({ width: WIDTH, logScale: true }), { steps, epochs, baseline }, (view) => {
    const y = scaleOf(view, 'y');
    assert.equal(y.type, 'log');
    assert.ok(y.domain()[0] > 0);
  });
});

test('loss chart: zoom and pan are bound to both scales', async () => {
  await withView(lossChartSpec({ width: WIDTH }), { steps: lossSteps, epochs, baseline }, async (view) => {
    assert.deepEqual(scaleOf(view, 'x').domain(), [0, 400]);
    // What a drag or a wheel turn does: set the selection's extent on each bound field.
    await view.signal(`${ZOOM_PARAM}_step`, [100, 200]).signal(`${ZOOM_PARAM}_smoothed`, [0.05, 0.1]).runAsync();
    assert.deepEqual(scaleOf(view, 'x').domain(), [100, 200]);
    assert.deepEqual(scaleOf(view, 'y').domain(), [0.05, 0.1]);
  });
});

test('hidden state heatmap: a rect per unit and step under the dense input, fixed domains', async () => {
  const data = hiddenStateData(probe, 1, 1, 'h');
  assert.equal(data.cells.length, UNITS * STEPS);
  assert.equal(data.inputs.length, STEPS * 2);
  const spec = hiddenStateChartSpec({ quantity: 'h', input: 'dense' });
  const svg = await renderSvg(spec, { cells: data.cells, inputs: data.inputs });
  const texts = svgTexts(svg);
  assert.ok(texts.includes('time step') && texts.includes('unit'), 'axis titles');
  assert.ok(texts.includes('hidden state h'), 'colour legend title');
  await withView(spec, { cells: data.cells, inputs: data.inputs }, (view) => {
    assert.equal(itemCount(view, 'rect'), UNITS * STEPS);
    // Under an input row the heatmap is the second of the concatenated views.
    assert.deepEqual(scaleOf(view, 'concat_1_color').domain(), [-1, 0, 1]);
    assert.deepEqual(
      lines(view).map((line) => line.points),
      [STEPS, STEPS],
      'a line per input feature',
    );
  });
  const gates = hiddenStateData(probe, 0, 0, 'f');
  await withView(hiddenStateChartSpec({ quantity: 'f', input: 'none' }), { cells: gates.cells }, (view) => {
    assert.deepEqual(scaleOf(view, 'color').domain(), [0, 1]);
  });
  const cell = hiddenStateData(probe, 0, 0, 'c');
  assert.ok(cell.absMax > 2.9 && cell.absMax <= 3);
  await withView(hiddenStateChartSpec({ quantity: 'c', input: 'none', absMax: cell.absMax }), { cells: cell.cells }, (view) => {
    assert.deepEqual(scaleOf(view, 'color').domain(), [-cell.absMax, 0, cell.absMax]);
  });
});

/** A bidirectional probe of two layers: reverse values are the negated forward ones, so each direction's cells can be told apart. */
const bidirectionalProbe: ProbeEvent = {
  ...probe,
  layers: probe.layers.flatMap((layer) => [
    { ...layer, direction: 'forward' as const },
    { layer: layer.layer, direction: 'reverse' as const, quantities: { h: layer.quantities.h!.map((units) => units.map((series) => series.map((v) => -v))) } },
  ]),
  gradientNorms: [0, 1, 2, 3].map((row) => Array.from({ length: STEPS }, (_, t) => (row + 1) * 1e-3 * Math.exp(t / 20))),
};

test('hidden state heatmap: each direction of a bidirectional layer', async () => {
  assert.deepEqual(probeDirections(probe), ['forward']);
  assert.deepEqual(probeDirections(bidirectionalProbe), ['forward', 'reverse']);
  const forward = hiddenStateData(bidirectionalProbe, 1, 1, 'h');
  const reverse = hiddenStateData(bidirectionalProbe, 1, 1, 'h', 'reverse');
  assert.deepEqual(forward.cells, hiddenStateData(probe, 1, 1, 'h').cells, 'forward is the default direction');
  assert.equal(reverse.cells.length, UNITS * STEPS);
  assert.deepEqual(
    reverse.cells.map((cell) => cell.value),
    forward.cells.map((cell) => -cell.value),
  );
  assert.deepEqual(hiddenStateData(probe, 1, 1, 'h', 'reverse').cells, [], 'a unidirectional probe has no reverse');
});

test("hidden state heatmap: a packed sample's padded steps are left out", async () => {
  const packed: ProbeEvent = { ...probe, inputs: [Array.from('abcdefghij'.padEnd(STEPS, '·')), Array.from('x'.padEnd(STEPS, '·'))], lengths: [10, 1] };
  const first = hiddenStateData(packed, 0, 0, 'h');
  assert.equal(first.cells.length, UNITS * 10);
  assert.ok(first.cells.every((cell) => cell.time < 10));
  assert.deepEqual(first.tokens.map((token) => token.token).join(''), 'abcdefghij');
  const second = hiddenStateData(packed, 1, 0, 'h');
  assert.equal(second.cells.length, UNITS);
  await withView(hiddenStateChartSpec({ quantity: 'h', input: 'tokens' }), { cells: first.cells, tokens: first.tokens }, (view) => {
    assert.equal(itemCount(view, 'rect'), UNITS * 10);
  });
});

test('gradient flow: a row per layer and direction, labelled', () => {
  assert.deepEqual(gradientRowLabels(probe.layers), ['layer 0', 'layer 1']);
  assert.deepEqual(gradientRowLabels(bidirectionalProbe.layers), ['layer 0 · forward', 'layer 0 · reverse', 'layer 1 · forward', 'layer 1 · reverse']);
  const rows = gradientRows(bidirectionalProbe);
  assert.deepEqual([...new Set(rows.map((row) => row.layer))], [0, 1, 2, 3]);
  assert.equal(rows.find((row) => row.layer === 1 && row.time === 0)!.norm, 2e-3, 'the second row is layer 0 · reverse');
});

test('hidden state heatmap: token inputs are drawn as characters above the same time axis', async () => {
  const text = 'call me ishmael. some years ago, never m';
  const tokenProbe: ProbeEvent = { ...probe, inputs: [Array.from(text), Array.from(text)] };
  const data = hiddenStateData(tokenProbe, 0, 0, 'h');
  const spec = hiddenStateChartSpec({ quantity: 'h', input: 'tokens' });
  const svg = await renderSvg(spec, { cells: data.cells, tokens: data.tokens });
  const texts = svgTexts(svg);
  assert.equal(texts.filter((t) => t === '␣').length, text.split(' ').length - 1, 'spaces made visible');
  assert.ok(texts.includes('i') && texts.includes('.'));
  await withView(spec, { cells: data.cells, tokens: data.tokens }, (view) => {
    const tokens = dataMarks(view).find((m) => m.marktype === 'text');
    assert.equal(tokens?.items.length, STEPS);
    const rects = dataMarks(view).find((m) => m.marktype === 'rect');
    const firstToken = tokens?.items.find((item) => item.text === 'c') as unknown as { x: number };
    const firstColumn = rects?.items.filter((item) => (item as unknown as { datum: { time: number } }).datum.time === 0) as unknown as {
      x: number;
      width: number;
    }[];
    assert.ok(Math.abs(firstToken.x - (firstColumn[0].x + firstColumn[0].width / 2)) < 0.5, 'token centred over its column');
  });
});

test('gradient flow: log scale, a line per epoch for the chosen layer', async () => {
  const rows = [1, 4, 8].flatMap((epoch) => gradientRows({ ...probe, epoch }));
  assert.equal(rows.length, 3 * (STEPS + STEPS - 10));
  const spec = gradientFlowChartSpec({ width: WIDTH });
  const svg = await renderSvg(spec, { gradients: rows });
  assert.ok(svgTexts(svg).includes('‖∂L/∂hₜ‖') && svgTexts(svg).includes('time step'));
  await withView(spec, { gradients: rows }, async (view) => {
    assert.equal(scaleOf(view, 'y').type, 'log');
    assert.deepEqual(
      lines(view).map((line) => line.points),
      [STEPS, STEPS, STEPS],
      'one line per epoch',
    );
    await view.signal(GRADIENT_LAYER_PARAM, 1).runAsync();
    assert.deepEqual(
      lines(view).map((line) => line.points),
      [STEPS - 10, STEPS - 10, STEPS - 10],
      'switching the layer needs no re-render',
    );
    const strokes = lines(view).map((line) => line.stroke);
    assert.equal(new Set(strokes).size, 3, 'epochs in distinct colours');
    assert.equal(strokes[0], hexToRgb(DEFAULT_THEME.muted), 'the earliest epoch is muted');
  });
});

// A CSV forecast: temp_max standardised with mean 15, std 5; the target is input feature 0.
const forecastProbe = {
  kind: 'forecast' as const,
  targets: Array.from({ length: 30 }, (_, i) => [Math.sin(i / 3)]),
  predictions: Array.from({ length: 30 }, (_, i) => [0.9 * Math.sin(i / 3) + 0.05]),
  target: 'temp_max',
  scale: { mean: 15, std: 5 },
  targetFeature: 0,
};

test("forecast rows: targets, predictions and residuals back in the data's units", () => {
  const rows = forecastRows(forecastProbe);
  assert.equal(rows.length, 30);
  assert.ok(Math.abs(rows[3].target - (15 + 5 * Math.sin(1))) < 1e-9, 'value × std + mean');
  assert.ok(Math.abs(rows[3].residual - (rows[3].prediction - rows[3].target)) < 1e-12);
  const raw = forecastRows({ kind: 'forecast', targets: [[2]], predictions: [[3]] });
  assert.deepEqual(raw, [{ index: 0, target: 2, prediction: 3, residual: 1 }], 'no scale: the values as they are');
});

test('forecast scatter: a point per sample against the y = x line, axes named after the target', async () => {
  const rows = forecastRows(forecastProbe);
  const spec = forecastScatterSpec({ width: 300, name: 'temp_max' });
  const texts = svgTexts(await renderSvg(spec, { forecast: rows }));
  assert.ok(texts.includes('target temp_max') && texts.includes('predicted temp_max'), texts.join('|'));
  await withView(spec, { forecast: rows }, (view) => {
    assert.equal(itemCount(view, 'symbol'), rows.length, 'a point per validation sample, not a line through them');
    assert.equal(lines(view).length, 0, 'samples are not joined');
    assert.equal(itemCount(view, 'rule'), 1, 'the y = x line');
    const low = Math.min(...rows.flatMap((r) => [r.target, r.prediction]));
    const high = Math.max(...rows.flatMap((r) => [r.target, r.prediction]));
    for (const axis of ['x', 'y']) {
      const [from, to] = scaleOf(view, axis).domain();
      assert.ok(from <= low && to >= high, `${axis} spans every target and prediction`);
    }
    assert.deepEqual(scaleOf(view, 'x').domain(), scaleOf(view, 'y').domain(), 'one domain for both axes: y = x is the diagonal');
  });
});

test('residual chart: prediction − target against the target, with the zero line', async () => {
  const rows = forecastRows(forecastProbe);
  const spec = residualChartSpec({ width: 300, name: 'temp_max' });
  const texts = svgTexts(await renderSvg(spec, { forecast: rows }));
  assert.ok(texts.includes('residual (predicted − target)') && texts.includes('target temp_max'));
  await withView(spec, { forecast: rows }, (view) => {
    assert.equal(itemCount(view, 'symbol'), rows.length);
    assert.equal(itemCount(view, 'rule'), 1, 'zero line');
  });
});

test('sequence chart: one validation sequence as a time series that continues into its forecast', async () => {
  const window = 14;
  const inputs = Array.from({ length: window }, (_, t) => [Math.cos(t / 4), 0.5]);
  const rows = sequenceRows(forecastProbe, inputs, 2);
  const input = rows.filter((r) => r.series === 'input');
  assert.deepEqual(
    input.map((r) => r.time),
    Array.from({ length: window }, (_, t) => t - window + 1),
    'the inputs end at time 0',
  );
  assert.ok(Math.abs(input[0].value - (15 + 5 * Math.cos(0))) < 1e-9, "the target feature, in the data's units");
  for (const series of ['target', 'prediction'] as const) {
    const line = rows.filter((r) => r.series === series);
    assert.deepEqual(
      line.map((r) => r.time),
      [0, 1],
      `${series}: from the last input into the horizon`,
    );
    assert.equal(line[0].value, input.at(-1)!.value, `${series} continues the series`);
  }
  assert.ok(Math.abs(rows.find((r) => r.series === 'target' && r.time === 1)!.value - (15 + 5 * Math.sin(2 / 3))) < 1e-9);
  const spec = sequenceChartSpec({ width: 300, name: 'temp_max' });
  const texts = svgTexts(await renderSvg(spec, { sequence: rows }));
  for (const t of ['input', 'target', 'prediction', 'temp_max', 'time step (0: last input)']) assert.ok(texts.includes(t), t);
  await withView(spec, { sequence: rows }, (view) => {
    assert.deepEqual(
      lines(view)
        .map((line) => line.points)
        .sort((a, b) => a - b),
      [2, 2, window],
    );
  });
  assert.deepEqual(
    sequenceRows({ ...forecastProbe, targetFeature: undefined }, inputs, 0).map((r) => r.series),
    ['target', 'prediction'],
    'no past without the target among the inputs',
  );
});

test('confusion chart: a cell per class pair with its count, a colour legend, accuracy and its epoch in the title', async () => {
  const classify = {
    kind: 'classify' as const,
    classes: ['negative', 'positive'],
    labels: [],
    predicted: [],
    confusion: [
      [81, 19],
      [12, 88],
    ],
    accuracy: 0.845,
  };
  const rows = confusionRows(classify);
  const spec = confusionChartSpec({ classes: classify.classes, accuracy: classify.accuracy, caption: 'epoch 9 (last)' });
  const svg = await renderSvg(spec, { confusion: rows });
  const texts = svgTexts(svg);
  assert.ok(texts.includes('accuracy 84.5% · epoch 9 (last)'), texts.join('|'));
  for (const count of ['81', '19', '12', '88']) assert.ok(texts.includes(count), count);
  assert.ok(texts.includes('actual') && texts.includes('predicted'));
  assert.ok(texts.includes('count'), 'the colour legend, titled');
  assert.match(svg, /<linearGradient/, 'a gradient from no samples to the most');
  assert.ok(svgTexts(await renderSvg(confusionChartSpec({ classes: classify.classes, accuracy: 0.5 }), { confusion: rows })).includes('accuracy 50.0%'));
  await withView(spec, { confusion: rows.filter((row) => row.predicted === 'negative') }, (view) => {
    assert.deepEqual(scaleOf(view, 'x').domain(), classify.classes, 'every class has a column, even an empty one');
  });
  await withView(spec, { confusion: rows }, (view) => {
    assert.equal(itemCount(view, 'rect'), 4);
    const labels = dataMarks(view).find((m) => m.marktype === 'text')?.items ?? [];
    const fillOf = (text: string) => labels.find((item) => item.text === text)?.fill;
    assert.equal(fillOf('88'), DEFAULT_THEME.background, 'light text on the darkest cells');
    assert.equal(fillOf('12'), DEFAULT_THEME.foreground);
  });
});

test("accuracy sentences: the whole validation split's figure, its epoch, best or last, and the best beside it", () => {
  const epochsOf = (accuracies: number[]) =>
    accuracies.map((validationAccuracy, k) => ({ epoch: k + 1, validationLoss: 1 - validationAccuracy, validationAccuracy }));
  // Copy: the run list's 92.4% (the epoch's accuracy), not the probed samples' 90%.
  const copy = epochsOf([0.5, 0.7, 0.85, 0.9, 0.91, 0.915, 0.92, 0.924]);
  assert.equal(accuracySentence('tokens', copy, 8), 'Next-token validation accuracy 92.4% at epoch 8 (best and last).');
  // Reviews, stopped early: the last epoch's 56%, and the best 62% at epoch 6 that the run list shows.
  const reviews = epochsOf([0.5, 0.52, 0.55, 0.58, 0.6, 0.62, 0.6, 0.58, 0.56]);
  assert.equal(accuracySentence('classify', reviews, 9, 0.56), 'Validation accuracy 56.0% at epoch 9 (last); best 62.0% at epoch 6.');
  assert.equal(accuracySentence('classify', reviews, 6, 0.62), 'Validation accuracy 62.0% at epoch 6 (best).');
  assert.equal(epochCaption(reviews, 3), 'epoch 3');
  assert.equal(bestEpoch(reviews), 6);
  // A forecast's best epoch is its lowest validation loss.
  assert.equal(bestEpoch([0.3, 0.1, 0.2].map((validationLoss, k) => ({ epoch: k + 1, validationLoss }))), 2);
});

test('accuracy chart: train and validation per epoch, the best validation epoch labelled', async () => {
  const accuracy = [0.5, 0.58, 0.62, 0.6, 0.59].map((validationAccuracy, k) =>
    epochRow({ epoch: k + 1, trainLoss: 0.6, validationLoss: 0.7, trainAccuracy: 0.55 + 0.08 * k, validationAccuracy }, 10 * (k + 1)),
  );
  const spec = accuracyChartSpec({ width: WIDTH });
  const texts = svgTexts(await renderSvg(spec, { epochs: accuracy }));
  for (const t of ['accuracy', 'epoch', 'train, epoch mean', 'validation', 'best 62.0% @ epoch 3']) assert.ok(texts.includes(t), `${t} in ${texts.join('|')}`);
  assert.ok(
    texts.some((t) => t.endsWith('%')),
    'percent ticks',
  );
  await withView(spec, { epochs: accuracy }, (view) => {
    assert.deepEqual(
      lines(view).map((line) => line.points),
      [5, 5],
      'a line per split, a point per epoch',
    );
    assert.deepEqual(
      lines(view).map((line) => line.stroke),
      [DEFAULT_THEME.palette[2], DEFAULT_THEME.palette[1]],
      "the loss chart's per-epoch colours",
    );
  });
  // A run recorded before train accuracy was: the validation line alone.
  const old = accuracy.map((row) => ({ ...row, trainAccuracy: undefined }));
  await withView(spec, { epochs: old }, (view) =>
    assert.deepEqual(
      lines(view).map((line) => line.points),
      [5],
    ),
  );
});

test('compare chart: a line per run in its own colour, labels in the legend, log option', async () => {
  const runs = [
    { id: '20260101-120000-a1', label: 'lr=0.01' },
    { id: '20260101-120500-b2', label: 'lr=0.001' },
    { id: '20260101-121000-c3', label: 'gru' },
  ];
  const rows = compareRows(
    runs.map((run, k) => ({ id: run.id, epochs: Array.from({ length: 6 }, (_, e) => ({ epoch: e + 1, validationLoss: (0.3 + 0.1 * k) / (1 + e) })) })),
    0,
  );
  rows.push({ runId: 'not-shown', epoch: 1, validationLoss: 0.5, smoothed: 0.5 });
  const spec = compareChartSpec({ width: WIDTH, runs, logScale: true });
  const svg = await renderSvg(spec, { runs: rows });
  const texts = svgTexts(svg);
  for (const run of runs) assert.ok(texts.includes(run.label), run.label);
  assert.ok(!texts.some((t) => t.includes('20260101')), 'run ids replaced by labels');
  assert.ok(texts.includes('validation loss') && texts.includes('epoch'));
  const styles = runStyles(
    runs.map((run) => run.id),
    DEFAULT_THEME.palette,
  );
  await withView(spec, { runs: rows }, (view) => {
    assert.equal(scaleOf(view, 'y').type, 'log');
    assert.deepEqual(
      lines(view).map((line) => line.stroke),
      runs.map((run) => styles.get(run.id)!.color),
    );
  });
  await withView(compareChartSpec({ width: WIDTH, runs }), { runs: rows }, (view) => assert.equal(scaleOf(view, 'y').type, 'linear'));
});

test('runStyles: every run its own colour, then dash patterns past the palette, stable as runs come and go', () => {
  const palette = DEFAULT_THEME.palette;
  // Two sweeps of two runs: ids whose hashed colours collide still get four colours.
  const ids = Array.from({ length: 40 }, (_, i) => `2026120${i % 10}-1200${String(i).padStart(2, '0')}-sweep`);
  const four = runStyles(ids.slice(0, 4), palette);
  assert.equal(new Set([...four.values()].map((style) => style.color)).size, 4, 'four runs, four colours');
  assert.ok(
    [...four.values()].every((style) => style.dash.length === 0),
    'solid while the palette lasts',
  );
  const many = runStyles(ids.slice(0, palette.length + 3), palette);
  const keys = [...many.values()].map((style) => `${style.color}|${style.dash.join(',')}`);
  assert.equal(new Set(keys).size, keys.length, 'no two runs drawn alike');
  assert.ok(
    [...many.values()].slice(palette.length).every((style) => style.dash.length > 0),
    'past the palette: dashed',
  );
  assert.deepEqual(runStyles(ids.slice(0, 3), palette).get(ids[2]), four.get(ids[2]), 'a run keeps its style when a later one goes');
  // Runs of one palette colour's hash take another free colour, never a taken one.
  const collide = ids.filter((id) => runColor(id, palette) === runColor(ids[0], palette)).slice(0, 2);
  if (collide.length === 2) assert.notEqual(runStyles(collide, palette).get(collide[0])!.color, runStyles(collide, palette).get(collide[1])!.color);
});

test('uniqueRunLabels: the name or sweep value, the id after it where two runs share one', () => {
  const labels = uniqueRunLabels([
    { id: 'run-a', label: 'model.cell=lstm' },
    { id: 'run-b', label: 'model.cell=rnn' },
    { id: 'run-c', label: 'model.cell=lstm' },
    { id: 'run-d', label: 'run-d' },
  ]);
  assert.deepEqual([...labels.values()], ['model.cell=lstm · run-a', 'model.cell=rnn', 'model.cell=lstm · run-c', 'run-d']);
  assert.equal(new Set(labels.values()).size, 4);
});

test('compare chart: smoothing draws the smoothed curves over the faint raw ones', async () => {
  const runs = [
    { id: 'r1', label: 'first' },
    { id: 'r2', label: 'second' },
  ];
  const losses = [0.5, 0.2, 0.4, 0.1, 0.3, 0.05];
  const rows = compareRows(
    runs.map((run) => ({ id: run.id, epochs: losses.map((validationLoss, e) => ({ epoch: e + 1, validationLoss })) })),
    0.6,
  );
  assert.deepEqual(
    rows.slice(0, 6).map((row) => row.smoothed),
    smoothDebiased(losses, 0.6),
    'each run smoothed over its own epochs',
  );
  assert.equal(rows[6].smoothed, losses[0], 'the second run starts afresh');
  await withView(compareChartSpec({ width: WIDTH, runs, smoothed: true }), { runs: rows }, (view) => {
    const drawn = dataMarks(view).filter((m) => m.marktype === 'line' && m.items.length > 0) as (SceneMark & { items: (SceneNode & { opacity?: number })[] })[];
    assert.equal(drawn.length, 4, 'raw and smoothed, per run');
    assert.equal(drawn.filter((m) => m.items[0].opacity !== undefined && m.items[0].opacity < 1).length, 2, 'the raw curves faint');
  });
  await withView(compareChartSpec({ width: WIDTH, runs }), { runs: rows }, (view) => assert.equal(lines(view).length, 2, 'no smoothing: one curve per run'));
});

test('compare chart: dashed runs past the palette show their dash in the chart and the legend', async () => {
  const palette = DEFAULT_THEME.palette;
  const runs = Array.from({ length: palette.length + 2 }, (_, i) => ({ id: `run-${i}`, label: `run ${i}` }));
  const rows = compareRows(
    runs.map((run, k) => ({ id: run.id, epochs: [1, 2, 3].map((epoch) => ({ epoch, validationLoss: 1 / (epoch + k) })) })),
    0,
  );
  await withView(compareChartSpec({ width: WIDTH, runs }), { runs: rows }, (view) => {
    const drawn = dataMarks(view).filter((m) => m.marktype === 'line' && m.items.length > 0) as (SceneMark & {
      items: (SceneNode & { strokeDash?: number[] })[];
    })[];
    const looks = drawn.map((m) => `${m.items[0].stroke}|${(m.items[0].strokeDash ?? []).join(',')}`);
    assert.equal(new Set(looks).size, runs.length, looks.join(' '));
  });
});

// A 3 × 2 sweep over the learning rate (three decades) and the cell.
const sweepRuns = [0.001, 0.01, 0.1].flatMap((lr, i) =>
  ['gru', 'lstm'].map((cell, j) => ({
    id: `run-${i}-${j}`,
    label: `lr=${lr}, cell=${cell}`,
    values: { 'training.learningRate': lr, 'model.cell': cell },
    metric: 0.02 * (1 + i) * (1 + j),
  })),
);
sweepRuns.push({ id: 'run-failed', label: 'lr=1, cell=gru', values: { 'training.learningRate': 1, 'model.cell': 'gru' }, metric: Number.NaN });

test('sweepAxisScale: log for positive numbers spanning two decades, linear for other numbers, nominal otherwise', () => {
  assert.equal(sweepAxisScale([0.001, 0.01, 0.1]), 'log');
  assert.equal(sweepAxisScale([1, 100]), 'log');
  assert.equal(sweepAxisScale([1, 99]), 'linear');
  assert.equal(sweepAxisScale([0, 10, 1000]), 'linear', 'zero has no logarithm');
  assert.equal(sweepAxisScale([8, 16, 32]), 'linear');
  assert.equal(sweepAxisScale(['rnn', 'gru']), 'nominal');
  assert.equal(sweepAxisScale([1, 'gru']), 'nominal');
  assert.equal(sweepAxisScale([true, false]), 'nominal');
  assert.equal(sweepAxisScale([]), 'nominal');
});

test('sweepPointRows: a row per run with a finite metric, values as text on a nominal axis, the best flagged', () => {
  const rows = sweepPointRows(sweepRuns, 'model.cell', 'nominal', 'run-0-0');
  assert.equal(rows.length, 6, 'the run without a metric is left out');
  assert.deepEqual(rows[0], { runId: 'run-0-0', label: 'lr=0.001, cell=gru', value: 'gru', metric: 0.02, best: true });
  assert.deepEqual(
    sweepPointRows(sweepRuns, 'training.learningRate', 'log', undefined).map((row) => row.value),
    [0.001, 0.001, 0.01, 0.01, 0.1, 0.1],
  );
  assert.deepEqual(sweepPointRows([{ id: 'x', label: 'x', values: { [`json`]: [1, 2] }, metric: 1 }], 'json', 'nominal', 'x')[0].value, '[1,2]');
});

test('sweep chart: a numeric key on a log axis, a point per run, the best highlighted and labelled, the min line', async () => {
  const rows = sweepPointRows(sweepRuns, 'training.learningRate', 'log', 'run-0-0');
  const spec = sweepChartSpec({ width: WIDTH, key: 'training.learningRate', scale: 'log', categories: [0.001, 0.01, 0.1, 1] });
  const texts = svgTexts(await renderSvg(spec, { points: rows }));
  assert.ok(texts.includes('training.learningRate') && texts.includes('best validation loss'), texts.join('|'));
  assert.ok(texts.includes('best'), 'the best run is labelled');
  assert.ok(['0.001', '0.01', '0.1'].every((tick) => texts.includes(tick)) && !texts.includes('0.002'), `the swept values are the ticks: ${texts.join('|')}`);
  await withView(spec, { points: rows }, (view) => {
    assert.equal(scaleOf(view, 'x').type, 'log');
    assert.deepEqual(scaleOf(view, 'x').domain(), [0.001, 1], 'the axis spans every swept value, the one without a result too');
    const symbols = dataMarks(view).filter((m) => m.marktype === 'symbol');
    assert.deepEqual(
      symbols.map((m) => m.items.length),
      [6, 1],
      'every run, then the best one again on top',
    );
    assert.equal(symbols[1].items[0].fill, DEFAULT_THEME.palette[1]);
    assert.equal(symbols[0].items[0].fill, DEFAULT_THEME.palette[0]);
    assert.deepEqual(lines(view), [{ points: 3, stroke: DEFAULT_THEME.muted }], 'the lowest loss at each of the three values');
  });
  await withView(sweepChartSpec({ width: WIDTH, key: 'training.learningRate', scale: 'linear', logMetric: true }), { points: rows }, (view) => {
    assert.equal(scaleOf(view, 'x').type, 'linear');
    assert.equal(scaleOf(view, 'y').type, 'log');
  });
});

test("sweep chart: a categorical key as points in the sweep's order, no line", async () => {
  const rows = sweepPointRows(sweepRuns, 'model.cell', 'nominal', 'run-0-1');
  const spec = sweepChartSpec({ width: WIDTH, key: 'model.cell', scale: 'nominal', categories: ['lstm', 'gru'] });
  await withView(spec, { points: rows }, (view) => {
    assert.deepEqual((view.scale('x') as unknown as { domain(): string[] }).domain(), ['lstm', 'gru']);
    assert.equal(lines(view).length, 0);
    assert.equal(itemCount(view, 'symbol'), 7);
  });
  const texts = svgTexts(await renderSvg(spec, { points: rows }));
  assert.ok(texts.includes('lstm') && texts.includes('gru') && texts.includes('model.cell'));
});

test('sparkline: exactly its size, no axes, the line with best and last points', async () => {
  const series = epochs.map((e) => ({ x: e.epoch, value: e.validationLoss }));
  const svg = await renderSvg(sparklineSpec(), { series });
  assert.match(svg, /^<svg[^>]* width="120" height="24"/);
  assert.equal(svgTexts(svg).length, 0, 'no axis labels');
  await withView(sparklineSpec({ width: 200, height: 30 }), { series }, (view) => {
    const symbols = dataMarks(view).filter((m) => m.marktype === 'symbol');
    const data = (m: SceneMark) => m.items.map((item) => (item as unknown as { datum: { x: number } }).datum.x);
    const bestEpoch = epochs.reduce((a, b) => (b.validationLoss < a.validationLoss ? b : a)).epoch;
    assert.deepEqual(symbols.map(data), [[bestEpoch], [epochs.length]]);
    assert.equal(symbols[0].items[0].fill, DEFAULT_THEME.palette[1]);
  });
});

test("sparkline: the baseline, when given, is a muted rule on the curve's scale", async () => {
  const series = epochs.map((e) => ({ x: e.epoch, value: e.validationLoss }));
  const above = Math.max(...series.map((row) => row.value)) * 2;
  const svg = await renderSvg(sparklineSpec(), { series, baseline: [{ loss: above, label: 'predict 1' }] });
  assert.match(svg, /^<svg[^>]* width="120" height="24"/, 'still exactly its size');
  await withView(sparklineSpec(), { series, baseline: [{ loss: above, label: 'predict 1' }] }, (view) => {
    const rules = dataMarks(view)
      .filter((m) => m.marktype === 'rule')
      .flatMap((m) => m.items);
    assert.equal(rules.length, 1);
    assert.equal(rules[0].stroke, DEFAULT_THEME.muted);
    assert.equal(scaleOf(view, 'y').domain()[1], above, 'the scale reaches up to the baseline');
  });
  await withView(sparklineSpec(), { series }, (view) => assert.equal(itemCount(view, 'rule'), 0, 'no baseline, no rule'));
});

test('hover chart: train and validation per epoch, baseline and best epoch labelled', async () => {
  const svg = await renderSvg(hoverChartSpec(), { epochs, baseline });
  const texts = svgTexts(svg);
  const best = epochs.reduce((a, b) => (b.validationLoss < a.validationLoss ? b : a));
  assert.ok(texts.includes(`best ${Number(best.validationLoss.toPrecision(4))} @ epoch ${best.epoch}`), texts.join('|'));
  assert.ok(texts.includes('baseline (predict 1) 0.167'));
  assert.ok(texts.includes('epoch') && texts.includes('loss'));
  await withView(hoverChartSpec(), { epochs, baseline }, (view) => {
    assert.equal(itemCount(view, 'symbol'), 2 * epochs.length);
    assert.equal(itemCount(view, 'rule'), 2, 'baseline and best epoch');
  });
});

test('colours and fonts come from the theme', async () => {
  const render = (theme: ChartTheme) => renderSvg(lossChartSpec({ width: WIDTH, theme }), { steps: lossSteps, epochs, baseline });
  const [light, dark] = await Promise.all([render(DEFAULT_THEME), render(DARK)]);
  assert.notEqual(light, dark);
  for (const colour of [DARK.background, DARK.palette[0], DARK.palette[1], DARK.muted, DARK.grid, DARK.foreground]) {
    assert.ok(dark.includes(colour), colour);
  }
  assert.ok(dark.includes('font-family="monospace"'));
  for (const colour of [DEFAULT_THEME.background, DEFAULT_THEME.palette[0], DEFAULT_THEME.grid]) {
    assert.ok(!dark.includes(colour), colour);
  }
  const cells = hiddenStateData(probe, 0, 0, 'h').cells;
  const themed = new Set([DARK.foreground, DARK.background, DARK.grid, DARK.muted, ...DARK.palette, ...DARK.diverging]);
  const classify = {
    kind: 'classify' as const,
    classes: ['a', 'b'],
    labels: [],
    predicted: [],
    confusion: [
      [3, 1],
      [0, 4],
    ],
    accuracy: 0.875,
  };
  const charts: [TopLevelSpec, Datasets][] = [
    [hiddenStateChartSpec({ quantity: 'h', input: 'dense', theme: DARK }), hiddenStateDatasets()],
    [gradientFlowChartSpec({ width: WIDTH, theme: DARK }), { gradients: gradientRows(probe) }],
    [forecastScatterSpec({ width: WIDTH, theme: DARK }), { forecast: [{ index: 0, target: 1, prediction: 2, residual: 1 }] }],
    [confusionChartSpec({ classes: classify.classes, accuracy: classify.accuracy, theme: DARK }), { confusion: confusionRows(classify) }],
    [compareChartSpec({ width: WIDTH, runs: [{ id: 'r1', label: 'first run' }], theme: DARK }), { runs: [{ runId: 'r1', epoch: 1, validationLoss: 0.2 }] }],
    [
      sparklineSpec({ theme: DARK }),
      {
        series: [
          { x: 1, value: 2 },
          { x: 2, value: 1 },
        ],
      },
    ],
    [hoverChartSpec({ theme: DARK }), { epochs, baseline }],
    [
      sweepChartSpec({ width: WIDTH, key: 'training.learningRate', scale: 'log', theme: DARK }),
      { points: sweepPointRows(sweepRuns, 'training.learningRate', 'log', 'run-0-0') },
    ],
  ];
  for (const svg of [dark, ...(await Promise.all(charts.map(([spec, datasets]) => renderSvg(spec, datasets))))]) {
    const colours = [...svg.matchAll(/(?:fill|stroke|stop-color)="([^"]+)"/g)].map((m) => m[1]);
    // Anything else is a colour scale's interpolation between theme colours, or no paint.
    const foreign = colours.filter((c) => !themed.has(c) && !/^(none|url\(#[\w-]+\)|rgb\(\d+, \d+, \d+\))$/.test(c));
    assert.deepEqual([...new Set(foreign)], []);
  }
  await withView(hiddenStateChartSpec({ quantity: 'h', input: 'none', theme: DARK }), { cells }, (view) => {
    const color = view.scale('color') as unknown as (value: number) => string;
    assert.deepEqual([color(-1), color(0), color(1)], DARK.diverging.map(hexToRgb));
  });
});

test('every chart renders with no data', async () => {
  const specs: TopLevelSpec[] = [
    lossChartSpec({ width: WIDTH }),
    lossChartSpec({ width: WIDTH, logScale: true }),
    hiddenStateChartSpec({ quantity: 'h', input: 'dense' }),
    hiddenStateChartSpec({ quantity: 'c', input: 'tokens' }),
    gradientFlowChartSpec({ width: WIDTH }),
    forecastScatterSpec({ width: WIDTH }),
    confusionChartSpec({ classes: [], accuracy: Number.NaN }),
    compareChartSpec({ width: WIDTH, runs: [], logScale: true }),
    sparklineSpec(),
    hoverChartSpec(),
    sweepChartSpec({ width: WIDTH, key: 'training.learningRate', scale: 'log', logMetric: true }),
    sweepChartSpec({ width: WIDTH, key: 'model.cell', scale: 'nominal' }),
  ];
  for (const spec of specs) {
    const svg = await renderSvg(spec);
    assert.match(svg, /^<svg/);
  }
  assert.ok(svgTexts(await renderSvg(lossChartSpec({ width: WIDTH, logScale: true }))).includes('loss'), 'axes drawn while empty');
});

test('every chart also runs on the expression interpreter (the webview mode without eval)', async () => {
  const [{ parse, View }, { compile }, { expressionInterpreter }] = await Promise.all([import('vega'), import('vega-lite'), import('vega-interpreter')]);
  const classify = {
    kind: 'classify' as const,
    classes: ['a', 'b'],
    labels: [],
    predicted: [],
    confusion: [
      [3, 1],
      [0, 4],
    ],
    accuracy: 0.875,
  };
  const cases: [TopLevelSpec, Datasets][] = [
    [lossChartSpec({ width: WIDTH, logScale: true }), { steps: lossSteps, epochs, baseline }],
    [hiddenStateChartSpec({ quantity: 'h', input: 'dense' }), hiddenStateDatasets()],
    [gradientFlowChartSpec({ width: WIDTH }), { gradients: gradientRows(probe) }],
    [confusionChartSpec({ classes: classify.classes, accuracy: classify.accuracy }), { confusion: confusionRows(classify) }],
    [compareChartSpec({ width: WIDTH, runs: [{ id: 'r1', label: 'first run' }] }), { runs: [{ runId: 'r1', epoch: 1, validationLoss: 0.2 }] }],
    [
      sparklineSpec(),
      {
        series: [
          { x: 1, value: 2 },
          { x: 2, value: 1 },
        ],
      },
    ],
    [hoverChartSpec(), { epochs, baseline }],
    [
      sweepChartSpec({ width: WIDTH, key: 'training.learningRate', scale: 'log' }),
      { points: sweepPointRows(sweepRuns, 'training.learningRate', 'log', 'run-0-0') },
    ],
    [
      sweepChartSpec({ width: WIDTH, key: 'model.cell', scale: 'nominal', categories: ['gru', 'lstm'] }),
      { points: sweepPointRows(sweepRuns, 'model.cell', 'nominal', 'run-0-0') },
    ],
  ];
  for (const [spec, datasets] of cases) {
    const view = new View(parse(compile(spec).spec, undefined, { ast: true }), { renderer: 'none', expr: expressionInterpreter });
    for (const [name, rows] of Object.entries(datasets))
      view.data(
        name,
        rows.map((row) => ({ ...row })),
      );
    const svg = await view.toSVG();
    view.finalize();
    const direct = await renderSvg(spec, datasets);
    const [ours, theirs] = [svg, direct].map((text) => text.replace(/(clip|gradient_)\d+/g, '$1'));
    const at = [...ours].findIndex((ch, i) => ch !== theirs[i]);
    assert.ok(ours === theirs, `differs from the compiled expressions at ${at}: …${ours.slice(at - 80, at + 80)}…`);
  }
});

/** The datasets of a heatmap of h with dense inputs. */
function hiddenStateDatasets(): Datasets {
  const data = hiddenStateData(probe, 0, 0, 'h');
  return { cells: data.cells, inputs: data.inputs };
}
