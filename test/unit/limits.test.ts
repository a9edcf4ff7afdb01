/**
 * Issue 12: growth gets a clear answer instead of a crash. Memory estimates and limits, the
 * kernels' allocator past 2 GiB, validation that reads a bounded part of large files and counts
 * sweeps without building them, the specs that used to crash at train, and bad data refused.
 * Every memory test uses a small limit, so that it stays cheap.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadDataset } from '../../src/engine/data/load';
import { SAMPLE_BYTES } from '../../src/engine/data/sample';
import { encodingProblem } from '../../src/engine/io/textEncoding';
import { KernelMemory } from '../../src/engine/kernels/wasmKernels';
import { readWeightsFile } from '../../src/engine/model/weightsFile';
import { estimateResources, MAX_PROBE_VALUES, probeValues } from '../../src/engine/resources/estimate';
import { MB, MemoryLimitError } from '../../src/engine/resources/memoryLimit';
import { runExperiment } from '../../src/engine/runExperiment';
import { RUN_FILES } from '../../src/engine/runs/layout';
import { checkSpecText, loadSpecFile, type SpecCheck, type SpecLimits } from '../../src/engine/spec/load';
import { validatedSpec } from '../../src/engine/spec/resolve';
import type { SequenceModel } from '../../src/engine/model/types';
import { buildProbe, probeExtent } from '../../src/engine/train/probes';
import { trainExperiment } from '../../src/engine/train/trainer';
import { escapeControlCharacters } from '../../src/cli/terminalText';
import { gradientRows } from '../../src/charts/gradientFlow';
import { hiddenStateData } from '../../src/charts/hiddenState';
import type { ProbeEvent } from '../../src/engine/events';

const root = resolve(__dirname, '../..');
const resourcesDir = join(root, 'media');
const scratch = mkdtempSync(join(tmpdir(), 'rnn-limits-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Checks a spec document written in `scratch` (where its data files are). */
function check(document: unknown, limits: SpecLimits = {}): SpecCheck {
  return checkSpecText(JSON.stringify(document), { specPath: join(scratch, 'spec.rnn.json'), resourcesDir, ...limits });
}

function errors(result: SpecCheck): string[] {
  return result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
}

function writeData(name: string, content: string | Uint8Array): string {
  writeFileSync(join(scratch, name), content);
  return name;
}

const spec = (document: Record<string, unknown>) => validatedSpec({ name: 'limits', ...document }, 'the test spec');

/** The repros of issue 12, section 1. */
const HUGE_COPY = {
  name: 'huge',
  data: { type: 'copy', samples: 1000000, delay: 1000, length: 100, symbols: 32 },
  model: { hiddenSize: 1024, layers: 8 },
  training: { epochs: 1, batchSize: 4096 },
};
const LONG_COPY = { name: 'long', data: { type: 'copy', samples: 200000, delay: 1000 }, model: { hiddenSize: 8 }, training: { epochs: 1, batchSize: 4096 } };
const HUGE_SINE = { name: 'sine', data: { type: 'sine', samples: 1000000, seqLength: 10000 } };

/** Runs `trainUnderLimit.ts` in a child process and returns the run's summary and the child's peak resident memory. */
function trainInChild(mode: 'direct' | 'worker', document: unknown, limitMb: number): { summary: { status: string; reason?: string }; peakResidentMb: number } {
  const specPath = join(scratch, `child-${mode}.json`);
  writeFileSync(specPath, JSON.stringify(document));
  const script = join(root, 'test', 'fixtures', 'scripts', 'trainUnderLimit.ts');
  const child = spawnSync(process.execPath, ['--import', 'tsx', script, mode, specPath, String(limitMb), join(scratch, 'runs')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as ReturnType<typeof trainInChild>;
}

describe('the resource estimate', () => {
  test('counts parameters, BPTT activations (layers × T × B × H × gates), optimizer state, dataset and probes', () => {
    const small = spec({ data: { type: 'sine', samples: 100, seqLength: 10 }, model: { cell: 'lstm', hiddenSize: 4 }, training: { batchSize: 8 } });
    const shape = { train: 80, validation: 20, seqLength: 10, inputSize: 1, tokens: false, task: 'forecast' as const, outputSize: 1, loadingBytes: 0 };
    const estimate = estimateResources(small, shape);
    // PyTorch's nn.LSTM(1, 4) has 4·4·(1 + 4) + 2·4·4 = 112 parameters; the head 4 + 1.
    assert.equal(estimate.parameterCount, 117);
    assert.equal(estimate.bytes.optimizer, 2 * 117 * 4);
    // The workspace holds the larger of the batch and the validation set (evaluation batches go up to 256).
    assert.equal(estimate.activationFactors, '1 layer × 10 steps × batch 20 × 4 units');
    assert.equal(estimate.bytes.dataset, 4 * 2 * 100 * (10 + 1));
    const doubled = estimateResources(spec({ ...small, training: { batchSize: 40 } }), shape);
    assert.ok(doubled.bytes.activations > 1.9 * estimate.bytes.activations);
  });

  test('packed texts count one length per sample in the dataset', () => {
    const texts = (padding: string) =>
      spec({ data: { type: 'labeled-text', path: 'reviews.csv', textField: 'text', labelField: 'label', maxLength: 10, padding } });
    const shape = { train: 80, validation: 20, seqLength: 10, inputSize: 30, tokens: true, task: 'classify' as const, outputSize: 2, loadingBytes: 0 };
    assert.equal(estimateResources(texts('left'), shape).bytes.dataset, 4 * 2 * 100 * (10 + 1));
    assert.equal(estimateResources(texts('packed'), shape).bytes.dataset, 4 * 2 * 100 * (10 + 1 + 1));
  });

  test('the 1000-step, 8 × 1024 LSTM at batch 4096 is an error before any run: its size, factors and the keys to lower', () => {
    const messages = errors(check(HUGE_COPY));
    assert.equal(messages.length, 1);
    assert.match(messages[0], /^this run needs about \d+ GB: 8 layers × 1200 steps × batch 4096 × 1024 units; /);
    assert.match(messages[0], /lower training\.batchSize, data\.delay, model\.hiddenSize or model\.layers$/);
  });

  test('a 40 GB sine data set is refused with its size, not "Invalid typed array length"', () => {
    const [message] = errors(check(HUGE_SINE));
    assert.match(
      message,
      /^this run needs about 7\d\.\d GB; the memory limit is 4096 MB \(rnnLab\.workerMemoryLimitMb, or --memory-limit\); lower data\.samples or data\.seqLength$/,
    );
  });

  test('past half the limit it is a warning; the limit can be raised', () => {
    const medium = { name: 'm', data: { type: 'sine', samples: 20000, seqLength: 500 } };
    assert.deepEqual(errors(check(medium, { memoryLimitMb: 200 })).length, 1);
    const warned = check(medium, { memoryLimitMb: 500 });
    assert.deepEqual(errors(warned), []);
    assert.match(
      warned.diagnostics[0].message,
      /^this run needs about \d+ MB: 1 layer × 500 steps × batch 256 × 32 units, \d+% of the 500 MB memory limit; lower training\.batchSize, data\.seqLength/,
    );
    assert.deepEqual(check(medium, { memoryLimitMb: 4096 }).diagnostics, []);
    assert.ok(check(medium).estimate!.total > 250 * MB);
  });

  test('a sweep is judged by its largest run, and the error points at the sweep value that makes it', () => {
    const result = check(
      { name: 's', data: { type: 'sine', samples: 20000, seqLength: 50 }, sweep: { 'training.batchSize': [16, 4096], 'model.hiddenSize': [8, 1024] } },
      { memoryLimitMb: 300 },
    );
    const [error] = result.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(error.path.slice(0, 2), ['sweep', 'training.batchSize']);
    assert.match(error.message, /batch 4096 × 1024 units/);
  });
});

describe('the memory limit bounds a run', () => {
  test('each repro of section 1 ends as a failed run with the estimate, and resident memory stays under the limit', () => {
    for (const document of [LONG_COPY, HUGE_SINE, HUGE_COPY]) {
      const { summary, peakResidentMb } = trainInChild('direct', document, 400);
      assert.equal(summary.status, 'failed');
      assert.match(summary.reason!, /^this run needs about [\d.]+ GB/);
      assert.doesNotMatch(summary.reason!, /\n|RangeError|Invalid typed array/);
      assert.ok(peakResidentMb < 400, `peak resident memory ${peakResidentMb} MB`);
    }
  });

  test('a worker started as the editor starts one (resourceLimits 512 MB) stops at the limit too', () => {
    const { summary, peakResidentMb } = trainInChild('worker', LONG_COPY, 512);
    assert.equal(summary.status, 'failed');
    assert.match(summary.reason!, /the memory limit is 512 MB/);
    assert.ok(peakResidentMb < 512, `peak resident memory ${peakResidentMb} MB`);
  });

  test('the engine refuses an allocation past its memory, with the size and what to lower', async () => {
    const run = spec({
      data: { type: 'sine', samples: 200, seqLength: 100 },
      model: { hiddenSize: 64 },
      training: { epochs: 1, batchSize: 64 },
      probe: { samples: 0 },
    });
    const dataset = loadDataset(run.data, { specDir: scratch, resourcesDir, seed: 1 });
    const outcome = await trainExperiment({ spec: run, dataset, backend: 'cpu', engineMemoryBytes: 2 * MB, onEvent: () => {}, shouldStop: () => false });
    assert.equal(outcome.status, 'failed');
    assert.match(
      outcome.reason!,
      /^the kernels need [\d.]+ MB of memory for this model and batch, more than the 2\.0 MB they may use; lower training\.batchSize/,
    );
  });
});

describe('the kernels allocator', () => {
  test('hands out offsets past 2 GiB (no negative offsets) and the kernels compute there', () => {
    const memory = new KernelMemory({ maximumBytes: 3 * 1024 * MB });
    // Memory never handed out is not touched, so this costs address space, not resident memory.
    memory.allocate((2 * 1024 * MB) / 4);
    const a = memory.allocate(4);
    const b = memory.allocate(4);
    const c = memory.allocate(1);
    assert.ok(a.pointer > 2 ** 31 && c.pointer > a.pointer);
    memory.floats(a).set([1, 2, 3, 4]);
    memory.floats(b).set([5, 6, 7, 8]);
    // [1×4] · [4×1] = 1·5 + 2·6 + 3·7 + 4·8.
    memory.kernels.gemm(1, 1, 4, a.pointer, 4, 1, b.pointer, 1, c.pointer, 1, 0);
    assert.equal(memory.floats(c)[0], 70);
  });

  test('refuses cleanly past its maximum, which the WebAssembly memory also has', () => {
    const memory = new KernelMemory({ maximumBytes: 8 * MB });
    memory.allocate((6 * MB) / 4);
    assert.throws(
      () => memory.allocate((4 * MB) / 4),
      (error: Error) => error instanceof MemoryLimitError && /more than the 8\.0 MB/.test(error.message),
    );
    assert.throws(() => memory.memory.grow(1024), RangeError);
  });

  test('clears reused memory but never touches memory it has not handed out', () => {
    const memory = new KernelMemory({ maximumBytes: 16 * MB });
    const mark = memory.mark;
    memory.floats(memory.allocate(8)).fill(7);
    memory.release(mark);
    assert.deepEqual([...memory.floats(memory.allocate(8))], new Array(8).fill(0));
  });
});

describe('bounded validation', () => {
  // Half again the sample size: a stray cell near the end is beyond what validation reads.
  const note = 'n'.repeat(100);
  const rows = Math.ceil((SAMPLE_BYTES * 1.5) / 110);
  const lines = ['note,value', ...Array.from({ length: rows }, (_, i) => `${note},${(i % 97) / 10}`)];
  lines[rows - 5] = `${note},x`;
  const big = writeData('big.csv', `${lines.join('\n')}\n`);
  const csvSpec = {
    name: 'c',
    data: { type: 'csv', path: big, columns: ['value'], target: 'value', window: 4, validationSplit: 0.9 },
    training: { batchSize: 4096 },
  };

  test('a large CSV is checked on its first part, its rows counted as they stream by', () => {
    const [message] = errors(check(csvSpec));
    // The row count is exact (streamed), though the rows themselves were not all parsed.
    const windows = rows - 4;
    const validation = Math.round(windows * 0.9);
    assert.equal(
      message,
      `Only ${windows - validation} training windows after the validation split (${validation} held out), fewer than batchSize 4096: lower training.batchSize to at most ${windows - validation}, or use more data.`,
    );
  });

  test('the run reads the whole file before it starts: the stray cell past the sample is an error naming its row and column', async () => {
    const { summary } = await runExperiment({
      spec: spec({ ...csvSpec, training: { epochs: 1, batchSize: 64 } }),
      specPath: join(scratch, 'spec.rnn.json'),
      runsRoot: join(scratch, 'runs'),
      backend: 'cpu',
      resourcesDir,
    });
    assert.equal(summary.status, 'failed');
    assert.equal(summary.reason, `"${big}", row ${rows - 5} (line ${rows - 4}), column "value" is "x", not a number.`);
  });

  test('a sweep is counted, not built: 100 × 100 × 100 is one error with the count', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    const started = process.hrtime.bigint();
    const result = check({
      name: 'grid',
      data: { type: 'sine' },
      sweep: { 'model.hiddenSize': values, 'training.epochs': values, 'training.batchSize': values },
    });
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    assert.deepEqual(errors(result), [
      'this sweep has 1,000,000 runs (100 × 100 × 100), more than the limit of 1,000 (rnnLab.maxSweepRuns, or --max-sweep-runs): list fewer values',
    ]);
    assert.deepEqual(result.diagnostics[0].path, ['sweep']);
    // Not a timing test: a grid built run by run takes about a minute, this takes milliseconds on any machine.
    assert.ok(elapsedMs < 20_000);
    assert.deepEqual(
      errors(check({ name: 'grid', data: { type: 'sine' }, sweep: { 'model.cell': ['rnn', 'gru'], 'training.epochs': [1, 2, 3] } }, { maxSweepRuns: 6 })),
      [],
    );
    assert.equal(
      errors(check({ name: 'grid', data: { type: 'sine' }, sweep: { 'model.cell': ['rnn', 'gru'], 'training.epochs': [1, 2, 3] } }, { maxSweepRuns: 5 }))
        .length,
      1,
    );
  });
});

describe('specs that used to crash at train', () => {
  test('a text of one distinct character is a validation error at data.path', () => {
    const path = writeData('aaa.txt', 'a'.repeat(500));
    const result = check({ name: 't', data: { type: 'text', path } });
    assert.deepEqual(
      result.diagnostics.map((d) => [d.path, d.message]),
      [[['data', 'path'], 'The text holds one distinct character only ("a"); a language model needs at least 2 to choose from.']],
    );
  });

  test('labelled texts that are all empty are a validation error at data.textField', () => {
    const path = writeData('empty.csv', `text,label\n${Array.from({ length: 20 }, (_, i) => `,${i % 2 ? 'pos' : 'neg'}`).join('\n')}\n`);
    const result = check({ name: 't', data: { type: 'labeled-text', path }, training: { batchSize: 4 } });
    assert.deepEqual(
      result.diagnostics.map((d) => [d.path, d.message]),
      [[['data', 'textField'], `Every "text" value of "${path}" is empty: there is no text to classify.`]],
    );
  });

  test('a probe too large for one record is decimated: fewer samples, then every k-th step', () => {
    const large = spec({ data: { type: 'sine', seqLength: 1000 }, model: { hiddenSize: 1024 }, probe: { samples: 9 } });
    const dataset = { seqLength: 1000, validation: { count: 200, inputs: new Float32Array(0) } };
    assert.ok(probeValues(large, { seqLength: 1000, validation: 200 }) > 20 * MAX_PROBE_VALUES);
    const { count, steps } = probeExtent(large, dataset);
    assert.equal(count, 1);
    assert.ok(steps !== undefined && steps[0] === 0 && steps[1] === 4);
    assert.ok(count * steps.length * 1024 * 6 <= MAX_PROBE_VALUES);
    const small = spec({ data: { type: 'sine', seqLength: 50 }, model: { hiddenSize: 32 }, probe: { samples: 4 } });
    assert.deepEqual(probeExtent(small, { seqLength: 50, validation: { count: 200, inputs: new Float32Array(0) } }), { count: 4 });
  });

  test('a decimated probe record holds the kept steps only, and fits in one JSON line of a few tens of MB', () => {
    const run = spec({ data: { type: 'sine', samples: 20, seqLength: 2000 }, model: { cell: 'rnn', hiddenSize: 1024 }, probe: { samples: 4 } });
    const dataset = loadDataset(run.data, { specDir: scratch, resourcesDir, seed: 1 });
    let asked: number[] | undefined;
    // The model's side of a probe is the engines' (tested against PyTorch elsewhere); here only its shape matters.
    const model = {
      probe: (batch: { size: number }, steps?: number[]) => {
        asked = steps;
        const times = steps?.length ?? 2000;
        const h = Array.from({ length: batch.size }, () => Array.from({ length: 1024 }, () => new Array<number>(times).fill(0.5)));
        return { layers: [{ layer: 0, quantities: { h } }], gradientNorms: [new Array<number>(times).fill(1)], outputs: new Float32Array(batch.size) };
      },
    } as unknown as SequenceModel;
    const event = buildProbe(1, run, dataset, model, { outputs: [] });
    assert.deepEqual(event.samples, [0]);
    assert.deepEqual(asked, event.steps);
    assert.equal(event.steps?.length, 1000);
    assert.equal(event.steps?.[999], 1998);
    assert.equal((event.inputs as number[][][])[0].length, 1000);
    assert.equal(event.gradientNorms[0].length, 1000);
    assert.ok(JSON.stringify(event).length < 50 * MB);
  });

  test("the charts put a decimated probe's values at their real time steps", () => {
    const probe: ProbeEvent = {
      type: 'probe',
      epoch: 1,
      samples: [0],
      steps: [0, 4, 8],
      inputs: [[[0.1], [0.2], [0.3]]],
      layers: [{ layer: 0, quantities: { h: [[[1, 2, 3]]] } }],
      gradientNorms: [[0.5, 0.6, 0.7]],
      predictions: { kind: 'forecast', targets: [], predictions: [] },
    };
    assert.deepEqual(
      hiddenStateData(probe, 0, 0, 'h').cells.map((cell) => cell.time),
      [0, 4, 8],
    );
    assert.deepEqual(
      hiddenStateData(probe, 0, 0, 'h').inputs.map((input) => input.time),
      [0, 4, 8],
    );
    assert.deepEqual(
      gradientRows(probe).map((row) => row.time),
      [0, 4, 8],
    );
  });

  test('3000 levels of nesting: one error with its line and column, in a spec and in a weights file', () => {
    const deep = `{"name": "x",\n "data": ${'['.repeat(3000)}${']'.repeat(3000)}}`;
    const result = checkSpecText(deep, { specPath: join(scratch, 'deep.rnn.json'), resourcesDir });
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`),
      ['2:73 the spec is nested deeper than 64 levels at line 2, column 73: a spec is a few levels deep'],
    );
    const weights = join(scratch, 'deep-weights.json');
    writeFileSync(weights, `{"params": {"w": ${'['.repeat(3000)}1${']'.repeat(3000)}}}`);
    assert.throws(() => readWeightsFile(weights), {
      message: `${weights}: the weights are nested deeper than 64 levels at line 1, column 80; a weights file is 4 levels deep`,
    });
  });

  test('a UTF-16 spec is one message, not one per character', () => {
    const text = JSON.stringify({ name: 'x', data: { type: 'sine' } });
    const withMark = join(scratch, 'utf16.rnn.json');
    writeFileSync(withMark, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const withoutMark = join(scratch, 'utf16-bare.rnn.json');
    writeFileSync(withoutMark, Buffer.from(text, 'utf16le'));
    assert.deepEqual(
      loadSpecFile(withMark, resourcesDir).diagnostics.map((d) => d.message),
      ['this file is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8'],
    );
    assert.deepEqual(
      loadSpecFile(withoutMark, resourcesDir).diagnostics.map((d) => d.message),
      ['this file is UTF-16 (zero bytes between the characters): save it as UTF-8'],
    );
  });

  test('1e999 is reported as too large, not as "(got null)"', () => {
    const result = checkSpecText('{"name": "x", "data": {"type": "sine", "samples": 1e999}}', { specPath: join(scratch, 's.rnn.json'), resourcesDir });
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.column} ${d.message}`),
      ['51 data.samples is 1e999, a number too large to hold (the largest is about 1.8e308)'],
    );
  });

  test('a run that fails anyway keeps its finished epochs and weights, says why in one line, and logs the stack', async () => {
    const events: { type: string; message?: string; detail?: string }[] = [];
    let polls = 0;
    const run = spec({
      data: { type: 'sine', samples: 40, seqLength: 8 },
      model: { hiddenSize: 4 },
      training: { epochs: 3, batchSize: 16 },
      probe: { samples: 1 },
    });
    const { runDir, summary } = await runExperiment({
      spec: run,
      specPath: join(scratch, 'fails.rnn.json'),
      runsRoot: join(scratch, 'runs'),
      backend: 'cpu',
      resourcesDir,
      onEvent: (event) => events.push(event),
      // Two steps per epoch: the fourth poll is the second epoch's second step.
      shouldStop: () => {
        if (++polls === 4) throw new Error('the disk went away\n    at somewhere (file.ts:1:1)');
        return false;
      },
    });
    assert.equal(summary.status, 'failed');
    assert.equal(summary.reason, 'the disk went away (1 finished epoch kept)');
    const metrics = readFileSync(join(runDir, RUN_FILES.metrics), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; epoch?: number });
    assert.deepEqual(
      metrics.filter((e) => e.type === 'epoch').map((e) => e.epoch),
      [1],
    );
    assert.ok(existsSync(join(runDir, RUN_FILES.weights)));
    const log = events.find((e) => e.type === 'log' && e.message?.startsWith('the run failed'));
    assert.equal(log?.message, 'the run failed: the disk went away');
    assert.match(log?.detail ?? '', /at somewhere \(file\.ts:1:1\)/);
  });
});

describe('bad data is refused', () => {
  const textSpec = (path: string) => ({ name: 't', data: { type: 'text', path, seqLength: 4 } });

  test('binary, invalid UTF-8 and UTF-16 text name the file and the byte offset', () => {
    const binary = writeData('binary.txt', Buffer.concat([Buffer.from('some text then '), Buffer.from([0x00, 0x01, 0x02, 0xff])]));
    const broken = writeData('broken.txt', Buffer.concat([Buffer.from('héllo wörld, '), Buffer.from([0xc3, 0x28]), Buffer.from(' more text here')]));
    const utf16 = writeData('utf16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hello world, long enough', 'utf16le')]));
    assert.deepEqual(errors(check(textSpec(binary))), [`"${binary}" is binary, not text (a zero byte at byte offset 15).`]);
    assert.deepEqual(errors(check(textSpec(broken))), [`"${broken}" is not valid UTF-8 text (byte offset 15).`]);
    assert.deepEqual(errors(check(textSpec(utf16))), [`"${utf16}" is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8.`]);
    assert.equal(encodingProblem(Buffer.from('plain, valid UTF-8: ✓ 🎉')), undefined);
  });

  test('one "x" among 300 rows is an error naming the row and column, not a column silently dropped', () => {
    const rows = Array.from({ length: 300 }, (_, i) => `${i % 7},${i % 11}`);
    rows[120] = '3,x';
    const path = writeData('stray.csv', `a,b\n${rows.join('\n')}\n`);
    const result = check({ name: 'c', data: { type: 'csv', path, target: 'a' } });
    assert.deepEqual(
      result.diagnostics.map((d) => [d.path, d.message]),
      [
        [
          ['data', 'columns'],
          `"${path}", row 121 (line 122), column "b" is "x", not a number (the column's other 299 cells are numbers): fix the cell, or list the input columns in data.columns.`,
        ],
      ],
    );
  });

  test('0x10 is not a number', () => {
    const path = writeData('hex.csv', `v\n${Array.from({ length: 40 }, (_, i) => (i === 7 ? '0x10' : String(i))).join('\n')}\n`);
    assert.deepEqual(errors(check({ name: 'c', data: { type: 'csv', path, columns: ['v'], target: 'v', window: 4 }, training: { batchSize: 4 } })), [
      `"${path}", row 8 (line 9), column "v" is "0x10", not a number.`,
    ]);
  });

  test('control characters from the data reach the terminal escaped', () => {
    mkdirSync(join(scratch, 'cli'), { recursive: true });
    writeFileSync(join(scratch, 'cli', 'evil.csv'), `"\u001b]0;owned\u0007",v\n1,2\n3,4\n`);
    const specPath = join(scratch, 'cli', 'evil.rnn.json');
    writeFileSync(specPath, JSON.stringify({ name: 'e', data: { type: 'csv', path: 'evil.csv', target: 'nope' } }));
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'validate', specPath], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 1);
    assert.ok(!result.stdout.includes('\u001b') && !result.stdout.includes('\u0007'), result.stdout);
    assert.match(result.stdout, /available columns: \\x1b\]0;owned\\x07, v\./);
    assert.equal(escapeControlCharacters('tab\tand newline\n stay; \u009b goes'), 'tab\tand newline\n stay; \\x9b goes');
  });
});

describe('rnn-lab validate --verbose, --memory-limit, --max-sweep-runs', () => {
  test('prints the estimate, and the flags set the limits', () => {
    const specPath = join(scratch, 'verbose.rnn.json');
    writeFileSync(specPath, JSON.stringify({ name: 'v', data: { type: 'sine', samples: 20000, seqLength: 500 }, sweep: { 'model.cell': ['rnn', 'gru'] } }));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'validate', specPath, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    const verbose = run('--verbose');
    assert.equal(verbose.status, 0, verbose.stderr);
    assert.match(
      verbose.stdout,
      /: memory: about \d+ MB: 3,393 parameters [\d.]+ kB \(with gradients and copies\), BPTT activations [\d.]+ MB \(1 layer × 500 steps × batch 256 × 32 units\), optimizer state [\d.]+ kB, dataset [\d.]+ MB, probe records [\d.]+ MB$/m,
    );
    const limited = run('--memory-limit', '100');
    assert.equal(limited.status, 1);
    assert.match(limited.stdout, /the memory limit is 100 MB/);
    const swept = run('--max-sweep-runs', '1');
    assert.match(swept.stdout, /this sweep has 2 runs \(2\), more than the limit of 1/);
    assert.equal(run('--memory-limit', 'lots').status, 2);
    assert.ok(readdirSync(scratch).length > 0);
  });
});
