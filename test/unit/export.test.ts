/** Exports of a run: metrics as CSV and JSON, weights as safetensors (checked in PyTorch when it is installed). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readWeightsFile } from '../../src/engine/model/weightsFile';
import type { StateDict } from '../../src/engine/model/types';
import { runExperiment } from '../../src/engine/runExperiment';
import { writeAnnotations } from '../../src/engine/runs/annotations';
import { METRICS_CSV_COLUMNS, metricsCsv, safetensorsBytes } from '../../src/engine/runs/export';
import { exportMetricsFile, runMetricsText, runWeightsSafetensors } from '../../src/engine/runs/exportRun';
import { RUN_FILES } from '../../src/engine/runs/layout';
import { iterateMetrics } from '../../src/engine/runs/runReader';
import { sineSpec } from './sineSpec';

const scratch = mkdtempSync(join(tmpdir(), 'rnn-export-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const spec = sineSpec('export', { cell: 'lstm', hiddenSize: 3, layers: 2 });

/** A safetensors file parsed back: header and tensors. */
function parseSafetensors(bytes: Buffer): { metadata?: Record<string, string>; tensors: StateDict; dtypes: string[] } {
  const headerLength = Number(bytes.readBigUInt64LE(0));
  assert.equal(headerLength % 8, 0, 'the header is padded to 8 bytes');
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  > & {
    __metadata__?: Record<string, string>;
  };
  const { __metadata__: metadata, ...entries } = header;
  const data = bytes.subarray(8 + headerLength);
  const tensors: StateDict = {};
  let end = 0;
  for (const [
    name,
    {
      shape,
      data_offsets: [begin, stop],
    },
  ] of Object.entries(entries)) {
    const values = new Float32Array((stop - begin) / 4);
    for (let i = 0; i < values.length; i++) values[i] = data.readFloatLE(begin + i * 4);
    tensors[name] = { shape, data: values };
    end = Math.max(end, stop);
  }
  assert.equal(end, data.length, 'the tensors fill the data exactly');
  return { metadata, tensors, dtypes: Object.values(entries).map((entry) => entry.dtype) };
}

let runDir = '';
before(async () => {
  ({ runDir } = await runExperiment({ spec, specPath: join(scratch, 'export.rnn.json'), backend: 'cpu', resourcesDir: scratch }));
});

describe('metrics export', () => {
  test('CSV: the header, then one row per step and per epoch in recorded order', () => {
    const events = [...iterateMetrics(runDir)];
    const csv = runMetricsText(runDir, 'csv');
    const [header, ...rows] = csv.trimEnd().split('\n');
    assert.equal(header, METRICS_CSV_COLUMNS.join(','));
    const kinds = rows.map((row) => row.split(',')[0]);
    assert.deepEqual(
      kinds,
      events.filter((e) => e.type === 'step' || e.type === 'epoch').map((e) => e.type),
    );
    const firstEpoch = rows[kinds.indexOf('epoch')].split(',');
    const epoch = events.find((e) => e.type === 'epoch')!;
    assert.equal(Number(firstEpoch[METRICS_CSV_COLUMNS.indexOf('validationLoss')]), epoch.type === 'epoch' && epoch.validationLoss);
    assert.equal(firstEpoch[METRICS_CSV_COLUMNS.indexOf('loss')], '', 'a step column is empty on an epoch row');
    assert.ok(rows.every((row) => row.split(',').length === METRICS_CSV_COLUMNS.length));
  });

  test('CSV: a diverged (non-finite) loss is written NaN', () => {
    const csv = metricsCsv([{ type: 'step', epoch: 1, step: 1, loss: null as unknown as number, gradNorm: Infinity, learningRate: 0.1, stepsPerSecond: 1 }]);
    assert.equal(csv.split('\n')[1], 'step,1,1,NaN,Infinity,0.1,,,,,,');
  });

  test('JSON: the summary, resolved spec, annotations, steps and epochs', () => {
    writeAnnotations(runDir, { name: 'two layers', tags: ['lstm'] });
    const json = JSON.parse(runMetricsText(runDir, 'json'));
    assert.equal(json.format, 'rnn-lab-metrics');
    assert.equal(json.summary.status, 'completed');
    assert.equal(json.spec.model.layers, 2);
    assert.deepEqual(json.annotations, { name: 'two layers', tags: ['lstm'] });
    assert.equal(json.epochs.length, 2);
    assert.equal(json.steps.length, json.summary.steps);
    assert.equal(json.epochs[1].epoch, 2);
    assert.equal(json.epochs[1].type, undefined);
  });

  test('the file name picks the format; another extension is refused', () => {
    exportMetricsFile(runDir, join(scratch, 'm.CSV'));
    assert.match(readFileSync(join(scratch, 'm.CSV'), 'utf8'), /^kind,epoch,step/);
    assert.throws(() => exportMetricsFile(runDir, join(scratch, 'm.txt')), /\.csv or \.json/);
  });
});

describe('safetensors export', () => {
  test('the bytes parse back to the same tensors, names and shapes as weights.json', () => {
    const weights = readWeightsFile(join(runDir, RUN_FILES.weights));
    const { metadata, tensors, dtypes } = parseSafetensors(runWeightsSafetensors(runDir));
    assert.deepEqual(Object.keys(tensors).sort(), Object.keys(weights).sort());
    assert.ok(Object.keys(tensors).includes('weight_hh_l1'));
    for (const [name, { shape, data }] of Object.entries(weights)) {
      assert.deepEqual(tensors[name].shape, shape, name);
      assert.deepEqual(tensors[name].data, data, name);
    }
    assert.ok(dtypes.every((dtype) => dtype === 'F32'));
    assert.equal(metadata?.format, 'pt');
    assert.equal(JSON.parse(metadata?.model ?? '{}').cell, 'lstm');
  });

  test('a hand-made state dict: exact bytes, offsets in name order; a wrong shape is refused', () => {
    const bytes = safetensorsBytes({ b: { shape: [2], data: new Float32Array([1, -2]) }, a: { shape: [1, 1], data: new Float32Array([0.5]) } });
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString());
    assert.deepEqual(header, { a: { dtype: 'F32', shape: [1, 1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } });
    assert.equal(bytes.length, 8 + headerLength + 12);
    assert.equal(bytes.readFloatLE(8 + headerLength + 8), -2);
    assert.throws(() => safetensorsBytes({ w: { shape: [2, 2], data: new Float32Array(3) } }), /do not fill the shape \[2, 2\]/);
  });

  test('a run without weights says so', () => {
    const noWeights = join(scratch, 'no-weights');
    assert.throws(() => runWeightsSafetensors(noWeights), /has no saved weights/);
  });

  const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
  const skip = torch.status === 0 ? false : 'PyTorch is not installed for /usr/bin/python3 (import torch failed)';
  test('PyTorch loads the file into nn.LSTM and nn.Linear with load_state_dict(strict=True)', { skip }, () => {
    const file = join(scratch, 'weights.safetensors');
    writeFileSync(file, runWeightsSafetensors(runDir));
    // The safetensors reader in a few lines (the safetensors package may be missing): header, then the raw bytes.
    const script = `
import json, struct, sys, torch
data = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', data[:8])[0]
header = json.loads(data[8:8 + n])
meta = header.pop('__metadata__')
body = data[8 + n:]
state = {k: torch.frombuffer(bytearray(body[v['data_offsets'][0]:v['data_offsets'][1]]), dtype=torch.float32).reshape(v['shape']) for k, v in header.items()}
model = json.loads(meta['model'])
lstm = torch.nn.LSTM(1, model['hiddenSize'], num_layers=model['layers'], batch_first=True)
head = torch.nn.Linear(model['hiddenSize'], 1)
lstm.load_state_dict({k: v for k, v in state.items() if not k.startswith('head.')}, strict=True)
head.load_state_dict({k[5:]: v for k, v in state.items() if k.startswith('head.')}, strict=True)
out, _ = lstm(torch.zeros(1, 4, 1))
print(head(out[:, -1]).shape)
`;
    const result = spawnSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'torch.Size([1, 1])');
  });
});
