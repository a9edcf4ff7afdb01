import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spread, timeSteps, type CaseResult } from '../../scripts/bench/method';
import { makeBatch, runsWorkload, WORKLOADS } from '../../scripts/bench/workloads';
import { memorySummary, optionCosts, optionCostTable, resultsTable, tensorSummary } from '../../scripts/bench/report';

test('spread gives the median and the range, for odd and even counts', () => {
  assert.deepEqual(spread([5, 1, 3]), { median: 3, min: 1, max: 5 });
  assert.deepEqual(spread([4, 1, 3, 10]), { median: 3.5, min: 1, max: 10 });
});

test('timeSteps runs at least minSteps and at least the given time', async () => {
  let calls = 0;
  const fast = await timeSteps(() => void calls++, 0, 3);
  assert.equal(fast.steps, 3);
  assert.equal(calls, 3);
  const timed = await timeSteps(() => {}, 0.02, 1);
  assert.ok(timed.seconds >= 0.02);
  assert.ok(timed.steps > 1);
});

test('makeBatch fills the engine layout, reproducibly from the seed', () => {
  const [sine, , charLm] = WORKLOADS;
  const dense = makeBatch(sine, 3);
  assert.equal(dense.task, 'forecast');
  if (dense.task !== 'forecast') return;
  assert.equal(dense.inputs.length, sine.batchSize * sine.seqLength * sine.inputSize);
  assert.equal(dense.targets.length, sine.batchSize * sine.outputSize);
  assert.deepEqual(makeBatch(sine, 3), dense);
  assert.notDeepEqual(makeBatch(sine, 4), dense);

  const tokens = makeBatch(charLm, 3);
  assert.equal(tokens.task, 'tokens');
  if (tokens.task !== 'tokens') return;
  assert.equal(tokens.inputs.length, charLm.batchSize * charLm.seqLength);
  assert.equal(tokens.labels.length, charLm.batchSize * charLm.seqLength);
  const ids = [...tokens.inputs, ...tokens.labels];
  assert.ok(ids.every((id) => Number.isInteger(id) && id >= 0 && id < charLm.inputSize));
  assert.ok(new Set(ids).size > charLm.inputSize / 2);
});

function caseResult(rates: Record<string, number>, tensors = { before: 0, after: 0 }, growth = 0): CaseResult {
  return {
    workload: 'W2',
    cell: 'gru',
    threads: 1,
    flopsPerStep: 1e8,
    tensors,
    implementations: Object.entries(rates).map(([id, rate]) => ({
      id,
      rounds: [{ steps: rate, seconds: 1 }],
      stepsPerSecond: { median: rate, min: rate - 1, max: rate + 1 },
      gflops: rate / 10,
      loss: { afterWarmup: 1, afterRounds: 0.5 },
      tensorGrowth: growth,
    })),
  };
}

test('resultsTable shows each rate with its spread, our speed relative to each reference, and GFLOP/s against the torch.mm peak', () => {
  const table = resultsTable([caseResult({ ours: 30, reference: 6, layers: 10, torch: 60 })], { threads: 1, torchMm: 120, oursGemm: 40 });
  const row = table.split('\n')[2];
  assert.equal(
    row,
    '| W2 adding | gru | 30.0 (29.0–31.0) | 6.0 (5.0–7.0) | 10.0 (9.0–11.0) | 60.0 (59.0–61.0) | 5.00× | 3.00× | 0.50× | 3.00 | 6.00 | 2.5% | 5.0% |',
  );
  const withoutTorch = resultsTable([caseResult({ ours: 30, layers: 10 })]).split('\n')[2];
  assert.match(withoutTorch, /\| — \| — \| 3\.00× \| — \| 3\.00 \| — \| — \| — \|$/);
});

test('resultsTable adds the pytorch-engine column only where it was measured', () => {
  const [header, , row] = resultsTable([caseResult({ ours: 30, torch: 60, 'pytorch-engine': 12 })]).split('\n');
  assert.match(header, /\| PyTorch steps\/s \| pytorch-engine steps\/s \| ours\/reference \|/);
  assert.match(row, /\| 60\.0 \(59\.0–61\.0\) \| 12\.0 \(11\.0–13\.0\) \| — \|/);
  assert.doesNotMatch(resultsTable([caseResult({ ours: 30 })]), /pytorch-engine/);
});

test('tensorSummary flags tensors left behind or growing during rounds', () => {
  assert.match(tensorSummary([caseResult({ ours: 1 })]), /no growth/);
  assert.match(tensorSummary([caseResult({ ours: 1 }, { before: 0, after: 4 })]), /W2 gru: 0 tensors before setup, 4 after dispose/);
  assert.match(tensorSummary([caseResult({ ours: 1 }, undefined, 12)]), /W2 gru ours: 12 tensors more/);
});

test('memorySummary reports memory after the rounds and any growth since the warm-up', () => {
  const steady = caseResult({ ours: 1 });
  steady.implementations[0].memoryBytes = { afterWarmup: 3 * 2 ** 20, afterRounds: 3 * 2 ** 20 };
  assert.match(memorySummary([steady]), /W2 gru ours: 3\.0 MB, no growth during rounds/);
  const growing = caseResult({ ours: 1 });
  growing.implementations[0].memoryBytes = { afterWarmup: 2 ** 20, afterRounds: 3 * 2 ** 20 };
  assert.match(memorySummary([growing]), /W2 gru ours: 3\.0 MB, grew by 2\.0 MB during rounds/);
  assert.equal(memorySummary([caseResult({ ours: 1 })]), '');
});

test('the variant workloads keep W2 shapes; a packed batch has lengths in T/2 … T with zero inputs after them', () => {
  const plain = WORKLOADS.find((w) => w.id === 'W2')!;
  const variants = WORKLOADS.filter((w) => w.variant?.base === 'W2');
  assert.deepEqual(
    variants.map((w) => w.id),
    ['W2-bi', 'W2-packed'],
  );
  for (const variant of variants) {
    assert.deepEqual(
      [variant.inputSize, variant.hiddenSize, variant.seqLength, variant.batchSize],
      [plain.inputSize, plain.hiddenSize, plain.seqLength, plain.batchSize],
    );
  }
  assert.deepEqual(
    ['ours', 'torch', 'reference', 'layers'].map((id) => runsWorkload(id, variants[0])),
    [true, true, false, false],
  );
  assert.equal(runsWorkload('layers', plain), true);
  const packed = makeBatch(variants[1], 3);
  assert.equal(packed.task, 'forecast');
  if (packed.task !== 'forecast') return;
  assert.equal('lengths' in makeBatch(plain, 3), false);
  const { seqLength: t, inputSize: i } = plain;
  const lengths = Array.from(packed.lengths!);
  assert.equal(lengths.length, plain.batchSize);
  assert.ok(lengths.every((length) => length >= t / 2 && length <= t));
  assert.ok(new Set(lengths).size > 5);
  lengths.forEach((length, sample) => {
    const row = packed.inputs.subarray(sample * t * i, (sample + 1) * t * i);
    assert.ok(row.subarray(length * i).every((value) => value === 0));
    assert.ok(row.subarray((length - 1) * i, length * i).some((value) => value !== 0));
  });
});

test('optionCosts compares each variant with the plain layer of the same cell, per implementation; the table names both', () => {
  const plain = caseResult({ ours: 30, torch: 60, layers: 10 });
  const bidirectional = { ...caseResult({ ours: 15, torch: 20 }), workload: 'W2-bi' };
  const otherCell = { ...caseResult({ ours: 1 }), workload: 'W2-packed', cell: 'lstm' as const };
  const costs = optionCosts([plain, bidirectional, otherCell]);
  assert.deepEqual(costs, [{ workload: 'W2-bi', base: 'W2', cell: 'gru', threads: 1, slowdown: { ours: 2, torch: 3 } }]);
  assert.equal(optionCostTable(costs).split('\n')[2], '| W2-bi adding, bidirectional (vs W2) | gru | 2.00× | 3.00× |');
  assert.equal(optionCostTable([]), '');
});
