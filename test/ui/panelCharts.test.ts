/**
 * The experiment panel's charts as a user reads them, in a panel 600 px wide and at full width:
 * the loss chart (baseline label, legend entries, x-axis choice, crosshair readout, the panel's
 * height), a forecast's predictions in the data's units, a classifier's accuracy curves and
 * confusion matrix with the epoch they come from, Compare telling four runs of two sweeps apart,
 * and no view scrolling sideways.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { REPO_ROOT } from '../../scripts/vscode/paths';
import { VsCode } from './harness';

/** Small, quick versions of the examples: a CSV forecast, a sweep of two cells, a classifier. */
const SPECS = {
  'weather.rnn.json': {
    name: 'weather',
    data: {
      type: 'csv',
      path: 'data/seattle-weather.csv',
      columns: ['temp_max', 'temp_min', 'precipitation', 'wind'],
      target: 'temp_max',
      window: 14,
      horizon: 1,
    },
    model: { cell: 'lstm', hiddenSize: 12 },
    training: { epochs: 4, batchSize: 32, learningRate: 0.005 },
  },
  'cells.rnn.json': {
    name: 'cells',
    data: { type: 'sine', samples: 300, seqLength: 20 },
    model: { cell: 'gru', hiddenSize: 8 },
    training: { epochs: 3, batchSize: 32 },
    sweep: { 'model.cell': ['rnn', 'gru'] },
  },
  'reviews.rnn.json': {
    name: 'reviews',
    data: { type: 'labeled-text', path: 'data/restaurant-reviews.csv', textField: 'review', labelField: 'sentiment', maxLength: 60 },
    model: { cell: 'gru', hiddenSize: 12 },
    training: { epochs: 4, batchSize: 32, learningRate: 0.005 },
  },
};

let folder: string;
before(() => {
  folder = mkdtempSync(join(tmpdir(), 'rnn-lab-ui-charts-'));
  mkdirSync(join(folder, 'data'));
  for (const file of ['seattle-weather.csv', 'restaurant-reviews.csv']) cpSync(join(REPO_ROOT, 'examples', 'data', file), join(folder, 'data', file));
  for (const [file, spec] of Object.entries(SPECS)) writeFileSync(join(folder, file), JSON.stringify(spec, null, 2));
});
after(() => rmSync(folder, { recursive: true, force: true }));

/** The panel's document: a webview is two nested iframes. */
function panel(window: VsCode): FrameLocator {
  return window.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

async function openTab(window: VsCode, name: string): Promise<void> {
  await panel(window).getByRole('tab', { name }).click();
}

/** Opens `file`, its panel, and trains it once with the panel's Train again; waits until it completed. */
async function trainInPanel(window: VsCode, file: string): Promise<void> {
  await window.openFile(file);
  await window.runCommand('RNN Lab: Open Experiment Panel');
  await panel(window).getByRole('button', { name: 'Train again' }).click();
  await panel(window).locator('.status', { hasText: 'completed' }).waitFor({ timeout: 180_000 });
}

/** The panel's width in CSS pixels. */
async function panelWidth(window: VsCode): Promise<number> {
  return panel(window)
    .locator('body')
    .evaluate(() => document.documentElement.clientWidth);
}

/** Resizes the browser window until the panel (half of the editor area) is `width` px wide. */
async function setPanelWidth(window: VsCode, width: number): Promise<void> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const now = await panelWidth(window);
    if (Math.abs(now - width) <= 4) return;
    const viewport = window.page.viewportSize()!;
    await window.page.setViewportSize({ width: viewport.width + 2 * (width - now), height: viewport.height });
    await window.page.waitForTimeout(800);
  }
  assert.ok(Math.abs((await panelWidth(window)) - width) <= 4, `the panel is ${await panelWidth(window)} px wide, not ${width}`);
}

/** What sticks out of the panel in the view shown: sideways scrolling, or a chart wider than the panel. */
async function overflow(window: VsCode): Promise<string[]> {
  // A resize is redrawn a quarter second after it settles.
  await window.page.waitForTimeout(700);
  return panel(window)
    .locator('body')
    .evaluate(() => {
      const width = document.documentElement.clientWidth;
      const found: string[] = [];
      if (document.documentElement.scrollWidth > width + 1) found.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${width})`);
      document.querySelectorAll('.tabpanel:not([hidden]) svg, .tabpanel:not([hidden]) table').forEach((element) => {
        const box = element.getBoundingClientRect();
        if (box.width > 0 && box.right > width + 1)
          found.push(`${element.closest('[data-chart]')?.getAttribute('data-chart') ?? element.tagName} ends at ${Math.round(box.right)} px`);
      });
      return found;
    });
}

/** The texts drawn in a chart's SVG. */
function chartTexts(window: VsCode, chart: string): Promise<string[]> {
  return panel(window)
    .locator(`[data-chart="${chart}"] svg`)
    .first()
    .evaluate((svg) => Array.from(svg.querySelectorAll('text'), (text) => text.textContent ?? ''));
}

test("a CSV forecast: the loss chart reads well, predictions in the data's units, every view fits 600 px", { timeout: 420_000 }, async () => {
  const window = await VsCode.open({ name: 'panel-charts-forecast', workspaceFrom: folder });
  try {
    await trainInPanel(window, 'weather.rnn.json');
    await setPanelWidth(window, 600);

    // Loss: the baseline says what it is, the epoch train line has its own legend entry, the chart uses the height.
    await panel(window).locator('[data-chart="loss"] .mark-line path').first().waitFor({ timeout: 30_000 });
    await window.page.waitForTimeout(700);
    const texts = await chartTexts(window, 'loss');
    assert.ok(
      texts.some((t) => /^baseline \(last value\) \d/.test(t)),
      `the baseline label: ${texts.join('|')}`,
    );
    for (const entry of ['train, per step', 'train, epoch mean', 'validation']) assert.ok(texts.includes(entry), `legend entry ${entry}`);
    const heights = await panel(window)
      .locator('[data-chart="loss"] svg')
      .first()
      .evaluate((svg) => ({ chart: svg.getBoundingClientRect().height, bottom: svg.getBoundingClientRect().bottom, panel: globalThis.innerHeight }));
    // It fills what the header, the Doctor strip and the controls leave: down to the panel's foot, and not a fixed small box.
    const described = `${Math.round(heights.chart)} px tall, down to ${Math.round(heights.bottom)} of ${heights.panel} px`;
    assert.ok(heights.bottom >= 0.85 * heights.panel && heights.bottom <= heights.panel, `the loss chart uses the panel's height (${described})`);
    assert.ok(heights.chart >= 0.4 * heights.panel, `the loss chart uses the panel's height (${described})`);
    await window.screenshot('1-loss-600px');

    // A crosshair reads every series at the hovered step.
    const plot = panel(window).locator('[data-chart="loss"] svg').first();
    const box = (await plot.boundingBox())!;
    await window.page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
    await window.page.mouse.move(box.x + box.width * 0.62, box.y + box.height * 0.5);
    const tooltip = panel(window).locator('#vg-tooltip-element.visible');
    await tooltip.waitFor({ timeout: 10_000 });
    const readout = (await tooltip.textContent()) ?? '';
    for (const series of ['step', 'train, per step', 'smoothed', 'train, epoch mean (its epoch)', 'validation (its epoch)'])
      assert.ok(readout.includes(series), `${series} in "${readout}"`);
    await window.screenshot('2-loss-crosshair');
    await window.page.mouse.move(box.x - 40, box.y - 40);

    // The x axis counts epochs or seconds on demand.
    for (const [choice, title] of [
      ['epoch', 'epoch'],
      ['wall-clock time', 'time (s)'],
      ['step', 'step'],
    ]) {
      await panel(window).getByLabel('X axis').selectOption({ label: choice });
      await panel(window)
        .locator('[data-chart="loss"] svg text', { hasText: new RegExp(`^${title.replace(/[()]/g, '\\$&')}$`) })
        .first()
        .waitFor({ timeout: 10_000 });
    }

    // Predictions: prediction against target with y = x, the residuals, a sequence continued by its forecast; temp_max in °C.
    await openTab(window, 'Predictions');
    await panel(window).locator('[data-chart="predictions"] .mark-symbol path').first().waitFor({ timeout: 30_000 });
    await panel(window).locator('[data-chart="sequence"] .mark-line path').first().waitFor({ timeout: 30_000 });
    await window.page.waitForTimeout(500);
    const scatter = await chartTexts(window, 'predictions');
    assert.ok(scatter.includes('target temp_max') && scatter.includes('predicted temp_max'), scatter.join('|'));
    const residuals = await chartTexts(window, 'residuals');
    assert.ok(residuals.includes('residual (predicted − target)'));
    const points = await panel(window).locator('[data-chart="predictions"] .mark-symbol path').count();
    assert.ok(points > 50, `a point per validation sample (${points})`);
    assert.equal(await panel(window).locator('[data-chart="predictions"] .mark-line path').count(), 0, 'samples are not joined into a line');
    // Seattle's daily maxima lie between -2 and 36 °C: the axis is in the data's units, not standardised ones.
    const ticks = scatter.map(Number).filter((n) => Number.isFinite(n));
    assert.ok(Math.max(...ticks) >= 20, `ticks in °C: ${ticks.join(' ')}`);
    const sequence = await chartTexts(window, 'sequence');
    for (const t of ['input', 'target', 'prediction', 'temp_max']) assert.ok(sequence.includes(t), `${t} in the sequence chart`);
    assert.match((await panel(window).locator('[data-summary="predictions"]').textContent()) ?? '', /in the data's units, at epoch 4 \((best and )?last\)/);
    await window.screenshot('3-predictions-600px');

    // Hidden state: the inputs go by their column names, the legend is not clipped.
    await openTab(window, 'Hidden state');
    await panel(window).locator('[data-chart="hidden-state"] .mark-rect path').first().waitFor({ timeout: 30_000 });
    await window.page.waitForTimeout(500);
    const hidden = await chartTexts(window, 'hidden-state');
    for (const column of ['temp_min', 'precipitation', 'wind']) assert.ok(hidden.includes(column), `${column} in the legend, not x0..x3`);
    await window.screenshot('4-hidden-state-600px');

    // Compare with one run: no empty "Configuration that differs"; Train again ticks the run it starts.
    await openTab(window, 'Compare');
    await panel(window).locator('[data-chart="compare"] .mark-line path').first().waitFor({ timeout: 30_000 });
    assert.equal(await panel(window).getByRole('heading', { name: 'Configuration that differs' }).isVisible(), false, 'no heading for one run');
    const boxes = panel(window).locator('.run-choices input[type="checkbox"]');
    assert.equal(await boxes.count(), 1);
    await panel(window).getByRole('button', { name: 'Train again' }).click();
    await boxes.nth(1).waitFor({ timeout: 60_000 });
    await panel(window).locator('.status', { hasText: 'completed' }).waitFor({ timeout: 180_000 });
    assert.deepEqual(await boxes.evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).checked)), [true, true], 'the new run is ticked');
    await panel(window).locator('[data-chart="compare"] g.mark-line').first().waitFor();

    // Every view fits 600 px.
    const tabs = ['Loss', 'Hidden state', 'Gradient flow', 'Predictions', 'Compare', 'Sweep'];
    for (const tab of tabs) {
      await openTab(window, tab);
      assert.deepEqual(await overflow(window), [], `${tab} fits 600 px`);
    }
    await openTab(window, 'Loss');
    await window.screenshot('5-loss-600px-two-runs');

    // A wide panel: no side bar, a wide window.
    await window.runCommand('View: Toggle Primary Side Bar Visibility');
    await window.page.setViewportSize({ width: 2000, height: 1250 });
    await window.page.waitForTimeout(1000);
    assert.ok((await panelWidth(window)) > 900, `full width: ${await panelWidth(window)} px`);
    for (const tab of tabs) {
      await openTab(window, tab);
      assert.deepEqual(await overflow(window), [], `${tab} fits at full width`);
    }
    await openTab(window, 'Predictions');
    await panel(window).locator('[data-chart="sequence"] .mark-line path').first().waitFor({ timeout: 30_000 });
    await window.screenshot('6-predictions-full-width', 'panel-predictions.png');
    await openTab(window, 'Loss');
    await window.page.waitForTimeout(700);
    await window.screenshot('7-loss-full-width');
  } finally {
    await window.close();
  }
});

test('Compare tells four runs of two sweeps apart: a colour each, unique labels, a table that fits', { timeout: 420_000 }, async () => {
  const window = await VsCode.open({ name: 'panel-charts-compare', workspaceFrom: folder });
  try {
    await window.openFile('cells.rnn.json');
    const done = async (count: number) => {
      // The spec's editor (the panel opens beside it and takes the focus).
      await window.runCommand('View: Focus First Editor Group');
      await window.clickCodeLens(/^▶ Train sweep \(2 runs\)$/);
      await panel(window).locator('h1').waitFor({ timeout: 60_000 });
      await openTab(window, 'Compare');
      const completed = panel(window).locator('.run-choices label', { hasText: '(completed)' });
      const deadline = Date.now() + 240_000;
      while ((await completed.count()) < count) {
        assert.ok(Date.now() < deadline, `${count} completed runs`);
        await window.page.waitForTimeout(500);
      }
    };
    await done(2);
    // The second sweep with another seed, so that its curves differ from the first one's.
    writeFileSync(
      join(window.workspace, 'cells.rnn.json'),
      JSON.stringify({ ...SPECS['cells.rnn.json'], training: { ...SPECS['cells.rnn.json'].training, seed: 7 } }, null, 2),
    );
    await window.page.waitForTimeout(1500);
    await done(4);
    await setPanelWidth(window, 600);
    await panel(window).locator('[data-chart="compare"] g.mark-line').first().waitFor({ timeout: 30_000 });
    await window.page.waitForTimeout(1000);

    const boxes = panel(window).locator('.run-choices input[type="checkbox"]');
    assert.deepEqual(await boxes.evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).checked)), [true, true, true, true]);
    const strokes = await panel(window)
      .locator('[data-chart="compare"] g.mark-line path')
      .evaluateAll((paths) => paths.map((path) => `${path.getAttribute('stroke')}|${path.getAttribute('stroke-dasharray') ?? ''}`));
    assert.equal(strokes.length, 4);
    assert.equal(new Set(strokes).size, 4, `four looks: ${strokes.join(' ')}`);
    const legend = await panel(window)
      .locator('[data-chart="compare"] svg .role-legend-label text')
      .evaluateAll((texts) => texts.map((text) => text.textContent ?? ''));
    assert.equal(legend.length, 4, legend.join('|'));
    assert.equal(new Set(legend).size, 4, `unique labels: ${legend.join('|')}`);
    assert.ok(
      legend.every((label) => label.startsWith('model.cell=')),
      'labelled by the sweep value',
    );
    await panel(window).getByRole('heading', { name: 'Configuration that differs' }).waitFor();
    assert.ok(await panel(window).locator('.config-table table', { hasText: 'model.cell' }).isVisible(), 'the differing key');
    assert.deepEqual(await overflow(window), [], 'Compare fits 600 px');
    await window.screenshot('1-compare-600px');

    await window.runCommand('View: Toggle Primary Side Bar Visibility');
    await window.page.waitForTimeout(1500);
    assert.deepEqual(await overflow(window), [], 'Compare fits a wider panel');
    await window.screenshot('2-compare-wide', 'panel-compare.png');
  } finally {
    await window.close();
  }
});

test('a classifier: accuracy curves beside the loss, a confusion matrix with counts and a legend, figures that agree', { timeout: 420_000 }, async () => {
  const window = await VsCode.open({ name: 'panel-charts-classify', workspaceFrom: folder });
  try {
    await trainInPanel(window, 'reviews.rnn.json');
    await setPanelWidth(window, 600);
    await panel(window).locator('[data-chart="accuracy"] .mark-line path').first().waitFor({ timeout: 30_000 });
    await window.page.waitForTimeout(700);
    assert.equal(await panel(window).locator('[data-chart="accuracy"] g.mark-line path').count(), 2, 'train and validation accuracy');
    const accuracyTexts = await chartTexts(window, 'accuracy');
    assert.ok(
      accuracyTexts.some((t) => /^best \d+\.\d% @ epoch \d$/.test(t)),
      accuracyTexts.join('|'),
    );
    assert.deepEqual(await overflow(window), [], 'the Loss view fits 600 px');
    await window.screenshot('1-loss-and-accuracy-600px', 'panel-accuracy.png');

    await openTab(window, 'Predictions');
    await panel(window).locator('[data-chart="predictions"] .mark-rect path').first().waitFor({ timeout: 30_000 });
    await window.page.waitForTimeout(500);
    const confusion = await chartTexts(window, 'predictions');
    assert.ok(confusion.includes('count'), 'a colour legend of the counts');
    assert.ok(
      confusion.some((t) => /^accuracy \d+\.\d% · epoch 4 \((best and )?last\)$/.test(t)),
      `the title says which epoch: ${confusion.join('|')}`,
    );
    assert.equal(await panel(window).locator('[data-chart="predictions"] svg linearGradient').count(), 1, "the legend's gradient");
    // The run list's best accuracy is the one the Predictions view reports (at its epoch, or as the best).
    const listed = /best acc (\d+\.\d%)/.exec((await panel(window).locator('#run option').first().textContent()) ?? '')?.[1];
    const summary = (await panel(window).locator('[data-summary="predictions"]').textContent()) ?? '';
    assert.ok(listed && summary.includes(listed), `"${summary}" reports the run list's best ${listed}`);
    assert.deepEqual(await overflow(window), [], 'Predictions fits 600 px');
    await window.screenshot('2-confusion-600px');
  } finally {
    await window.close();
  }
});
