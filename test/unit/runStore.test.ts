/** The run store beyond training: annotations, guarded deletion, and listing many damaged runs. */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseTags, readAnnotations, runDisplayName, updateAnnotations, writeAnnotations } from '../../src/engine/runs/annotations';
import { deleteRun, notARunFolder } from '../../src/engine/runs/deleteRun';
import { RUN_FILES } from '../../src/engine/runs/layout';
import { listRuns } from '../../src/engine/runs/runReader';
import { RunWriter } from '../../src/engine/runs/runWriter';
import { sineSpec } from './sineSpec';

const scratch = mkdtempSync(join(tmpdir(), 'rnn-store-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;
const fresh = (): string => join(scratch, `experiment-${++count}`);

const spec = sineSpec('store');

/** A finished run with two epochs; returns its folder. */
function completedRun(experimentDir: string, startedAt = Date.now()): string {
  const writer = RunWriter.create({ experimentDir, specPath: 'store.rnn.json', spec, specChecksum: 'c', now: () => startedAt });
  writer.record({
    type: 'start',
    backend: 'cpu',
    dataset: 'sine',
    cell: 'gru',
    parameterCount: 9,
    epochs: 2,
    stepsPerEpoch: 1,
    baseline: { loss: 1, label: 'last value' },
    time: startedAt,
  });
  writer.record({ type: 'step', epoch: 1, step: 1, loss: 0.5, gradNorm: 1, learningRate: 0.01, stepsPerSecond: 10 });
  writer.record({ type: 'epoch', epoch: 1, trainLoss: 0.5, validationLoss: 0.4, baselineLoss: 1, elapsedMs: 10 });
  writer.record({ type: 'epoch', epoch: 2, trainLoss: 0.3, validationLoss: 0.25, baselineLoss: 1, elapsedMs: 20 });
  writer.record({ type: 'end', status: 'completed', time: startedAt + 20 });
  writer.saveWeights({ 'head.weight': { shape: [1, 2], data: new Float32Array([1, 2]) } });
  writer.close();
  return writer.dir;
}

describe('run annotations', () => {
  test('a run without annotations.json has none; written ones read back, trimmed and de-duplicated', () => {
    const dir = completedRun(fresh());
    assert.deepEqual(readAnnotations(dir), {});
    const stored = writeAnnotations(dir, { name: '  best GRU ', note: 'lr 0.01 works\n', tags: ['gru', ' baseline', 'gru', ''] });
    assert.deepEqual(stored, { name: 'best GRU', note: 'lr 0.01 works', tags: ['gru', 'baseline'] });
    assert.deepEqual(readAnnotations(dir), stored);
    assert.deepEqual(
      readdirSync(dir).filter((file) => file.endsWith('.tmp')),
      [],
      'written atomically, no temp file left',
    );
  });

  test('updates keep the other fields; emptying a field drops it', () => {
    const dir = completedRun(fresh());
    writeAnnotations(dir, { name: 'first', tags: ['a'] });
    assert.deepEqual(
      updateAnnotations(dir, (current) => ({ ...current, note: 'why' })),
      { name: 'first', note: 'why', tags: ['a'] },
    );
    assert.deepEqual(
      updateAnnotations(dir, (current) => ({ ...current, name: '', tags: [] })),
      { note: 'why' },
    );
    assert.deepEqual(JSON.parse(readFileSync(join(dir, RUN_FILES.annotations), 'utf8')), { note: 'why' });
  });

  test('bad values are refused with a message and nothing is written; a damaged file reads as none', () => {
    const dir = completedRun(fresh());
    assert.throws(() => writeAnnotations(dir, { name: 'two\nlines' }), /one line/);
    assert.throws(() => writeAnnotations(dir, { tags: ['has space'] }), /one word/);
    assert.throws(() => writeAnnotations(dir, { name: 'x'.repeat(201) }), /at most 200/);
    assert.equal(existsSync(join(dir, RUN_FILES.annotations)), false);
    writeFileSync(join(dir, RUN_FILES.annotations), '{"name": "cut sh');
    assert.deepEqual(readAnnotations(dir), {});
    writeFileSync(join(dir, RUN_FILES.annotations), '{"name": 3, "tags": ["ok", 4]}');
    assert.deepEqual(readAnnotations(dir), { tags: ['ok'] });
  });

  test('the display name: the given name, else the sweep label, else the run id', () => {
    assert.equal(runDisplayName({ id: '20261125-1', sweep: { label: 'cell=lstm', assignments: {} } }, { name: 'mine' }), 'mine');
    assert.equal(runDisplayName({ id: '20261125-1', sweep: { label: 'cell=lstm', assignments: {} } }), 'cell=lstm');
    assert.equal(runDisplayName({ id: '20261125-1', sweep: { label: '', assignments: {} } }), '20261125-1');
    assert.deepEqual(parseTags(' a, b  c,,'), ['a', 'b', 'c']);
  });
});

describe('deleteRun', () => {
  test('deletes a run folder, and a half-written one with only its spec', () => {
    const experiment = fresh();
    const dir = completedRun(experiment);
    writeAnnotations(dir, { name: 'x' });
    deleteRun(dir);
    assert.equal(existsSync(dir), false);
    const half = join(experiment, '20261125-000000-half');
    mkdirSync(half);
    writeFileSync(join(half, RUN_FILES.spec), '{');
    writeFileSync(join(half, `.${RUN_FILES.summary}.12-3.tmp`), '');
    deleteRun(half);
    assert.equal(existsSync(half), false);
  });

  test('refuses anything that is not plainly a run folder, deleting nothing', () => {
    const experiment = fresh();
    const run = completedRun(experiment);
    const notRun = join(scratch, 'not-a-run');
    mkdirSync(notRun);
    writeFileSync(join(notRun, 'notes.txt'), 'keep me');
    assert.throws(() => deleteRun(notRun), /not a run folder/);
    assert.throws(() => deleteRun(experiment), /not a run folder/, 'the experiment folder holds run folders');
    assert.throws(() => deleteRun(join(run, RUN_FILES.summary)), /not a folder/);
    assert.throws(() => deleteRun(join(scratch, 'missing')), /cannot read/);
    writeFileSync(join(run, 'my-analysis.ipynb'), '{}');
    assert.match(notARunFolder(run) ?? '', /my-analysis\.ipynb/);
    assert.throws(() => deleteRun(run));
    assert.equal(existsSync(join(notRun, 'notes.txt')), true);
    assert.equal(existsSync(join(run, RUN_FILES.summary)), true);
  });
});

describe('listing many runs, some damaged', () => {
  test('hundreds of runs: every one listed, the damaged ones as interrupted with their reason', () => {
    const experiment = fresh();
    const sound = new Set<string>();
    const damaged = new Map<string, RegExp>();
    const rebuilt = new Set<string>();
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 300; i++) {
      const dir = completedRun(experiment, base + i * 1000);
      const id = dir.slice(experiment.length + 1);
      switch (i % 6) {
        case 1:
          // Rebuilt from its complete metrics.
          writeFileSync(join(dir, RUN_FILES.summary), '{"status": "compl');
          rebuilt.add(id);
          break;
        case 2:
          rmSync(join(dir, RUN_FILES.summary));
          // Its metrics end cut short, without the end event.
          writeFileSync(join(dir, RUN_FILES.metrics), `${readFileSync(join(dir, RUN_FILES.metrics), 'utf8').split('\n').slice(0, 3).join('\n')}\n{"type":"ep`);
          damaged.set(id, /summary\.json is missing or unreadable; rebuilt from metrics\.jsonl/);
          break;
        case 3:
          writeFileSync(
            join(dir, RUN_FILES.summary),
            JSON.stringify({
              status: 'running',
              startedAt: new Date(base + i * 1000).toISOString(),
              updatedAt: new Date(base + i * 1000).toISOString(),
              epochsDone: 1,
              steps: 1,
              durationMs: 0,
              pid: 2 ** 22 + 12345,
            }),
          );
          damaged.set(id, /the training process \(pid \d+\) is gone/);
          break;
        case 4:
          writeFileSync(join(dir, RUN_FILES.summary), '[1, 2]');
          rmSync(join(dir, RUN_FILES.metrics));
          mkdirSync(join(dir, RUN_FILES.metrics));
          damaged.set(id, /unreadable run/);
          break;
        default:
          sound.add(id);
      }
    }
    const summaries = listRuns(experiment);
    assert.equal(summaries.length, 300);
    assert.equal(sound.size + rebuilt.size + damaged.size, 300);
    for (const summary of summaries) {
      if (sound.has(summary.id) || rebuilt.has(summary.id)) {
        assert.equal(summary.status, 'completed', summary.id);
        assert.equal(summary.bestValidationLoss, 0.25);
      } else {
        assert.equal(summary.status, 'interrupted', summary.id);
        assert.match(summary.reason ?? '', damaged.get(summary.id)!, summary.id);
      }
    }
    assert.deepEqual(
      summaries.map((s) => s.id),
      [...summaries.map((s) => s.id)].sort().reverse(),
      'newest first',
    );
  });

  test('a sound summary is all that is read: unreadable metrics do not matter to the listing', () => {
    const experiment = fresh();
    const dirs = [completedRun(experiment), completedRun(experiment)];
    for (const dir of dirs) {
      // A folder where the file should be cannot be read as one: any attempt would fail.
      rmSync(join(dir, RUN_FILES.metrics));
      mkdirSync(join(dir, RUN_FILES.metrics));
      rmSync(join(dir, RUN_FILES.probes), { force: true });
      mkdirSync(join(dir, RUN_FILES.probes));
      chmodSync(join(dir, RUN_FILES.weights), 0);
    }
    const summaries = listRuns(experiment);
    assert.deepEqual(
      summaries.map((s) => [s.status, s.bestValidationLoss, s.reason]),
      [
        ['completed', 0.25, undefined],
        ['completed', 0.25, undefined],
      ],
    );
  });
});
