import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { experimentSlug, legacyExperimentSlug } from '../../src/engine/runs/layout';
import { specRunsDir } from '../../src/engine/runs/legacyRuns';
import { listRuns } from '../../src/engine/runs/runReader';
import { RunWriter } from '../../src/engine/runs/runWriter';
import { sineSpec } from './sineSpec';

const scratch = mkdtempSync(join(tmpdir(), 'rnn-folders-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const NAMES = [
  'A B.rnn.json',
  'a-b.rnn.json',
  'A-B.json',
  'a-b.json',
  'a b.rnn.json',
  'データ.rnn.json',
  '模型.rnn.json',
  'Ä.rnn.json',
  'ä.rnn.json',
  '???.rnn.json',
  '!!!.rnn.json',
];

/** A run of `specName` recorded the way runs were before folder names were distinct. */
function legacyRun(root: string, specName: string): string {
  const specPath = join(scratch, 'specs', specName);
  const writer = RunWriter.create({ experimentDir: join(root, legacyExperimentSlug(specPath)), specPath, spec: sineSpec(specName), specChecksum: specName });
  writer.record({ type: 'end', status: 'completed', time: Date.now() });
  writer.close();
  return writer.id;
}

describe('experiment folders', () => {
  test('distinct spec files never share a folder, also where file names ignore case', () => {
    const slugs = NAMES.map((name) => experimentSlug(join('specs', name)));
    assert.equal(new Set(slugs.map((slug) => slug.toLowerCase())).size, NAMES.length, slugs.join(' '));
    assert.equal(experimentSlug('a-b.rnn.json'), 'a-b', 'a plain name keeps the folder it always had');
    assert.equal(experimentSlug('データ.rnn.json'), 'データ');
    for (const slug of slugs) assert.ok(/^[\p{L}\p{N}._-]+$/u.test(slug) && slug === slug.toLowerCase(), slug);
  });

  test('runs recorded in a shared folder before are found, each listed only with its own spec', () => {
    const root = join(scratch, 'runs');
    const ids = Object.fromEntries(
      ['A B.rnn.json', 'a-b.rnn.json', 'A-B.json', 'データ.rnn.json', 'モデル.rnn.json'].map((name) => [name, legacyRun(root, name)]),
    );
    assert.equal(legacyExperimentSlug('A B.rnn.json'), legacyExperimentSlug('a-b.rnn.json'), 'they did share one');
    for (const [name, id] of Object.entries(ids)) {
      const specPath = join(scratch, 'specs', name);
      assert.deepEqual(
        listRuns(specRunsDir(root, specPath)).map((summary) => summary.id),
        [id],
        name,
      );
    }
  });

  test('a run still training in the shared folder is left where its writer expects it', () => {
    const root = join(scratch, 'live');
    const specPath = join(scratch, 'specs', 'Live One.rnn.json');
    const writer = RunWriter.create({ experimentDir: join(root, legacyExperimentSlug(specPath)), specPath, spec: sineSpec('live'), specChecksum: 'x' });
    assert.deepEqual(listRuns(specRunsDir(root, specPath)), []);
    assert.equal(listRuns(join(root, legacyExperimentSlug(specPath)))[0].status, 'running');
    writer.close();
  });
});
