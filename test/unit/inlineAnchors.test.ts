/**
 * Where the inline charts go in a spec's text and which runs they show (`inlineAnchors.ts`):
 * the name line's latest run, each sweep value's best run and the winner of its list, and which
 * runs are stale once the spec changed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunSummary, SweepPoint } from '../../src/engine/runs/summary';
import { expandSweep, specChecksum } from '../../src/engine/spec/sweep';
import { currentChecksums, findAnchors, isStale } from '../../src/extension/inline/inlineAnchors';
import type { InlineRun } from '../../src/extension/inline/inlineRuns';
import { sineSpec } from './sineSpec';

function run(id: string, bestValidationLoss?: number, sweep?: SweepPoint, specChecksum?: string): InlineRun {
  const summary: RunSummary = {
    id,
    experiment: 'anchors',
    status: 'completed',
    startedAt: '2026-11-25T17:00:00.000Z',
    updatedAt: '2026-11-25T17:00:01.000Z',
    durationMs: 1000,
    epochsDone: 2,
    steps: 8,
    bestValidationLoss,
    sweep,
    specChecksum,
  };
  return { key: id, version: id, summary, live: false, steps: [], epochs: [] };
}

const point = (lr: number): SweepPoint => ({ label: `training.learningRate=${lr}`, assignments: { 'training.learningRate': lr } });

const TEXT = `{
  // A comment, as the spec files allow.
  "name": "anchors",
  "sweep": { "training.learningRate": [0.1, 0.01, 0.001], "model.hiddenSize": [4] },
}`;

test('the name line shows the newest run, just after the name', () => {
  const runs = [run('new', 0.5), run('old', 0.1)];
  const anchors = findAnchors(TEXT, runs);
  assert.equal(anchors.name?.run?.summary.id, 'new');
  assert.equal(TEXT.slice(0, anchors.name!.offset).endsWith('"name": "anchors"'), true);
});

test('each sweep value shows its best run; the best of a list is its winner; a value no run used shows none', () => {
  const runs = [run('a', 0.3, point(0.1)), run('b', 0.2, point(0.01)), run('c', 0.9, point(0.01)), run('d', undefined, point(0.001))];
  const anchors = findAnchors(TEXT, runs);
  const rates = anchors.sweepValues.filter((anchor) => anchor.key === 'training.learningRate');
  assert.deepEqual(
    rates.map((anchor) => [anchor.value, anchor.best?.summary.id, anchor.winner]),
    [
      [0.1, 'a', false],
      [0.01, 'b', true],
      [0.001, 'd', false],
    ],
  );
  for (const anchor of rates) assert.equal(TEXT.slice(0, anchor.offset).endsWith(String(anchor.value)), true, `the anchor follows ${anchor.value}`);
  const sizes = anchors.sweepValues.filter((anchor) => anchor.key === 'model.hiddenSize');
  assert.deepEqual(
    sizes.map((anchor) => [anchor.value, anchor.best, anchor.winner]),
    [[4, undefined, false]],
  );
});

test('only the newest run of a sweep point counts', () => {
  const anchors = findAnchors(TEXT, [run('newer', 0.8, point(0.1)), run('older', 0.1, point(0.1))]);
  assert.equal(anchors.sweepValues[0].best?.summary.id, 'newer');
});

test('text that is no JSON object, or has no sweep, has no sweep anchors', () => {
  assert.deepEqual(findAnchors('', [run('a')]), { sweepValues: [] });
  assert.deepEqual(findAnchors('{ "name": "x", "sweep": [1, 2] }', []).sweepValues, []);
  assert.equal(findAnchors('{ "data": {} }', [run('a')]).name, undefined);
});

test('a run is current while the spec (or one of its sweep points) is what it trained', () => {
  const base = sineSpec('anchors');
  const spec = { ...base, probe: { ...base.probe, generateLength: 20 }, sweep: { 'training.learningRate': [0.1, 0.01] } };
  const checksums = currentChecksums(spec);
  const [first] = expandSweep(spec);
  assert.equal(isStale(run('point', 0.1, point(0.1), specChecksum(first.spec)), checksums), false);
  assert.equal(isStale(run('plain', 0.1, undefined, specChecksum({ ...spec, sweep: undefined })), checksums), false);
  const changed = currentChecksums({ ...spec, model: { ...spec.model, hiddenSize: 8 } });
  assert.equal(isStale(run('point', 0.1, point(0.1), specChecksum(first.spec)), changed), true, 'stale once the spec changed');
  assert.equal(isStale(run('unknown'), checksums), true, 'a run without a checksum is stale');
  assert.deepEqual(currentChecksums(undefined), new Set());
});
