/** Sweep groups: the points a sweep records, its progress text, its summary for the panel, and the panel's request for it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runIdTime } from '../../src/engine/runs/layout';
import type { RunSummary } from '../../src/engine/runs/summary';
import { groupedSweepPoints, type SweepRun } from '../../src/engine/spec/sweep';
import type { ExperimentSpec } from '../../src/engine/spec/types';
import { parseWebviewMessage } from '../../src/extension/panel/panelMessages';
import { describeSweepProgress, sweepProgress } from '../../src/engine/runs/sweepProgress';
import { summariseSweep, sweepGroups, sweepOverview, type SweepMember } from '../../src/extension/training/sweepSummary';
import { FromWebviewType } from '../../src/protocol';

const point = (assignments: Record<string, unknown>): SweepRun => ({
  spec: {} as ExperimentSpec,
  assignments,
  label: Object.entries(assignments)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', '),
});

test('groupedSweepPoints: one new group for every run of a sweep, each with its place', () => {
  const runs = [point({ 'model.cell': 'rnn' }), point({ 'model.cell': 'gru' }), point({ 'model.cell': 'lstm' })];
  const points = groupedSweepPoints(runs, new Date(Date.UTC(2026, 10, 25, 18, 30, 5)));
  assert.deepEqual(
    points.map((p) => [p.label, p.group?.index, p.group?.count]),
    [
      ['model.cell=rnn', 0, 3],
      ['model.cell=gru', 1, 3],
      ['model.cell=lstm', 2, 3],
    ],
  );
  assert.equal(new Set(points.map((p) => p.group?.id)).size, 1, 'one group id');
  assert.equal(runIdTime(points[0].group!.id), Date.UTC(2026, 10, 25, 18, 30, 5), 'the id sorts by start time like a run id');
  assert.notEqual(groupedSweepPoints(runs)[0].group?.id, groupedSweepPoints(runs)[0].group?.id, 'each sweep gets its own group');
});

test('sweep progress: counts by state and a short text without the zero parts', () => {
  const progress = sweepProgress(['completed', 'failed', 'running', 'stopping', 'queued', 'queued']);
  assert.deepEqual(progress, { count: 6, done: 2, training: 2, queued: 2, cancelled: 0 });
  assert.equal(describeSweepProgress(progress), 'Sweep 2/6 done · 2 training · 2 queued');
  assert.equal(describeSweepProgress(sweepProgress(['completed', 'stopped', 'cancelled'])), 'Sweep 2/3 done · 1 cancelled');
});

/** A run of sweep `group` at grid place `index` of `count`. */
function member(id: string, group: string, index: number, values: Record<string, unknown>, fields: Partial<RunSummary> = {}, count = 3): RunSummary {
  return {
    id,
    experiment: 'sweep',
    status: 'completed',
    startedAt: '2026-11-25T18:30:00.000Z',
    updatedAt: '2026-11-25T18:31:00.000Z',
    durationMs: 60_000,
    epochsPlanned: 3,
    epochsDone: 3,
    steps: 90,
    sweep: {
      label: Object.entries(values)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', '),
      assignments: values,
      group: { id: group, index, count },
    },
    ...fields,
  };
}

const OLD = '20261125-170000-aaaa';
const NEW = '20261125-180000-bbbb';
const members: SweepMember[] = [
  member('20261125-180003-r3', NEW, 2, { 'training.learningRate': 0.1, 'model.cell': 'gru' }, { bestValidationLoss: 0.3, bestValidationAccuracy: 0.8 }),
  member('20261125-180001-r1', NEW, 0, { 'training.learningRate': 0.001, 'model.cell': 'gru' }, { bestValidationLoss: 0.05, bestEpoch: 2 }),
  member('20261125-180002-r2', NEW, 1, { 'training.learningRate': 0.01, 'model.cell': 'gru' }, { bestValidationLoss: Number.NaN, status: 'failed' }),
  member('20261125-170001-o1', OLD, 0, { 'model.cell': 'rnn' }, { bestValidationLoss: 0.01 }, 2),
  { ...member('20261125-170002-o2', OLD, 1, { 'model.cell': 'lstm' }, {}, 2), sweep: undefined },
  { ...member('20261125-160000-x', OLD, 0, {}), sweep: { label: 'model.cell=rnn', assignments: { 'model.cell': 'rnn' } } },
];

test('sweepGroups: every group once, newest first, with its size; runs without a group are not in one', () => {
  assert.deepEqual(sweepGroups(members), [
    { id: NEW, startedAt: '2026-11-25T18:00:00.000Z', count: 3 },
    { id: OLD, startedAt: '2026-11-25T17:00:00.000Z', count: 2 },
  ]);
  assert.deepEqual(sweepGroups([]), []);
});

test('summariseSweep: runs in grid order with their swept values, the best by validation loss (NaN never wins)', () => {
  const sweep = summariseSweep(members, NEW)!;
  assert.deepEqual(sweep.keys, ['training.learningRate', 'model.cell']);
  assert.equal(sweep.count, 3);
  assert.deepEqual(
    sweep.runs.map((run) => [run.index, run.id, run.status]),
    [
      [0, '20261125-180001-r1', 'completed'],
      [1, '20261125-180002-r2', 'failed'],
      [2, '20261125-180003-r3', 'completed'],
    ],
  );
  assert.deepEqual(sweep.runs[0].values, { 'training.learningRate': 0.001, 'model.cell': 'gru' });
  assert.equal(sweep.runs[2].bestValidationAccuracy, 0.8);
  assert.equal(sweep.bestRunId, '20261125-180001-r1');
  assert.equal(summariseSweep(members, 'no-such-group'), undefined);
});

test('summariseSweep: a live run given first replaces its recorded summary; a deleted run is simply missing', () => {
  const live = member('20261125-180003-r3', NEW, 2, { 'training.learningRate': 0.1, 'model.cell': 'gru' }, { status: 'running', bestValidationLoss: 0.01 });
  const sweep = summariseSweep([live, ...members.filter((m) => m.id !== '20261125-180001-r1')], NEW)!;
  assert.deepEqual(
    sweep.runs.map((run) => [run.id, run.status]),
    [
      ['20261125-180002-r2', 'failed'],
      ['20261125-180003-r3', 'running'],
    ],
  );
  assert.equal(sweep.count, 3, 'the sweep still says how many runs it started with');
  assert.equal(sweep.bestRunId, '20261125-180003-r3');
});

test('sweepOverview: the wanted group when it exists, else the newest; nothing without sweeps', () => {
  assert.equal(sweepOverview(members).sweep?.groupId, NEW);
  assert.equal(sweepOverview(members, OLD).sweep?.groupId, OLD);
  assert.deepEqual(
    sweepOverview(members, OLD).sweep?.runs.map((run) => run.id),
    ['20261125-170001-o1'],
    'a run without a group is not counted in it',
  );
  assert.equal(sweepOverview(members, 'gone').sweep?.groupId, NEW);
  assert.deepEqual(sweepOverview([members[5]]), { groups: [], sweep: undefined });
});

test("the Sweep view's request is checked like every webview message", () => {
  assert.deepEqual(parseWebviewMessage({ type: FromWebviewType.RequestSweep }), { type: FromWebviewType.RequestSweep });
  assert.deepEqual(parseWebviewMessage({ type: FromWebviewType.RequestSweep, groupId: NEW, extra: 1 }), { type: FromWebviewType.RequestSweep, groupId: NEW });
  for (const groupId of ['../x', '', 5, null, 'a/b', '..']) {
    assert.equal(parseWebviewMessage({ type: FromWebviewType.RequestSweep, groupId }), undefined, JSON.stringify(groupId));
  }
});
