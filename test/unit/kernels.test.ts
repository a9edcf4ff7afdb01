/**
 * The WebAssembly kernel engine against the tfjs-ops reference engine (its oracle): the same
 * losses, gradient norms, weights, evaluations and training curves, with no memory growth.
 * Its cells against PyTorch are checked with the golden files in engine.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initBackend } from '../../src/engine/backend';
import { loadDataset } from '../../src/engine/data/load';
import type { TrainEvent } from '../../src/engine/events';
import { createKernelEngine } from '../../src/engine/kernels/kernelEngine';
import { fastestKernelBuild, KernelMemory, MODULE_BYTES, type KernelBuild } from '../../src/engine/kernels/wasmKernels';
import { createTfjsEngine } from '../../src/engine/model/tfjsEngine';
import type { Batch, EngineConfig, SequenceModel, StateDict } from '../../src/engine/model/types';
import { Random } from '../../src/engine/random';
import { checkSpecText } from '../../src/engine/spec/load';
import { validatedSpec } from '../../src/engine/spec/resolve';
import { estimateResources } from '../../src/engine/resources/estimate';
import { REFERENCE_TOLERANCE, verifyReferenceFile } from '../../src/engine/verify/verifyReference';
import type { CellType, OptimizerType, ExperimentSpec } from '../../src/engine/spec/types';
import { trainExperiment } from '../../src/engine/train/trainer';
import type { TaskKind } from '../../src/engine/data/types';

const ROOT = join(__dirname, '..', '..');
const STEPS = 4;
const VOCABULARY = 7;

/** The PyTorch parity options of the model. */
interface ModelOptions {
  bidirectional?: boolean;
  projSize?: number;
  bias?: boolean;
}

function config(
  cell: CellType,
  task: TaskKind,
  options: ModelOptions & { layers?: number; optimizer?: OptimizerType; dropout?: number; relu?: boolean; clipNorm?: number } = {},
): EngineConfig {
  return {
    model: {
      cell,
      hiddenSize: 6,
      layers: options.layers ?? 1,
      nonlinearity: options.relu ? 'relu' : 'tanh',
      dropout: options.dropout ?? 0,
      init: 'default',
      bidirectional: options.bidirectional ?? false,
      projSize: options.projSize ?? 0,
      bias: options.bias ?? true,
    },
    training: {
      epochs: 1,
      batchSize: 5,
      optimizer: options.optimizer ?? 'adam',
      learningRate: 0.01,
      momentum: 0.9,
      clipNorm: options.clipNorm ?? 0,
      seed: 3,
      earlyStopping: null,
      weightDecay: 0,
      schedule: null,
    },
    input: task === 'forecast' ? { kind: 'dense', size: 3 } : { kind: 'tokens', vocabularySize: VOCABULARY },
    task,
    seqLength: STEPS,
    outputSize: task === 'forecast' ? 2 : VOCABULARY,
    seed: 3,
  };
}

/** A batch; `packed`: random real lengths 1 … STEPS per sample, the padded steps' inputs zero. */
function batch(task: TaskKind, size: number, seed: number, packed = false): Batch {
  const random = new Random(seed);
  if (packed) {
    const lengths = Int32Array.from({ length: size }, () => 1 + random.int(STEPS));
    const plain = batch(task, size, seed + 1);
    const width = plain.inputs.length / (size * STEPS);
    plain.inputs.forEach((_, i) => {
      const [b, t] = [Math.floor(i / (STEPS * width)), Math.floor(i / width) % STEPS];
      if (t >= lengths[b]) plain.inputs[i] = 0;
    });
    return { ...plain, lengths };
  }
  if (task === 'forecast') {
    return {
      size,
      inputs: Float32Array.from({ length: size * STEPS * 3 }, () => random.normal()),
      targets: Float32Array.from({ length: size * 2 }, () => random.normal()),
    };
  }
  return {
    size,
    inputs: Int32Array.from({ length: size * STEPS }, () => random.int(VOCABULARY)),
    labels: Int32Array.from({ length: task === 'tokens' ? size * STEPS : size }, () => random.int(VOCABULARY)),
  };
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function weightDifference(a: StateDict, b: StateDict): number {
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
  return Math.max(...Object.keys(a).map((name) => maxDifference(a[name].data, b[name].data)));
}

/** Trains both engines side by side on the same batches; returns the largest differences seen. */
function trainBoth(
  engineConfig: EngineConfig,
  steps: number,
  packed = false,
): { kernels: SequenceModel; reference: SequenceModel; loss: number; gradNorm: number } {
  const kernels = createKernelEngine(engineConfig);
  const reference = createTfjsEngine(engineConfig);
  let loss = 0;
  let gradNorm = 0;
  for (let step = 0; step < steps; step++) {
    const input = batch(engineConfig.task, 5, step, packed);
    const a = kernels.trainStep(input, 0.01);
    const b = reference.trainStep(input, 0.01);
    loss = Math.max(loss, Math.abs(a.loss - b.loss));
    gradNorm = Math.max(gradNorm, Math.abs(a.gradNorm - b.gradNorm) / Math.max(1, b.gradNorm));
  }
  return { kernels, reference, loss, gradNorm };
}

describe('kernel engine against the tfjs reference engine', () => {
  before(async () => {
    await initBackend('cpu');
  });

  const cases: { cell: CellType; task: TaskKind; layers: number; optimizer: OptimizerType; dropout: number; relu?: boolean; clipNorm?: number }[] = [];
  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    cases.push(
      { cell, task: 'forecast', layers: 1, optimizer: 'adam', dropout: 0 },
      { cell, task: 'tokens', layers: 2, optimizer: 'sgd', dropout: 0.3, clipNorm: 0.5 },
      { cell, task: 'classify', layers: 2, optimizer: 'rmsprop', dropout: 0 },
    );
  }
  cases.push({ cell: 'rnn', task: 'forecast', layers: 2, optimizer: 'sgd', dropout: 0, relu: true });

  for (const c of cases) {
    const name = `${c.cell}${c.relu ? ' (relu)' : ''}, ${c.task}, ${c.layers} layer(s), ${c.optimizer}${c.dropout ? `, dropout ${c.dropout}` : ''}${c.clipNorm ? ', clipped' : ''}`;
    it(`${name}: same losses, gradient norms, weights and evaluation`, () => {
      const { kernels, reference, loss, gradNorm } = trainBoth(config(c.cell, c.task, c), 6);
      assert.ok(loss < 1e-5, `loss differs by ${loss}`);
      assert.ok(gradNorm < 1e-5, `gradient norm differs by ${gradNorm} (relative)`);
      // RMSprop divides by the root mean square of the gradient, which turns float32 rounding in a
      // near-zero gradient into a visible step; the other optimizers pass rounding on as it is.
      const tolerance = c.optimizer === 'rmsprop' ? 1e-3 : 1e-4;
      const weights = weightDifference(kernels.stateDict(), reference.stateDict());
      assert.ok(weights < tolerance, `weights differ by ${weights}`);
      // A larger evaluation batch than the training one, then a smaller one: the workspace is resized and reused.
      for (const size of [9, 3]) {
        const input = batch(c.task, size, 100 + size);
        const a = kernels.evaluate(input);
        const b = reference.evaluate(input);
        assert.ok(Math.abs(a.loss - b.loss) < 1e-5, `evaluation loss ${a.loss} vs ${b.loss}`);
        assert.ok(maxDifference(a.outputs, b.outputs) < 1e-4);
        assert.equal(a.correct, b.correct);
        assert.equal(a.counted, b.counted);
      }
      kernels.dispose();
      reference.dispose();
    });
  }

  it('probes and generates through the reference engine with its current weights', () => {
    const { kernels, reference } = trainBoth(config('lstm', 'tokens', { layers: 2 }), 3);
    const input = batch('tokens', 4, 9);
    const a = kernels.probe(input);
    const b = reference.probe(input);
    assert.ok(maxDifference(a.outputs, b.outputs) < 1e-4);
    assert.ok(maxDifference(a.gradientNorms.flat(), b.gradientNorms.flat()) < 1e-4);
    assert.ok(maxDifference((a.layers[1].quantities.c as number[][][]).flat(2), (b.layers[1].quantities.c as number[][][]).flat(2)) < 1e-4);
    const vocabulary = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    assert.equal(kernels.generate([1, 2], 12, 0.8, vocabulary, 5).text, reference.generate([1, 2], 12, 0.8, vocabulary, 5).text);
    kernels.dispose();
    reference.dispose();
  });

  it('loads state dicts exactly, and keeps its head for a bare recurrent state dict', () => {
    const source = createKernelEngine(config('gru', 'tokens', { layers: 2 }));
    source.trainStep(batch('tokens', 5, 1), 0.01);
    const copy = createKernelEngine({ ...config('gru', 'tokens', { layers: 2 }), seed: 99 });
    copy.loadStateDict(source.stateDict());
    assert.equal(weightDifference(copy.stateDict(), source.stateDict()), 0);
    const head = copy.stateDict()['head.weight'].data.slice();
    const bare = Object.fromEntries(Object.entries(source.stateDict()).filter(([name]) => !name.startsWith('head.')));
    copy.loadStateDict(bare);
    assert.deepEqual(copy.stateDict()['head.weight'].data, head);
    assert.throws(
      () => copy.loadStateDict({ ...source.stateDict(), weight_hh_l0: { shape: [2, 2], data: new Float32Array(4) } }),
      /"weight_hh_l0" has shape \[2, 2\], but this model needs \[18, 6\]/,
    );
  });

  it('holds its memory steady: no growth per step once the largest batch has been seen', () => {
    const engine = createKernelEngine(config('lstm', 'tokens', { layers: 2, dropout: 0.2 }));
    engine.trainStep(batch('tokens', 5, 0), 0.01);
    engine.evaluate(batch('tokens', 9, 0));
    const settled = engine.memoryBytes();
    for (let step = 1; step <= 20; step++) {
      engine.trainStep(batch('tokens', 5, step), 0.01);
      engine.evaluate(batch('tokens', step % 2 === 0 ? 9 : 3, step));
    }
    assert.equal(engine.memoryBytes(), settled);
  });

  it('SGD with momentum and no clipping trains for several steps (the reference keeps its own momentum buffer)', () => {
    const { kernels, reference, loss } = trainBoth(config('rnn', 'forecast', { optimizer: 'sgd' }), 4);
    assert.ok(loss < 1e-5);
    assert.ok(weightDifference(kernels.stateDict(), reference.stateDict()) < 1e-5);
  });
});

describe('kernel engine against the tfjs reference engine on the PyTorch parity options', () => {
  before(async () => {
    await initBackend('cpu');
  });

  const cases: (ModelOptions & { cell: CellType; task: TaskKind; layers: number; packed: boolean; dropout?: number })[] = [];
  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    cases.push(
      { cell, task: 'classify', layers: 2, packed: true, bidirectional: true, bias: false },
      { cell, task: 'classify', layers: 1, packed: true },
      { cell, task: 'forecast', layers: 1, packed: false, bidirectional: true },
      { cell, task: 'tokens', layers: 2, packed: false, bidirectional: true, dropout: 0.3 },
      { cell, task: 'forecast', layers: 2, packed: false, bias: false },
    );
  }
  cases.push(
    { cell: 'lstm', task: 'classify', layers: 2, packed: true, bidirectional: true, projSize: 4 },
    { cell: 'lstm', task: 'forecast', layers: 1, packed: false, projSize: 3, bias: false },
    { cell: 'lstm', task: 'tokens', layers: 1, packed: false, bidirectional: true, projSize: 5 },
    { cell: 'lstm', task: 'classify', layers: 1, packed: true, projSize: 2, bias: false },
    { cell: 'gru', task: 'tokens', layers: 2, packed: true, bidirectional: true },
    { cell: 'lstm', task: 'forecast', layers: 2, packed: true, bidirectional: true, projSize: 3, bias: false, dropout: 0.3 },
  );

  for (const c of cases) {
    const options = [
      c.bidirectional && 'bidirectional',
      c.projSize && `projSize ${c.projSize}`,
      c.bias === false && 'no bias',
      c.packed && 'packed',
      c.dropout && 'dropout',
    ];
    it(`${c.cell}, ${c.task}, ${c.layers} layer(s), ${options.filter(Boolean).join(', ') || 'plain'}: within 1e-4 of the reference`, () => {
      const { kernels, reference, loss, gradNorm } = trainBoth(config(c.cell, c.task, c), 4, c.packed);
      assert.ok(loss < 1e-4, `loss differs by ${loss}`);
      assert.ok(gradNorm < 1e-4, `gradient norm differs by ${gradNorm} (relative)`);
      const weights = weightDifference(kernels.stateDict(), reference.stateDict());
      assert.ok(weights < 1e-4, `weights differ by ${weights}`);
      for (const size of [9, 3]) {
        const input = batch(c.task, size, 100 + size, c.packed);
        const a = kernels.evaluate(input);
        const b = reference.evaluate(input);
        assert.ok(Math.abs(a.loss - b.loss) < 1e-4, `evaluation loss ${a.loss} vs ${b.loss}`);
        assert.ok(maxDifference(a.outputs, b.outputs) < 1e-4, `outputs differ by ${maxDifference(a.outputs, b.outputs)}`);
        assert.equal(a.correct, b.correct);
      }
      kernels.dispose();
      reference.dispose();
    });
  }
});

describe('kernel engine on packed sequences', () => {
  // A sample of L real steps padded to T trains exactly as the same sample alone with seqLength L:
  // padding never enters the recurrence, and the reverse direction starts at the last real step.
  const T = 5;
  const L = 3;
  const cases: (ModelOptions & { cell: CellType; task: TaskKind; layers: number })[] = [
    { cell: 'rnn', task: 'classify', layers: 2, bidirectional: true },
    { cell: 'gru', task: 'classify', layers: 1 },
    { cell: 'gru', task: 'forecast', layers: 2, bidirectional: true, bias: false },
    { cell: 'lstm', task: 'classify', layers: 2, bidirectional: true, projSize: 3 },
  ];
  for (const c of cases) {
    it(`${c.cell}, ${c.task}, ${c.layers} layer(s)${c.bidirectional ? ', bidirectional' : ''}${c.projSize ? ', projected' : ''}: as the unpadded sample`, () => {
      const packed = createKernelEngine({ ...config(c.cell, c.task, c), seqLength: T });
      const alone = createKernelEngine({ ...config(c.cell, c.task, c), seqLength: L });
      alone.loadStateDict(packed.stateDict());
      const plain = batch(c.task, 1, 11);
      const width = plain.inputs.length / STEPS;
      const real = plain.inputs.slice(0, L * width);
      const inputs = c.task === 'forecast' ? new Float32Array(T * width) : new Int32Array(T * width);
      inputs.set(real);
      const padded: Batch = { ...plain, inputs, lengths: Int32Array.from([L]) };
      const unpadded: Batch = { ...plain, inputs: real };
      assert.deepEqual(packed.evaluate(padded).outputs, alone.evaluate(unpadded).outputs);
      assert.equal(packed.trainStep(padded, 0.01).loss, alone.trainStep(unpadded, 0.01).loss);
      assert.ok(weightDifference(packed.stateDict(), alone.stateDict()) < 1e-6);
      // Without its lengths the padded sample reads the padding: a different result.
      assert.notDeepEqual(packed.evaluate({ ...padded, lengths: undefined }).outputs, alone.evaluate(unpadded).outputs);
    });
  }
});

describe('kernels against the PyTorch reference files', () => {
  // Every option alone, and combinations with more layers and other sizes: outputs and gradients within 1e-5, in both builds.
  const golden = join(ROOT, 'test', 'fixtures', 'golden');
  const builds: KernelBuild[] = ['deterministic', 'relaxed'];
  for (const build of builds) {
    for (const directory of [golden, join(golden, 'combinations')]) {
      for (const file of readdirSync(directory).filter((name) => name.endsWith('.json'))) {
        it(`${build} build: ${file.replace('.json', '')}`, () => {
          const report = verifyReferenceFile(join(directory, file), 'kernels', build);
          assert.ok(report.passed);
          for (const row of report.rows) assert.ok(row.maxAbsError <= Math.min(REFERENCE_TOLERANCE, 1e-5), `${row.quantity}: ${row.maxAbsError}`);
        });
      }
    }
  }

  it('the relaxed build is the default where the engine has relaxed SIMD (Node 20 behind its flag, which the loader sets)', () => {
    assert.equal(fastestKernelBuild(), 'relaxed');
    assert.equal(new KernelMemory().build, 'relaxed');
  });
});

describe('kernels on several threads', () => {
  /** C = A·B on `threads` threads, over random A [M,K] (read transposed with `transposed`) and B [K,N]. */
  function product(threads: number, M: number, N: number, K: number, transposed: boolean, accumulate: boolean): { C: Float32Array; shared: number } {
    const memory = new KernelMemory({ threads, build: 'deterministic' });
    try {
      const random = new Random(M * 7 + N * 3 + K);
      const filled = (length: number) => {
        const buffer = memory.allocate(length);
        memory.floats(buffer).set(Float32Array.from({ length }, () => random.normal()));
        return buffer;
      };
      const [A, B, C] = [filled(M * K), filled(K * N), filled(M * N)];
      const [sam, sak] = transposed ? [1, M] : [K, 1];
      memory.kernels.gemm(M, N, K, A.pointer, sam, sak, B.pointer, N, C.pointer, N, accumulate ? 1 : 0);
      return { C: memory.floats(C).slice(), shared: memory.kernels.shared_jobs() };
    } finally {
      memory.close();
    }
  }

  // Wide products split by columns, narrow ones by rows; ragged edges of both; below the size worth splitting.
  const shapes: [number, number, number, boolean, boolean][] = [
    [32, 512, 128, false, true],
    [37, 203, 300, false, false],
    [200, 12, 301, true, false],
    [130, 9, 700, false, true],
    [5, 7, 3, false, false],
  ];
  for (const [M, N, K, transposed, accumulate] of shapes) {
    const large = M * N * K >= 2 ** 18;
    it(`a ${M}×${N}×${K} product${transposed ? ' (A transposed)' : ''} on 2 and 3 threads is the one-thread product, bit for bit${large ? '' : ' (not split)'}`, () => {
      const alone = product(1, M, N, K, transposed, accumulate);
      assert.equal(alone.shared, 0);
      for (const threads of [2, 3]) {
        const shared = product(threads, M, N, K, transposed, accumulate);
        assert.deepEqual(shared.C, alone.C);
        assert.equal(shared.shared, large ? 1 : 0, `${threads} threads`);
      }
    });
  }

  it("trains on 2 threads in V8's baseline code too (waiting on an atomic once trapped there)", () => {
    const script = join(ROOT, 'test', 'fixtures', 'scripts', 'threadedTraining.ts');
    const run = spawnSync(process.execPath, ['--liftoff-only', '--import', 'tsx', script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.stdout.trim(), 'ok', run.stderr);
  });

  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    it(`${cell}: training on 2 threads gives the one-thread losses and weights exactly`, () => {
      const base = config(cell, 'forecast', { layers: 2 });
      const wide: EngineConfig = { ...base, model: { ...base.model, hiddenSize: 96 }, training: { ...base.training, batchSize: 48 } };
      const [alone, shared] = [createKernelEngine(wide), createKernelEngine({ ...wide, threads: 2 })];
      try {
        for (let step = 0; step < 3; step++) {
          const input = batch('forecast', 48, step);
          assert.equal(shared.trainStep(input, 0.01).loss, alone.trainStep(input, 0.01).loss);
        }
        assert.equal(weightDifference(shared.stateDict(), alone.stateDict()), 0);
      } finally {
        alone.dispose();
        shared.dispose();
      }
    });
  }
});

describe("the resource estimate counts the kernels' buffers", () => {
  const cases: (ModelOptions & { cell: CellType; layers: number; dropout?: number })[] = [
    { cell: 'lstm', layers: 2, bidirectional: true, projSize: 16, dropout: 0.2 },
    { cell: 'gru', layers: 3, bidirectional: true },
    { cell: 'lstm', layers: 1, projSize: 8, bias: false },
    { cell: 'rnn', layers: 2 },
  ];
  for (const c of cases) {
    it(`${c.cell}, ${c.layers} layer(s)${c.bidirectional ? ', bidirectional' : ''}${c.projSize ? ', projected' : ''}: the memory used is within the estimate`, () => {
      const [T, B, I] = [100, 64, 5];
      const spec = validatedSpec(
        {
          name: 'estimate',
          data: { type: 'sine', samples: 2 * B, seqLength: T },
          model: {
            cell: c.cell,
            hiddenSize: 48,
            layers: c.layers,
            dropout: c.dropout ?? 0,
            bidirectional: c.bidirectional ?? false,
            projSize: c.projSize ?? 0,
            bias: c.bias ?? true,
          },
          training: { batchSize: B },
        },
        'the test spec',
      );
      const shape = { train: B, validation: B, seqLength: T, inputSize: I, tokens: false, task: 'forecast' as const, outputSize: 2, loadingBytes: 0 };
      const estimate = estimateResources(spec, shape);
      const engine = createKernelEngine({ ...config(c.cell, 'forecast', c), model: spec.model, seqLength: T, input: { kind: 'dense', size: I } });
      assert.equal(engine.parameterCount, estimate.parameterCount);
      const random = new Random(1);
      const input = { size: B, inputs: Float32Array.from({ length: B * T * I }, () => random.normal()), targets: new Float32Array(B * 2) };
      engine.trainStep(input, 0.01);
      engine.evaluate(input);
      // The memory starts with the module's own (its data and stack, and room), which is not the run's.
      const used = engine.memoryBytes();
      assert.ok(used <= estimate.kernelBytes + MODULE_BYTES, `the kernels use ${used} bytes, the estimate says ${estimate.kernelBytes}`);
      assert.ok(used >= 0.9 * estimate.kernelBytes, `the kernels use ${used} bytes, far below the estimate's ${estimate.kernelBytes}`);
      engine.dispose();
    });
  }
});

describe('training with the kernel engine', () => {
  before(async () => {
    await initBackend('cpu');
  });

  const SPEC = `{
    "name": "adding-lstm",
    "data": { "type": "adding", "samples": 320, "seqLength": 20 },
    "model": { "cell": "lstm", "hiddenSize": 16, "layers": 2, "dropout": 0.1 },
    "training": { "epochs": 3, "batchSize": 32, "learningRate": 0.01, "clipNorm": 1, "seed": 11 }
  }`;

  async function stepLosses(spec: ExperimentSpec, engine: 'kernels' | 'tfjs'): Promise<number[]> {
    const dataset = loadDataset(spec.data, { specDir: ROOT, resourcesDir: join(ROOT, 'media'), seed: spec.training.seed });
    const losses: number[] = [];
    const outcome = await trainExperiment({
      spec: { ...spec, probe: { ...spec.probe, samples: 0 } },
      dataset,
      backend: 'cpu',
      engine,
      onEvent: (event: TrainEvent) => event.type === 'step' && losses.push(event.loss),
      shouldStop: () => false,
    });
    assert.equal(outcome.status, 'completed');
    return losses;
  }

  it("a fixed-seed run follows the reference engine's loss curve within 1e-4 at every step", async () => {
    const check = checkSpecText(SPEC, { specPath: join(ROOT, 'adding.rnn.json'), resourcesDir: join(ROOT, 'media') });
    assert.ok(check.spec, JSON.stringify(check.diagnostics));
    const kernels = await stepLosses(check.spec, 'kernels');
    const reference = await stepLosses(check.spec, 'tfjs');
    assert.equal(kernels.length, 3 * Math.ceil((320 * 0.8) / 32));
    assert.ok(maxDifference(kernels, reference) < 1e-4, `largest difference ${maxDifference(kernels, reference)}`);
    assert.ok(kernels.at(-1)! < kernels[0], 'the loss falls');
  });
});

describe('kernels.wasm and kernels-relaxed.wasm', () => {
  const clang = spawnSync('clang-16', ['--version']);
  it(
    'are the builds of kernels.c (rebuilt with clang 16 and compared byte for byte)',
    { skip: clang.status === 0 ? false : 'clang 16 is not installed (apt-get install clang-16 lld-16)' },
    () => {
      const check = spawnSync(process.execPath, [join(ROOT, 'scripts', 'kernels', 'build.mjs'), '--check'], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stderr + check.stdout);
    },
  );
});
