import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gflopsPerSecond, stepFlops } from '../../scripts/bench/flops';
import { gemmGflops } from '../../scripts/bench/peak';
import { peakLine } from '../../scripts/bench/report';
import { CELLS, runsWorkload, trainsCell, WORKLOADS } from '../../scripts/bench/workloads';

const workload = (id: string) => WORKLOADS.find((w) => w.id === id)!;

test('stepFlops of W4 lstm, by hand: input projection ×2, recurrent and head products ×3, 2 FLOPs per multiply-add', () => {
  // B 64, T 100, I 64, H 256, 4 gates: G·H = 1024 gate columns.
  const inputProjection = 64 * 100 * 64 * 1024; // 419,430,400 multiply-adds
  const recurrent = 64 * 100 * 256 * 1024; // 1,677,721,600
  const head = 64 * 256 * 1; // last step only
  assert.equal(stepFlops(workload('W4'), 'lstm'), 2 * (2 * inputProjection + 3 * recurrent + 3 * head));
  assert.equal(stepFlops(workload('W4'), 'lstm'), 11_744_149_504);
});

test('stepFlops: token inputs are a gather; the head runs on every step; bidirectional doubles the layer and the head input', () => {
  // W3 gru: B 32, T 64, vocabulary 65, H 128, 3 gates.
  assert.equal(stepFlops(workload('W3'), 'gru'), 2 * 3 * (32 * 64 * 128 * 384 + 32 * 64 * 128 * 65));
  // W2-bi rnn: B 64, T 100, I 2, H 64; two directions, a head on 2·H features.
  assert.equal(stepFlops(workload('W2-bi'), 'rnn'), 2 * (2 * (2 * 64 * 100 * 2 * 64 + 3 * 64 * 100 * 64 * 64) + 3 * 64 * 128));
});

test('gemmGflops counts 2·n³ per product; gflopsPerSecond scales flops per step by steps/s', () => {
  assert.equal(gemmGflops(1000, { steps: 10, seconds: 2 }), 10);
  assert.equal(gflopsPerSecond(3e9, 4), 12);
});

test('W4 is the large LSTM and GRU, run by ours and PyTorch only', () => {
  const large = workload('W4');
  assert.deepEqual(
    CELLS.filter((cell) => trainsCell(large, cell)),
    ['lstm', 'gru'],
  );
  assert.deepEqual(
    ['ours', 'torch', 'reference', 'layers', 'pytorch-engine'].map((id) => runsWorkload(id, large)),
    [true, true, false, false, false],
  );
  assert.ok(CELLS.every((cell) => trainsCell(workload('W1'), cell)));
});

test('peakLine names the thread count and both products, with a dash where one was not measured', () => {
  assert.equal(
    peakLine({ threads: 1, torchMm: 101.3, oursGemm: 20.46 }),
    '1 thread: sgemm peak (1024×1024 float32) torch.mm 101.3 GFLOP/s, ours gemm 20.5 GFLOP/s',
  );
  assert.equal(peakLine({ threads: 2, oursGemm: 88.04 }), '2 threads: sgemm peak (1024×1024 float32) torch.mm — (no PyTorch), ours gemm 88.0 GFLOP/s');
});
