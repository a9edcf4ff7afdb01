import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { runExperiment } from '../../src/engine/runExperiment';
import { checkSpecText } from '../../src/engine/spec/load';
import { sineSpec } from './sineSpec';

const scratch = mkdtempSync(join(tmpdir(), 'rnn-restricted-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const resourcesDir = resolve(__dirname, '../../media');
const specPath = join(scratch, 'project', 'secret.rnn.json');
mkdirSync(join(scratch, 'project', 'data'), { recursive: true });
writeFileSync(join(scratch, 'project', 'data', 'secret.csv'), 'secret_a,secret_b\n1,2\n3,4\n');
writeFileSync(join(scratch, 'project', 'data', 'binary.txt'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x53, 0x45, 0x43]));

const csvSpec = JSON.stringify({ name: 'secret', data: { type: 'csv', path: 'data/secret.csv', target: 'value' } });
const textSpec = JSON.stringify({ name: 'secret', data: { type: 'text', path: 'data/binary.txt' } });

describe('validation in an untrusted workspace', () => {
  test('a CSV is checked to exist, never read: its header appears in no message', () => {
    const trusted = checkSpecText(csvSpec, { specPath, resourcesDir });
    assert.ok(
      trusted.diagnostics.some((d) => /secret_a/.test(d.message)),
      'trusted: the missing column is named with the columns there are',
    );
    const restricted = checkSpecText(csvSpec, { specPath, resourcesDir, readDataFiles: false });
    assert.deepEqual(restricted.diagnostics, []);
    assert.ok(restricted.spec);
  });

  test('a text file is not read either; a missing file is still reported', () => {
    const restricted = checkSpecText(textSpec, { specPath, resourcesDir, readDataFiles: false });
    assert.deepEqual(
      restricted.diagnostics.map((d) => d.message),
      [],
    );
    const missing = checkSpecText(JSON.stringify({ name: 'x', data: { type: 'text', path: 'data/none.txt' } }), {
      specPath,
      resourcesDir,
      readDataFiles: false,
    });
    assert.deepEqual(
      missing.diagnostics.map((d) => d.message),
      [`Data file not found: "data/none.txt" (looked for ${join(scratch, 'project', 'data', 'none.txt')}).`],
    );
  });
});

describe("data outside the spec's folder", () => {
  test('a data path leading out of the project trains, and the run records the resolved file', async () => {
    const outside = join(scratch, 'elsewhere', 'series.csv');
    mkdirSync(join(scratch, 'elsewhere'));
    writeFileSync(outside, `value\n${Array.from({ length: 80 }, (_, i) => Math.sin(i / 3).toFixed(4)).join('\n')}\n`);
    const base = sineSpec('outside', {}, { epochs: 1, batchSize: 8 });
    const spec = {
      ...base,
      data: { type: 'csv' as const, path: '../elsewhere/series.csv', columns: [], target: 'value', window: 5, horizon: 1, validationSplit: 0.2 },
    };
    const { summary, runDir } = await runExperiment({ spec, specPath, runsRoot: join(scratch, 'runs'), backend: 'cpu', resourcesDir });
    assert.equal(summary.status, 'completed', summary.reason);
    assert.equal(summary.dataFile, outside);
    assert.ok(runDir.startsWith(join(scratch, 'runs')));
  });
});
