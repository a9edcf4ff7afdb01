import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { RUN_FILES } from '../../src/engine/runs/layout';
import { listRuns } from '../../src/engine/runs/runReader';
import { processStartTime } from '../../src/engine/runs/runLiveness';
import { RunWriter } from '../../src/engine/runs/runWriter';
import type { RunSummary } from '../../src/engine/runs/summary';
import { sineSpec } from './sineSpec';

const scratch = mkdtempSync(join(tmpdir(), 'rnn-liveness-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const readsStartTimes = processStartTime(process.pid) !== undefined;

/** A run whose summary says `running`, written by this process, then changed by `change`. */
function runningRun(name: string, change: (summary: RunSummary) => RunSummary): string {
  const experimentDir = join(scratch, name);
  const writer = RunWriter.create({ experimentDir, specPath: `${name}.rnn.json`, spec: sineSpec(name), specChecksum: 'abc' });
  const summaryPath = join(writer.dir, RUN_FILES.summary);
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as RunSummary;
  writeFileSync(summaryPath, JSON.stringify(change(summary)));
  return experimentDir;
}

describe('whether a run is still training', () => {
  test('the writer records its host, pid and process start time; its own live run reads as running', { skip: !readsStartTimes && 'no /proc here' }, () => {
    const dir = runningRun('own', (summary) => summary);
    const [summary] = listRuns(dir);
    assert.equal(summary.status, 'running');
    assert.equal(summary.pid, process.pid);
    assert.equal(summary.hostname, hostname());
    assert.equal(summary.processStartedAt, processStartTime(process.pid));
    assert.ok(Math.abs(summary.processStartedAt! - (Date.now() - process.uptime() * 1000)) < 3000, "the start time is this process's");
  });

  test('a pid now used by another process (a sleep) does not keep a dead run running', { skip: !readsStartTimes && 'no /proc here' }, async () => {
    const sleeper = spawn('sleep', ['60']);
    after(() => sleeper.kill());
    await new Promise((resolve) => sleeper.once('spawn', resolve));
    const pid = sleeper.pid!;
    const dir = runningRun('reused', (summary) => ({ ...summary, pid, processStartedAt: Date.now() - 3_600_000 }));
    const [summary] = listRuns(dir);
    assert.equal(summary.status, 'interrupted');
    assert.match(summary.reason ?? '', new RegExp(`pid ${pid}\\) is gone: that pid now belongs to a process started at `));
    assert.equal(summary.pid, undefined);

    // A run recorded before start times were kept: the sleep started after the run did, so it is not its trainer.
    const legacy = runningRun('legacy', ({ processStartedAt: _, ...summary }) => ({
      ...summary,
      pid,
      startedAt: new Date(Date.now() - 3_600_000).toISOString(),
    }));
    assert.equal(listRuns(legacy)[0].status, 'interrupted');
  });

  test('an interrupted run keeps its real duration, not the time until it was looked at', () => {
    const experimentDir = join(scratch, 'duration');
    mkdirSync(experimentDir, { recursive: true });
    const startedAt = Date.now() - 3_600_000;
    const dir = runningRun('duration', (summary) => ({
      ...summary,
      pid: 2 ** 22 + 17, // beyond Linux's largest pid: no such process
      startedAt: new Date(startedAt).toISOString(),
      updatedAt: new Date(startedAt + 90_000).toISOString(),
      durationMs: 90_000,
    }));
    const [summary] = listRuns(dir);
    assert.equal(summary.status, 'interrupted');
    assert.equal(summary.durationMs, 90_000);
  });
});
