import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { BUILTIN_DATASETS } from '../../src/engine/data/builtin';
import { checkData, type DataIssue } from '../../src/engine/data/check';
import { DataError, loadDataset, type DataContext } from '../../src/engine/data/load';
import type { Dataset, SequenceSplit } from '../../src/engine/data/types';
import { gatherBatch } from '../../src/engine/train/batches';
import type { BuiltinData, BuiltinDatasetName, CsvData, DataSpec, ExperimentSpec, LabeledTextData, TextData } from '../../src/engine/spec/types';

const fixtures = resolve(__dirname, '../fixtures/data');
const resourcesDir = resolve(__dirname, '../../media');
const context: DataContext = { specDir: fixtures, resourcesDir, seed: 42 };
const load = (data: DataSpec, seed = 42) => loadDataset(data, { ...context, seed });

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

function std(values: ArrayLike<number>): number {
  const m = mean(values);
  return Math.sqrt(mean(Array.from(values, (v) => (v - m) ** 2)));
}

/** Throws a DataError at `path` whose message matches every pattern. */
function assertDataError(run: () => unknown, path: (string | number)[], ...patterns: RegExp[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof DataError, `expected a DataError, got ${String(error)}`);
    assert.deepEqual(error.path, path);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
}

/** Both splits' sample counts and array sizes agree with the dataset's shape. */
function assertShapes(dataset: Dataset, total: number): void {
  assert.equal(dataset.train.count + dataset.validation.count, total);
  for (const split of [dataset.train, dataset.validation]) {
    const perStep = dataset.input.kind === 'dense' ? dataset.input.size : 1;
    assert.equal(split.inputs.length, split.count * dataset.seqLength * perStep);
    assert.ok(split.inputs instanceof (dataset.input.kind === 'dense' ? Float32Array : Int32Array));
    if (dataset.task === 'forecast') assert.equal(split.targets!.length, split.count * dataset.outputSize);
    if (dataset.task === 'classify') assert.equal(split.labels!.length, split.count);
    if (dataset.task === 'tokens') assert.equal(split.labels!.length, split.count * dataset.seqLength);
  }
}

function assertSameData(a: Dataset, b: Dataset): void {
  for (const part of ['train', 'validation'] as const) {
    assert.deepEqual(a[part].inputs, b[part].inputs);
    assert.deepEqual(a[part].targets, b[part].targets);
    assert.deepEqual(a[part].labels, b[part].labels);
    assert.deepEqual(a[part].lengths, b[part].lengths);
  }
}

function sameInputs(a: SequenceSplit, b: SequenceSplit): boolean {
  return a.inputs.length === b.inputs.length && a.inputs.every((value, i) => value === b.inputs[i]);
}

describe('sine', () => {
  const spec = { type: 'sine', samples: 100, seqLength: 30, noise: 0.2, horizon: 3, validationSplit: 0.25 } as const;

  it('makes forecast windows of one feature with horizon outputs', () => {
    const dataset = load(spec);
    assert.equal(dataset.task, 'forecast');
    assert.deepEqual(dataset.input, { kind: 'dense', size: 1 });
    assert.equal(dataset.outputSize, 3);
    assert.equal(dataset.seqLength, 30);
    assert.equal(dataset.train.count, 75);
    assert.equal(dataset.validation.count, 25);
    assertShapes(dataset, 100);
    for (const value of dataset.train.targets!) assert.ok(Math.abs(value) <= 1.5);
    assert.match(dataset.description, /75 train \/ 25 validation/);
  });

  it('adds noise to the inputs only: the targets are the clean continuation of the wave', () => {
    const noisy = load(spec);
    const clean = load({ ...spec, noise: 0 });
    assert.deepEqual(noisy.train.targets, clean.train.targets);
    const residuals = noisy.train.inputs.map((value, i) => value - clean.train.inputs[i]);
    assert.ok(Math.abs(std(residuals) - 0.2) < 0.02, `noise std ${std(residuals)}`);
    // A clean sine obeys x[t+1] = 2cos(ω)·x[t] − x[t−1]; the first target continues the inputs.
    const T = spec.seqLength;
    for (let i = 0; i < clean.train.count; i++) {
      const x = (t: number) => clean.train.inputs[i * T + t];
      const twoCos = (x(T - 1) + x(T - 3)) / x(T - 2);
      if (Math.abs(x(T - 2)) < 0.3) continue; // ill-conditioned estimate of ω
      assert.ok(Math.abs(clean.train.targets![i * 3] - (twoCos * x(T - 1) - x(T - 2))) < 1e-3);
    }
  });

  it('reports the last-value baseline on the validation split', () => {
    const dataset = load(spec);
    const { inputs, targets, count } = dataset.validation;
    let sum = 0;
    for (let i = 0; i < count; i++) {
      for (let h = 0; h < 3; h++) sum += (targets![i * 3 + h] - inputs[i * 30 + 29]) ** 2;
    }
    assert.ok(Math.abs(dataset.baseline.loss - sum / (count * 3)) < 1e-9);
    assert.equal(dataset.baseline.label, 'last value');
  });

  it('is deterministic for a seed and differs between seeds', () => {
    assertSameData(load(spec, 7), load(spec, 7));
    assert.ok(!sameInputs(load(spec, 7).train, load(spec, 8).train));
  });
});

describe('adding problem', () => {
  const spec = { type: 'adding', samples: 2000, seqLength: 40, validationSplit: 0.5 } as const;
  const dataset = load(spec);

  it('has two inputs per step: a value in [0, 1) and exactly one marker in each half', () => {
    assert.equal(dataset.task, 'forecast');
    assert.deepEqual(dataset.input, { kind: 'dense', size: 2 });
    assert.equal(dataset.outputSize, 1);
    assertShapes(dataset, 2000);
    const { inputs, targets, count } = dataset.train;
    for (let i = 0; i < count; i++) {
      const marked: number[] = [];
      let sum = 0;
      for (let t = 0; t < 40; t++) {
        const value = inputs[(i * 40 + t) * 2];
        const marker = inputs[(i * 40 + t) * 2 + 1];
        assert.ok(value >= 0 && value < 1);
        assert.ok(marker === 0 || marker === 1);
        if (marker === 1) {
          marked.push(t);
          sum += value;
        }
      }
      assert.equal(marked.length, 2);
      assert.ok(marked[0] < 20 && marked[1] >= 20);
      assert.ok(Math.abs(targets![i] - sum) < 1e-6);
    }
  });

  it('has the constant-1 baseline near 1/6', () => {
    assert.equal(dataset.baseline.label, 'predict 1 (constant)');
    assert.ok(Math.abs(dataset.baseline.loss - 1 / 6) < 0.025, `baseline ${dataset.baseline.loss}`);
    assert.ok(Math.abs(mean(dataset.validation.targets!) - 1) < 0.05);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    assertSameData(load(spec, 3), load(spec, 3));
    assert.ok(!sameInputs(load(spec, 3).train, load(spec, 4).train));
  });
});

describe('copy memory', () => {
  const spec = { type: 'copy', samples: 50, delay: 20, symbols: 8, length: 10, validationSplit: 0.2 } as const;
  const dataset = load(spec);
  const T = 20 + 2 * 10;

  it('lays out symbols, blanks, the delimiter and the recall steps', () => {
    assert.equal(dataset.task, 'tokens');
    assert.deepEqual(dataset.input, { kind: 'tokens', vocabularySize: 10 });
    assert.equal(dataset.outputSize, 10);
    assert.equal(dataset.seqLength, T);
    assert.equal(dataset.vocabulary!.length, 10);
    assertShapes(dataset, 50);
    const { inputs, labels, count } = dataset.train;
    for (let i = 0; i < count; i++) {
      const row = Array.from(inputs.subarray(i * T, (i + 1) * T));
      const expected = Array.from(labels!.subarray(i * T, (i + 1) * T));
      const symbols = row.slice(0, 10);
      assert.ok(symbols.every((s) => s >= 1 && s <= 8));
      assert.deepEqual(row.slice(10, 10 + 19), new Array(19).fill(0));
      assert.equal(row[10 + 19], 9, 'delimiter after delay − 1 blanks');
      assert.deepEqual(row.slice(30), new Array(10).fill(0));
      assert.deepEqual(expected.slice(0, 30), new Array(30).fill(0));
      assert.deepEqual(expected.slice(30), symbols);
    }
  });

  it('has the memoryless baseline length·ln(symbols)/(delay + 2·length)', () => {
    assert.equal(dataset.baseline.label, 'memoryless');
    assert.ok(Math.abs(dataset.baseline.loss - (10 * Math.log(8)) / T) < 1e-12);
    const published = load({ ...spec, delay: 100 }).baseline.loss;
    assert.ok(Math.abs(published - 0.1733) < 1e-4, `T=100 baseline ${published}`);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    assertSameData(load(spec, 1), load(spec, 1));
    assert.ok(!sameInputs(load(spec, 1).train, load(spec, 2).train));
  });
});

describe('csv series', () => {
  const rows = readFileSync(join(fixtures, 'series.csv'), 'utf8').trim().split('\n').length - 1;
  const spec: CsvData = {
    type: 'csv',
    path: 'series.csv',
    columns: ['level', 'wave'],
    target: 'level',
    window: 5,
    horizon: 1,
    validationSplit: 0.25,
  };

  it('cuts windows of the input columns and targets the next horizon values', () => {
    const dataset = load(spec);
    const windows = rows - 5 - 1 + 1;
    assert.equal(dataset.task, 'forecast');
    assert.deepEqual(dataset.input, { kind: 'dense', size: 2 });
    assert.deepEqual(dataset.featureNames, ['level', 'wave']);
    assert.equal(dataset.validation.count, Math.round(windows * 0.25));
    assertShapes(dataset, windows);
    assert.match(dataset.description, /^series\.csv: level from level, wave, window 5, horizon 1: \d+ train/);
  });

  it('standardises with the training part only, so validation keeps its offset', () => {
    const dataset = load(spec);
    const { train, validation } = dataset;
    // The training part is rows [0, cut): the first step of every training window, the rest of
    // the last one, and its target.
    const level: number[] = [];
    for (let s = 0; s < train.count; s++) level.push(train.inputs[s * 5 * 2]);
    for (let t = 1; t < 5; t++) level.push(train.inputs[((train.count - 1) * 5 + t) * 2]);
    level.push(train.targets![train.count - 1]);
    const cut = level.length;
    assert.ok(Math.abs(mean(level)) < 1e-6);
    assert.ok(Math.abs(std(level) - 1) < 1e-6);
    // Raw level is the row number, so the scale is that of 0 … cut − 1.
    const expectedMean = (cut - 1) / 2;
    assert.ok(Math.abs(dataset.targetScale!.mean - expectedMean) < 1e-9);
    assert.ok(Math.abs(dataset.targetScale!.std - std(Array.from({ length: cut }, (_, i) => i))) < 1e-9);
    assert.ok(mean(validation.targets!) > 1.5, `validation mean ${mean(validation.targets!)} is not pulled to 0`);
  });

  it('splits by time: validation is the last windows and never overlaps training targets', () => {
    const dataset = load({ ...spec, horizon: 3 });
    const { mean: m, std: s } = dataset.targetScale!;
    const rowOf = (value: number) => Math.round(value * s + m);
    const trainRows = Array.from(dataset.train.targets!, rowOf);
    const validationRows = Array.from(dataset.validation.targets!, rowOf);
    assert.ok(Math.max(...trainRows) < Math.min(...validationRows));
    assert.equal(Math.max(...validationRows), rows - 1, 'the last validation target is the last row');
    // Consecutive windows, each predicting the next three rows after its inputs.
    dataset.validation.targets!.forEach((_, k) => {
      const window = Math.floor(k / 3);
      assert.equal(validationRows[k], validationRows[0] + window + (k % 3));
    });
    const windows = rows - 5 - 3 + 1;
    const held = Math.round(windows * 0.25);
    assert.equal(dataset.train.count, windows - held - 2, 'the two windows straddling the cut are left out');
  });

  it('uses the last observed target as the baseline, in standardised units', () => {
    const dataset = load(spec);
    // level rises by exactly one row per step: the last value is always off by 1 / std.
    assert.ok(Math.abs(dataset.baseline.loss - (1 / dataset.targetScale!.std) ** 2) < 1e-6);
    assert.equal(dataset.baseline.label, 'last value');
  });

  it('uses every numeric column when columns is empty', () => {
    const dataset = load({ ...spec, columns: [] });
    assert.deepEqual(dataset.featureNames, ['level', 'wave']);
  });

  it('names the row and column of a bad cell', () => {
    const bad = { ...spec, path: 'bad-cells.csv', target: 'wave' };
    assertDataError(() => load(bad), ['data', 'columns', 1], /row 3 \(line 4\)/, /column "wave"/, /"abc"/);
    const missing = { ...spec, path: 'missing-cell.csv' };
    assertDataError(() => load(missing), ['data', 'columns', 1], /row 2 \(line 3\), column "wave" is empty/);
  });

  it('points at a missing column and lists the available ones', () => {
    assertDataError(() => load({ ...spec, columns: ['level', 'temp'] }), ['data', 'columns', 1], /"temp" not found/, /date, level, wave, note/);
    assertDataError(() => load({ ...spec, target: 'nope' }), ['data', 'target'], /"nope" not found/);
  });
});

describe('text', () => {
  const text = readFileSync(join(fixtures, 'tiny.txt'), 'utf8');
  const characters = Array.from(text);
  const spec: TextData = { type: 'text', path: 'tiny.txt', seqLength: 6, validationSplit: 0.3 };
  const dataset = load(spec);

  it('has the sorted distinct characters as its vocabulary, an emoji being one', () => {
    const expected = [...new Set(characters)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    assert.deepEqual(dataset.vocabulary, expected);
    assert.ok(dataset.vocabulary!.includes('🐕'));
    assert.deepEqual(dataset.input, { kind: 'tokens', vocabularySize: expected.length });
    assert.equal(dataset.outputSize, expected.length);
  });

  it('cuts non-overlapping chunks of seqLength + 1 characters; labels are the next characters', () => {
    const chunks = Math.floor(characters.length / 7);
    assert.equal(dataset.task, 'tokens');
    assertShapes(dataset, chunks);
    assert.equal(dataset.validation.count, Math.round(chunks * 0.3));
    const decode = (ids: ArrayLike<number>) => Array.from(ids, (id) => dataset.vocabulary![id]).join('');
    const all = [dataset.train, dataset.validation];
    let chunk = 0;
    for (const split of all) {
      for (let i = 0; i < split.count; i++, chunk++) {
        const source = characters.slice(chunk * 7, chunk * 7 + 7).join('');
        assert.equal(decode(split.inputs.subarray(i * 6, i * 6 + 6)), source.slice(0, -1));
        assert.equal(decode(split.labels!.subarray(i * 6, i * 6 + 6)), Array.from(source).slice(1).join(''));
      }
    }
  });

  it('reports the unigram baseline: training label frequencies with add-one smoothing', () => {
    const size = dataset.vocabulary!.length;
    const counts = new Array(size).fill(1);
    for (const label of dataset.train.labels!) counts[label]++;
    const total = counts.reduce((a, b) => a + b, 0);
    const expected = mean(Array.from(dataset.validation.labels!, (label) => -Math.log(counts[label] / total)));
    assert.ok(Math.abs(dataset.baseline.loss - expected) < 1e-9);
    assert.equal(dataset.baseline.label, 'unigram frequencies');
  });

  it('says how many characters a too-short text has and needs', () => {
    const short = { ...spec, path: 'short.txt', seqLength: 20 };
    assertDataError(() => load(short), ['data', 'seqLength'], /10 characters/, /= 21/);
  });
});

describe('labeled text', () => {
  const spec: LabeledTextData = {
    type: 'labeled-text',
    path: 'reviews.csv',
    textField: 'text',
    labelField: 'label',
    maxLength: 12,
    padding: 'left',
    validationSplit: 0.25,
  };

  it('classifies texts into sorted classes with a padded character vocabulary', () => {
    const dataset = load(spec);
    assert.equal(dataset.task, 'classify');
    assert.deepEqual(dataset.classes, ['bad', 'good']);
    assert.equal(dataset.outputSize, 2);
    assert.equal(dataset.vocabulary![0], '');
    assert.deepEqual(dataset.input, { kind: 'tokens', vocabularySize: dataset.vocabulary!.length });
    assert.equal(dataset.seqLength, 12);
    assertShapes(dataset, 8);
    assert.equal(dataset.validation.count, 2);
  });

  it('keeps the start of long texts and left-pads short ones so the last step is the last character', () => {
    const dataset = load(spec);
    const decoded: string[] = [];
    for (const split of [dataset.train, dataset.validation]) {
      for (let i = 0; i < split.count; i++) {
        const ids = Array.from(split.inputs.subarray(i * 12, (i + 1) * 12));
        const start = ids.findIndex((id) => id !== 0);
        assert.ok(
          ids.slice(start).every((id) => id !== 0),
          'padding only at the start',
        );
        decoded.push(
          ids
            .slice(start)
            .map((id) => dataset.vocabulary![id])
            .join(''),
        );
      }
    }
    assert.ok(decoded.includes('Awful'));
    assert.ok(decoded.includes('Great phone,'), 'cut to the first 12 characters');
    assert.ok(decoded.includes('Excellent va'));
    assert.equal(decoded.length, 8);
  });

  /** Each sample's token ids, split by split. */
  const rows = (split: SequenceSplit, steps: number): number[][] =>
    Array.from({ length: split.count }, (_, i) => Array.from(split.inputs.subarray(i * steps, (i + 1) * steps)));

  it("packs texts: characters first, id 0 after, and each text's own length", () => {
    const packed = load({ ...spec, padding: 'packed' });
    const left = load(spec);
    const decoded: string[] = [];
    for (const [split, leftSplit] of [
      [packed.train, left.train],
      [packed.validation, left.validation],
    ] as const) {
      assert.equal(split.lengths!.length, split.count);
      assert.equal(leftSplit.lengths, undefined, 'left padding has no lengths');
      rows(split, 12).forEach((ids, i) => {
        const length = split.lengths![i];
        assert.ok(
          ids.slice(0, length).every((id) => id !== 0),
          'real characters first',
        );
        assert.ok(
          ids.slice(length).every((id) => id === 0),
          'padding after',
        );
        const leftIds = rows(leftSplit, 12)[i];
        assert.deepEqual(leftIds.slice(12 - length), ids.slice(0, length), 'the same text, in the same order, as left padding');
        decoded.push(
          ids
            .slice(0, length)
            .map((id) => packed.vocabulary![id])
            .join(''),
        );
      });
    }
    assert.ok(decoded.includes('Awful'));
    assert.ok(decoded.includes('Great phone,'), 'cut to the first 12 characters');
    assert.deepEqual(packed.train.labels, left.train.labels);
    assert.match(packed.description, /packed/);
  });

  it('gives an empty text one step of padding when packed', () => {
    const dataset = load({ ...spec, path: 'reviews-empty.json', padding: 'packed', validationSplit: 0.5 });
    const lengths = [...dataset.train.lengths!, ...dataset.validation.lengths!].sort();
    assert.deepEqual(lengths, [1, 3, 4, 5]);
    const all = [...rows(dataset.train, 12), ...rows(dataset.validation, 12)];
    assert.equal(all.filter((ids) => ids.every((id) => id === 0)).length, 1);
  });

  it('carries the lengths into batches', () => {
    const dataset = load({ ...spec, padding: 'packed' });
    const batch = gatherBatch(dataset, dataset.train, [2, 0]);
    assert.deepEqual(Array.from(batch.lengths!), [dataset.train.lengths![2], dataset.train.lengths![0]]);
    assert.deepEqual(Array.from(batch.inputs.subarray(0, 12)), rows(dataset.train, 12)[2]);
    const left = load(spec);
    assert.equal(gatherBatch(left, left.train, [0]).lengths, undefined);
  });

  it('reads JSON records too', () => {
    const dataset = load({ ...spec, path: 'reviews.json' });
    assert.deepEqual(dataset.classes, ['bad', 'good', 'neutral']);
    assertShapes(dataset, 6);
  });

  it('shuffles with the seed before splitting', () => {
    const json = { ...spec, path: 'reviews.json', validationSplit: 0.5 };
    assertSameData(load(json, 5), load(json, 5));
    const orders = new Set([1, 2, 3, 4, 5, 6].map((seed) => Array.from(load(json, seed).train.labels!).join()));
    assert.ok(orders.size > 1);
  });

  it('reports the class-prior baseline', () => {
    const dataset = load(spec);
    const counts = [1, 1];
    for (const label of dataset.train.labels!) counts[label]++;
    const total = dataset.train.count + 2;
    const expected = mean(Array.from(dataset.validation.labels!, (label) => -Math.log(counts[label] / total)));
    assert.ok(Math.abs(dataset.baseline.loss - expected) < 1e-12);
    assert.equal(dataset.baseline.label, 'class prior');
  });

  it('rejects a missing field and a single class', () => {
    const stars = { ...spec, labelField: 'stars' };
    assertDataError(() => load(stars), ['data', 'labelField'], /"stars" not found/, /text, label/);
    const oneClass = { ...spec, path: 'one-class.json' };
    assertDataError(() => load(oneClass), ['data', 'labelField'], /one class only \("good"\)/);
  });
});

describe('built-in data sets', () => {
  const datasets = join(resourcesDir, 'datasets');
  const builtin = (name: BuiltinDatasetName, seqLength = 12, horizon = 2): BuiltinData => ({
    type: 'builtin',
    name,
    seqLength,
    horizon,
    padding: 'left',
    validationSplit: 0.2,
  });

  it('ships every file with an entry in the datasets README', () => {
    const readme = readFileSync(join(datasets, 'README.md'), 'utf8');
    for (const source of Object.values(BUILTIN_DATASETS)) assert.ok(readme.includes(`\`${source.file}\``), source.file);
  });

  for (const name of ['co2', 'weather', 'sunspots'] as const) {
    it(`loads ${name} as windows over every row of its file`, () => {
      const file = BUILTIN_DATASETS[name].file;
      const rows = readFileSync(join(datasets, file), 'utf8').trim().split('\n').length - 1;
      const dataset = load(builtin(name));
      assert.equal(dataset.task, 'forecast');
      assert.equal(dataset.seqLength, 12);
      assert.equal(dataset.outputSize, 2);
      // All windows but the horizon − 1 left out at the time split.
      assertShapes(dataset, rows - 12 - 2 + 1 - 1);
      assert.ok(dataset.description.startsWith(`${name} (`));
    });
  }

  it('loads moby-dick as a character language model', () => {
    const characters = Array.from(readFileSync(join(datasets, 'moby-dick.txt'), 'utf8'));
    const dataset = load(builtin('moby-dick', 100));
    assert.equal(dataset.task, 'tokens');
    assertShapes(dataset, Math.floor(characters.length / 101));
    assert.equal(dataset.vocabulary!.length, new Set(characters).size);
  });

  it('loads sentiment as two-class sentence classification', () => {
    const records = JSON.parse(readFileSync(join(datasets, 'sentiment.json'), 'utf8')) as unknown[];
    const dataset = load(builtin('sentiment', 80));
    assert.equal(dataset.task, 'classify');
    assert.deepEqual(dataset.classes, ['negative', 'positive']);
    assertShapes(dataset, records.length);
    assert.ok(Math.abs(dataset.baseline.loss - Math.log(2)) < 0.01);
  });

  it('packs sentiment by default and left-pads it on request', () => {
    const packed = load({ ...builtin('sentiment', 80), padding: 'packed' });
    assert.equal(packed.train.lengths!.length, packed.train.count);
    assert.ok(packed.train.lengths!.every((length) => length >= 1 && length <= 80));
    assert.equal(load(builtin('sentiment', 80)).train.lengths, undefined);
  });

  it('points errors at the builtin entry that sets them', () => {
    assertDataError(() => load(builtin('sunspots', 400)), ['data', 'seqLength'], /309 rows/);
  });
});

describe('checkData', () => {
  const experiment = (data: DataSpec, changes: { batchSize?: number; init?: string } = {}): ExperimentSpec => ({
    name: 'test',
    description: '',
    data,
    model: {
      cell: 'lstm',
      hiddenSize: 8,
      layers: 1,
      nonlinearity: 'tanh',
      dropout: 0,
      init: changes.init ?? 'default',
      bidirectional: false,
      projSize: 0,
      bias: true,
    },
    training: {
      epochs: 1,
      batchSize: changes.batchSize ?? 2,
      optimizer: 'adam',
      learningRate: 0.01,
      momentum: 0,
      clipNorm: 0,
      seed: 1,
      earlyStopping: null,
      weightDecay: 0,
      schedule: null,
    },
    probe: { samples: 2, everyEpochs: 1, generateLength: 10, temperature: 1 },
  });
  const check = (data: DataSpec, changes?: { batchSize?: number; init?: string }) =>
    checkData(experiment(data, changes), { specDir: fixtures, resourcesDir }).issues;
  const paths = (issues: DataIssue[]) => issues.map((issue) => issue.path);
  const csv: CsvData = {
    type: 'csv',
    path: 'series.csv',
    columns: ['level'],
    target: 'level',
    window: 5,
    horizon: 1,
    validationSplit: 0.2,
  };
  const text: TextData = { type: 'text', path: 'tiny.txt', seqLength: 6, validationSplit: 0.3 };
  const labeled: LabeledTextData = {
    type: 'labeled-text',
    path: 'reviews.json',
    textField: 'text',
    labelField: 'label',
    maxLength: 10,
    padding: 'left',
    validationSplit: 0.3,
  };

  it('finds nothing wrong with good specs', () => {
    assert.deepEqual(check(csv), []);
    assert.deepEqual(check(text), []);
    assert.deepEqual(check(labeled), []);
    assert.deepEqual(check({ type: 'adding', samples: 100, seqLength: 10, validationSplit: 0.2 }), []);
    const moby = { type: 'builtin', name: 'moby-dick', seqLength: 50, horizon: 1, padding: 'packed', validationSplit: 0.1 } as const;
    assert.deepEqual(check(moby), []);
  });

  it('names the missing data file as written and as resolved', () => {
    const issues = check({ ...csv, path: 'nowhere/data.csv' });
    assert.deepEqual(paths(issues), [['data', 'path']]);
    assert.ok(issues[0].message.includes('"nowhere/data.csv"'));
    assert.ok(issues[0].message.includes(join(fixtures, 'nowhere', 'data.csv')));
  });

  it('points at each CSV column that does not exist and lists the available ones', () => {
    const issues = check({ ...csv, columns: ['level', 'tmp'], target: 'temperature' });
    assert.deepEqual(paths(issues), [
      ['data', 'columns', 1],
      ['data', 'target'],
    ]);
    for (const issue of issues) assert.match(issue.message, /available columns: date, level, wave, note/);
  });

  it('reports a non-numeric cell', () => {
    assert.deepEqual(paths(check({ ...csv, path: 'bad-cells.csv', columns: ['wave'] })), [['data', 'columns', 0]]);
  });

  it('says how short a text is', () => {
    const issues = check({ ...text, path: 'short.txt', seqLength: 50 });
    assert.deepEqual(paths(issues), [['data', 'seqLength']]);
    assert.match(issues[0].message, /10 characters; one sequence needs seqLength \+ 1 = 51/);
  });

  it('flags fewer training samples than one batch, with both numbers', () => {
    const sine = { type: 'sine', samples: 50, seqLength: 10, noise: 0, horizon: 1, validationSplit: 0.2 } as const;
    const issues = check(sine, { batchSize: 64 });
    assert.deepEqual(paths(issues), [['training', 'batchSize']]);
    assert.match(issues[0].message, /Only 40 training samples/);
    assert.match(issues[0].message, /batchSize 64/);
    assert.deepEqual(paths(check(text, { batchSize: 6 })), [['training', 'batchSize']], 'text counts sequences');
    assert.deepEqual(check(text, { batchSize: 5 }), []);
  });

  it('flags a split with nothing to validate on', () => {
    const issues = check({ type: 'adding', samples: 10, seqLength: 10, validationSplit: 0.01 });
    assert.deepEqual(paths(issues), [['data', 'validationSplit']]);
  });

  it('flags a missing labelled-text field and a single class', () => {
    const missing = check({ ...labeled, textField: 'body' });
    assert.deepEqual(paths(missing), [['data', 'textField']]);
    assert.match(missing[0].message, /available fields: text, label/);
    assert.deepEqual(paths(check({ ...labeled, path: 'one-class.json' })), [['data', 'labelField']]);
  });

  it('checks that a weights file given as model.init exists', () => {
    assert.deepEqual(check(csv, { init: 'identity' }), []);
    assert.deepEqual(check(csv, { init: 'reviews.json' }), []);
    const issues = check(csv, { init: 'weights/start.json' });
    assert.deepEqual(paths(issues), [['model', 'init']]);
    assert.ok(issues[0].message.includes(join(fixtures, 'weights', 'start.json')));
  });

  it('points built-in problems at the builtin entries', () => {
    const issues = check({ type: 'builtin', name: 'sunspots', seqLength: 400, horizon: 1, padding: 'packed', validationSplit: 0.2 });
    assert.deepEqual(paths(issues), [['data', 'seqLength']]);
    const co2 = { type: 'builtin', name: 'co2', seqLength: 12, horizon: 1, padding: 'packed', validationSplit: 0.2 } as const;
    const missing = checkData(experiment(co2), { specDir: fixtures, resourcesDir: fixtures }).issues;
    assert.deepEqual(paths(missing), [['data', 'name']]);
  });
});
