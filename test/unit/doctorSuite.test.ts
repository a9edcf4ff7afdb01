/**
 * The training doctor measured: every spec of the labelled suite (`test/doctor/suite/`) is
 * trained for real, and the doctor's findings are scored against the folder it is in.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { caseOutcome, diagnoseCase, diagnoseSpec, scoreSuite, scoreTable, suiteCases, type CaseOutcome } from '../doctor/suite';

describe('training doctor on the labelled suite', () => {
  test('precision and recall are at least 0.9 overall, and every code is found in most of its specs', async (t) => {
    const cases = suiteCases();
    const labels = new Set(cases.map((c) => c.label));
    for (const label of labels) {
      if (label !== 'healthy') assert.ok(cases.filter((c) => c.label === label).length >= 3, `at least three sick specs for ${label}`);
    }
    const outcomes: CaseOutcome[] = [];
    for (const suiteCase of cases) {
      outcomes.push(caseOutcome(suiteCase, await diagnoseCase(suiteCase.file)));
    }
    const scores = scoreSuite(outcomes);
    scoreTable(scores, outcomes)
      .split('\n')
      .forEach((line) => t.diagnostic(line));
    for (const o of outcomes.filter((o) => o.expected.join() !== o.found.join())) {
      t.diagnostic(`${o.name}: expected ${o.expected.join(', ') || 'nothing'}, found ${o.found.join(', ') || 'nothing'}`);
    }
    const overall = scores.at(-1);
    assert.ok(overall && overall.precision >= 0.9, `overall precision ${overall?.precision}`);
    assert.ok(overall && overall.recall >= 0.9, `overall recall ${overall?.recall}`);
    for (const s of scores) {
      assert.ok(s.recall >= 0.6, `${s.code}: recall ${s.recall.toFixed(2)}`);
      assert.ok(s.precision >= 0.6, `${s.code}: precision ${s.precision.toFixed(2)}`);
    }
  });

  test("the shipped examples get no warning, but the adding sweep's RNN gets vanishing-gradients", async () => {
    const examples = resolve(__dirname, '../../examples');
    const verdicts: string[] = [];
    for (const file of readdirSync(examples)
      .filter((f) => f.endsWith('.rnn.json'))
      .sort()) {
      for (const run of await diagnoseSpec(join(examples, file))) {
        const codes = run.findings.filter((f) => f.severity !== 'info').map((f) => f.code);
        verdicts.push(`${file}${run.label ? ` ${run.label}` : ''}: ${codes.join(', ') || 'healthy'}`);
      }
    }
    assert.deepEqual(verdicts, [
      'adding.rnn.json model.cell=rnn: vanishing-gradients',
      'adding.rnn.json model.cell=lstm: healthy',
      'copy.rnn.json: healthy',
      'reviews-bidirectional.rnn.json model.bidirectional=false: healthy',
      'reviews-bidirectional.rnn.json model.bidirectional=true: healthy',
      'reviews-padding.rnn.json data.padding=left: healthy',
      'reviews-padding.rnn.json data.padding=packed: healthy',
      'reviews.rnn.json: healthy',
      'sine.rnn.json: healthy',
      'sunspots.rnn.json: healthy',
      'text-cosine.rnn.json training.schedule=null: healthy',
      'text-cosine.rnn.json training.schedule={"type":"cosine","warmupEpochs":1,"minLearningRate":0.0005}: healthy',
      'text.rnn.json: healthy',
      'weather-csv.rnn.json: healthy',
    ]);
  });

  test('a forecast that learns is not called vanishing while it is still at its baseline in its first epochs', async () => {
    const [run] = await diagnoseSpec(resolve(__dirname, '../../examples/sine.rnn.json'));
    assert.deepEqual([...run.liveCodes], []);
  });
});
