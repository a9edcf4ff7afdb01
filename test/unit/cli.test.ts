import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { experimentDir, RUN_FILES } from '../../src/engine/runs/layout';
import { listRuns, readRun } from '../../src/engine/runs/runReader';
import type { StartEvent } from '../../src/engine/events';
import type { RunSummary } from '../../src/engine/runs/summary';

const root = resolve(__dirname, '../..');
/** Relative to the repository root, the CLI's working directory, so paths print as given. */
const work = join('.test-artifacts', `cli-${process.pid}`);
mkdirSync(join(root, work), { recursive: true });
after(() => rmSync(join(root, work), { recursive: true, force: true }));

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the command line; `finished` resolves with its exit code and output. */
function startCli(...args: string[]): { child: ChildProcessWithoutNullStreams; finished: Promise<CliResult> } {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: root, timeout: 60_000 });
  const result: CliResult = { status: null, stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (result.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (result.stderr += chunk));
  return { child, finished: new Promise((done) => child.on('close', (status) => done({ ...result, status }))) };
}

/** Runs the command line to its end; independent calls can run side by side. */
function cli(...args: string[]): Promise<CliResult> {
  return startCli(...args).finished;
}

/** Writes a spec under the scratch folder and returns its path relative to the repository root. */
function writeSpec(name: string, spec: unknown): string {
  const path = join(work, name);
  writeFileSync(join(root, path), JSON.stringify(spec, null, 2));
  return path;
}

const tinySpec = {
  name: 'tiny',
  data: { type: 'sine', samples: 40, seqLength: 8 },
  model: { cell: 'gru', hiddenSize: 4 },
  training: { epochs: 2, batchSize: 16 },
  probe: { samples: 2 },
};
const tiny = writeSpec('tiny.rnn.json', tinySpec);
const sweep = writeSpec('sweep.rnn.json', { ...tinySpec, name: 'sweep', training: { epochs: 1, batchSize: 16 }, sweep: { 'model.cell': ['rnn', 'lstm'] } });
const long = writeSpec('long.rnn.json', {
  ...tinySpec,
  name: 'long',
  data: { type: 'sine', samples: 400, seqLength: 20 },
  training: { epochs: 500, batchSize: 4 },
});
const bad = writeSpec('bad.rnn.json', { name: 'bad', data: { type: 'sine', samples: -3 }, model: { cell: 'gruu' } });

function runsDir(name: string): string {
  return join(root, work, name);
}

describe('rnn-lab command line', () => {
  test('--help documents the exit codes; --version prints the package version', async () => {
    const [help, version, bare] = await Promise.all([cli('--help'), cli('--version'), cli()]);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Exit codes:\n\s+0 +success\n\s+1 .*\n\s+2 +usage error\n\s+130 +interrupted/);
    assert.equal(version.status, 0);
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /Usage:/);
  });

  test('an unknown command or a bad option is a usage error (exit 2)', async () => {
    const results = await Promise.all([
      cli('frobnicate'),
      cli('train', tiny, '--backend', 'gpu'),
      cli('train', tiny, '--epochs', '0'),
      cli('train', tiny, '--no-such-flag'),
      cli('train', tiny, tiny),
    ]);
    assert.deepEqual(
      results.map((result) => result.status),
      [2, 2, 2, 2, 2],
    );
    assert.match(results[0].stderr, /unknown command "frobnicate"[\s\S]*Usage:/);
    assert.match(results[1].stderr, /--backend must be one of auto, wasm, cpu/);
  });

  test('validate prints file:line:col diagnostics with the path as given and exits 1 on errors', async () => {
    const [result, good] = await Promise.all([cli('validate', tiny, bad), cli('validate', tiny)]);
    assert.equal(result.status, 1);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines[0], `${tiny}: ok`);
    assert.ok(lines.length >= 3, result.stdout);
    for (const line of lines.slice(1)) {
      assert.match(line, new RegExp(`^${bad.replaceAll('.', '\\.')}:\\d+:\\d+ error: `));
    }
    assert.ok(lines.some((line) => line.includes('model.cell')));
    assert.equal(good.status, 0);
  });

  test('train refuses an invalid spec before creating any run', async () => {
    const runs = runsDir('bad-runs');
    const result = await cli('train', bad, '--runs', runs);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /bad\.rnn\.json:\d+:\d+ error: /);
    assert.equal(existsSync(runs), false);
  });

  test('train writes a run folder with a line per epoch; runs lists it', async () => {
    const runs = runsDir('tiny-runs');
    const result = await cli('train', tiny, '--runs', runs, '--backend', 'cpu');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^epoch 1\/2 {2}train \S+ {2}val \S+ {2}baseline \S+/m);
    assert.match(result.stdout, /^epoch 2\/2 /m);
    assert.match(result.stdout, /^completed: best validation loss \S+ at epoch [12]/m);

    const [summary] = listRuns(experimentDir(runs, tiny));
    assert.equal(summary.status, 'completed');
    assert.equal(summary.epochsDone, 2);
    assert.equal(summary.backend, 'cpu');
    const runDir = join(experimentDir(runs, tiny), summary.id);
    assert.match(result.stdout, new RegExp(`Run folder: ${join(work, 'tiny-runs', 'tiny', summary.id)}`));
    assert.ok(readdirSync(runDir).includes(RUN_FILES.weights));
    assert.equal(readRun(runDir).metrics.filter((event) => event.type === 'epoch').length, 2);

    const listing = await cli('runs', tiny, '--runs', runs);
    assert.equal(listing.status, 0);
    const [header, row] = listing.stdout.trim().split('\n');
    assert.match(header, /^run +status +best val +last val +duration +age +engine +sweep$/);
    assert.match(row, new RegExp(`^${summary.id} +completed +\\S+ @${summary.bestEpoch} `));
  });

  test("export writes a run's weights as safetensors or JSON and its metrics as CSV or JSON; refuses other folders", async () => {
    const runs = runsDir('export-runs');
    assert.equal((await cli('train', tiny, '--runs', runs, '--backend', 'cpu')).status, 0);
    const [summary] = listRuns(experimentDir(runs, tiny));
    const runDir = join(work, 'export-runs', 'tiny', summary.id);
    const out = (file: string) => join(work, file);
    const result = await cli('export', runDir, '--weights', out('w.safetensors'), '--metrics', out('m.csv'));
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `Weights: ${out('w.safetensors')}\nMetrics: ${out('m.csv')}\n`);
    const bytes = readFileSync(join(root, out('w.safetensors')));
    const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8'));
    assert.deepEqual(header['weight_hh_l0'].shape, [12, 4], 'GRU 4: three gates of 4 units');
    assert.equal(header.__metadata__.run, summary.id);
    const csv = readFileSync(join(root, out('m.csv')), 'utf8')
      .trim()
      .split('\n');
    assert.match(csv[0], /^kind,epoch,step,loss,/);
    assert.equal(csv.filter((row) => row.startsWith('epoch,')).length, 2);
    const json = await cli('export', runDir, '--metrics', out('m.json'), '--weights', out('w.json'));
    assert.equal(json.status, 0, json.stderr);
    assert.equal(JSON.parse(readFileSync(join(root, out('m.json')), 'utf8')).epochs.length, 2);
    assert.deepEqual(JSON.parse(readFileSync(join(root, out('w.json')), 'utf8')), JSON.parse(readFileSync(join(root, runDir, RUN_FILES.weights), 'utf8')));

    const [usage, notRun, wrongExtension] = await Promise.all([
      cli('export', runDir),
      cli('export', join(work, 'export-runs'), '--metrics', out('x.csv')),
      cli('export', runDir, '--metrics', out('m.txt')),
    ]);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /needs --weights FILE/);
    assert.equal(notRun.status, 1);
    assert.match(notRun.stderr, /not a run folder/);
    assert.equal(existsSync(join(root, out('x.csv'))), false);
    assert.equal(wrongExtension.status, 2);
    assert.match(wrongExtension.stderr, /\.csv or \.json/);
  });

  test('damaged run files: a rebuilt summary says so, wrong-type fields print ?, exports of damaged files fail naming them', async () => {
    const runs = runsDir('damaged-runs');
    assert.equal((await cli('train', tiny, '--runs', runs, '--backend', 'cpu')).status, 0);
    assert.equal((await cli('train', tiny, '--runs', runs, '--backend', 'cpu')).status, 0);
    const [second, first] = listRuns(experimentDir(runs, tiny));
    const dirOf = (summary: RunSummary) => join(experimentDir(runs, tiny), summary.id);
    writeFileSync(join(dirOf(first), RUN_FILES.summary), '{"status": "compl');
    const summaryPath = join(dirOf(second), RUN_FILES.summary);
    const stored = JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, unknown>;
    const damaged = { durationMs: 'soon', bestValidationLoss: { x: 1 }, bestEpoch: [2], lastValidationLoss: 'low', sweep: { label: { a: 1 } } };
    writeFileSync(summaryPath, JSON.stringify({ ...stored, ...damaged }));

    const listing = await cli('runs', tiny, '--runs', runs);
    assert.equal(listing.status, 0, listing.stderr);
    assert.doesNotMatch(listing.stdout, /object Object|NaN/);
    const rows = new Map(
      listing.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((row) => [row.split(' ')[0], row]),
    );
    assert.match(rows.get(first.id)!, new RegExp(`^${first.id} +completed, rebuilt from metrics +\\S+ @\\d `));
    assert.match(rows.get(second.id)!, new RegExp(`^${second.id} +completed +\\? @\\? +\\? +\\? +(\\S+ ago|just now) +kernels +\\?$`));
    assert.deepEqual(readRun(dirOf(second)).problems, [
      'summary.json: fields of the wrong type, shown as "?": durationMs, bestValidationLoss, bestEpoch, lastValidationLoss, sweep',
    ]);

    const out = (file: string) => join(work, file);
    const weightsPath = join(dirOf(first), RUN_FILES.weights);
    writeFileSync(weightsPath, readFileSync(weightsPath, 'utf8').slice(0, 200));
    rmSync(join(dirOf(second), RUN_FILES.metrics));
    const [safetensors, json, metrics] = await Promise.all([
      cli('export', dirOf(first), '--weights', out('cut.safetensors')),
      cli('export', dirOf(first), '--weights', out('cut.json')),
      cli('export', dirOf(second), '--metrics', out('none.csv')),
    ]);
    for (const result of [safetensors, json]) {
      assert.equal(result.status, 1, result.stdout);
      assert.match(result.stderr, /weights\.json: not valid JSON, perhaps cut short/);
    }
    assert.equal(existsSync(join(root, out('cut.json'))), false, 'nothing written');
    assert.equal(existsSync(join(root, out('cut.safetensors'))), false);
    assert.equal(metrics.status, 1);
    assert.match(metrics.stderr, /metrics\.jsonl: no such file; the run recorded no metrics to export/);
    assert.equal(existsSync(join(root, out('none.csv'))), false);
  });

  test('train --json prints one JSON object per line for every run of a sweep', async () => {
    const runs = runsDir('sweep-runs');
    const result = await cli('train', sweep, '--json', '--runs', runs, '--backend', 'cpu');
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; summary?: RunSummary });
    const types = lines.map((line) => line.type);
    assert.equal(types.filter((type) => type === 'run').length, 2);
    assert.equal(types.filter((type) => type === 'start').length, 2);
    assert.equal(types.filter((type) => type === 'epoch').length, 2);
    assert.equal(types.filter((type) => type === 'end').length, 2);
    assert.equal(types[0], 'run');
    const summaries = lines
      .filter((line) => line.type === 'summary')
      .map((line) => line.summary!)
      .sort((a, b) => a.sweep!.group!.index - b.sweep!.group!.index);
    assert.deepEqual(
      summaries.map((summary) => [summary.status, summary.sweep?.assignments]),
      [
        ['completed', { 'model.cell': 'rnn' }],
        ['completed', { 'model.cell': 'lstm' }],
      ],
    );
    const stored = listRuns(experimentDir(runs, sweep));
    assert.equal(stored.length, 2);
    const groups = stored.map((summary) => summary.sweep?.group);
    assert.ok(groups[0]?.id && groups[0].id === groups[1]?.id, 'both runs record one sweep group');
    assert.deepEqual(groups.map((group) => [group?.index, group?.count]).sort(), [
      [0, 2],
      [1, 2],
    ]);
  });

  test('train --parallel 2 trains two sweep points at once, --parallel 1 one after the other', async () => {
    const points = writeSpec('parallel.rnn.json', {
      ...tinySpec,
      name: 'parallel',
      data: { type: 'sine', samples: 400, seqLength: 20 },
      // Long enough (a few seconds) that the second point starts while the first trains.
      training: { epochs: 100, batchSize: 4 },
      sweep: { 'model.cell': ['rnn', 'gru'] },
    });
    const spans = async (parallel: string): Promise<{ start: number; end: number }[]> => {
      const runs = runsDir(`parallel-${parallel}`);
      const result = await cli('train', points, '--parallel', parallel, '--runs', runs, '--backend', 'cpu');
      assert.equal(result.status, 0, result.stderr);
      const stored = listRuns(experimentDir(runs, points)).sort((a, b) => a.sweep!.group!.index - b.sweep!.group!.index);
      assert.deepEqual(
        stored.map((summary) => [summary.status, summary.sweep?.assignments]),
        [
          ['completed', { 'model.cell': 'rnn' }],
          ['completed', { 'model.cell': 'gru' }],
        ],
      );
      return stored.map((summary) => ({ start: Date.parse(summary.startedAt), end: Date.parse(summary.endedAt!) }));
    };
    const [first, second] = await spans('2');
    assert.ok(first.start <= second.start, 'the points start in sweep order');
    assert.ok(second.start < first.end && first.start < second.end, `with --parallel 2 the points overlap: ${JSON.stringify([first, second])}`);
    const [one, two] = await spans('1');
    assert.ok(one.end <= two.start, `with --parallel 1 the second point starts after the first ended: ${JSON.stringify([one, two])}`);
  });

  test('train --parallel must be a positive whole number', async () => {
    const result = await cli('train', sweep, '--parallel', '0');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--parallel must be a positive whole number/);
  });

  test("train prints the doctor's findings; doctor recomputes them for any run folder, one recorded before the doctor too", async () => {
    const diverging = writeSpec('diverging.rnn.json', {
      ...tinySpec,
      name: 'diverging',
      data: { type: 'sine', samples: 200, seqLength: 10 },
      training: { epochs: 3, learningRate: 10 },
    });
    const trained = await cli('train', diverging, '--runs', runsDir('doctor'));
    assert.equal(trained.status, 1, trained.stderr);
    assert.match(
      trained.stdout,
      /Doctor: 1 finding\n {2}error diverged \(epoch 1\): Diverged at epoch 1, step \d+, at learning rate 10: the validation loss grew to/,
    );
    assert.match(trained.stdout, /fix: Lower training\.learningRate to 1 \(× 0\.1\)/);
    const [run] = listRuns(experimentDir(runsDir('doctor'), diverging));
    const runDir = join(experimentDir(runsDir('doctor'), diverging), run.id);
    assert.deepEqual(
      run.findings?.map((f) => f.code),
      ['diverged'],
    );
    // As a run recorded before the doctor: no finding events, no findings in the summary.
    const metricsPath = join(runDir, RUN_FILES.metrics);
    writeFileSync(
      metricsPath,
      readFileSync(metricsPath, 'utf8')
        .split('\n')
        .filter((line) => !line.includes('"type":"finding"'))
        .join('\n'),
    );
    const summaryPath = join(runDir, RUN_FILES.summary);
    const { findings: _dropped, ...oldSummary } = JSON.parse(readFileSync(summaryPath, 'utf8')) as RunSummary;
    writeFileSync(summaryPath, JSON.stringify(oldSummary));
    const json = await cli('doctor', runDir, '--json');
    assert.equal(json.status, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { findings: { code: string; severity: string; fixes: { path: string; value: unknown }[] }[] };
    assert.deepEqual(
      parsed.findings.map((f) => [f.code, f.severity]),
      [['diverged', 'error']],
    );
    assert.deepEqual(parsed.findings[0].fixes[0], { path: 'training.learningRate', value: 1, label: 'Lower training.learningRate to 1 (× 0.1)' });
    const text = await cli('doctor', runDir);
    assert.match(text.stdout, /^Doctor: 1 finding\n {2}error diverged/);
    const notRun = await cli('doctor', work);
    assert.equal(notRun.status, 1);
    assert.match(notRun.stderr, /is not a run folder/);
  });

  test('verify-reference passes on the PyTorch reference and fails (exit 1) on a tampered copy', async () => {
    const golden = join('test', 'fixtures', 'golden', 'rnn.json');
    const reference = JSON.parse(readFileSync(join(root, golden), 'utf8')) as { output: number[][][] };
    reference.output[0][0][0] += 1e-3;
    const tampered = join(work, 'tampered.json');
    writeFileSync(join(root, tampered), JSON.stringify(reference));
    const [passing, failing] = await Promise.all([cli('verify-reference', golden, '--backend', 'cpu'), cli('verify-reference', tampered, '--backend', 'cpu')]);
    assert.equal(passing.status, 0, passing.stderr);
    assert.match(passing.stdout, new RegExp(`${golden.replaceAll('.', '\\.')}: passed\n`));
    assert.match(passing.stdout, /^output +\S+ +ok$/m);
    assert.equal(failing.status, 1);
    assert.match(failing.stdout, /^output +1\.00e-3 +FAIL$/m);
  });

  test('Ctrl-C stops training cleanly: exit 130, the run kept as stopped with its weights', async () => {
    const runs = runsDir('long-runs');
    const { child, finished } = startCli('train', long, '--json', '--runs', runs, '--backend', 'cpu');
    let seen = '';
    const interruptAtFirstStep = (chunk: string): void => {
      seen += chunk;
      if (seen.includes('"type":"step"')) {
        child.stdout.off('data', interruptAtFirstStep);
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', interruptAtFirstStep);
    const result = await finished;
    assert.equal(result.status, 130, result.stderr);
    assert.match(result.stderr, /Stopping after the current step/);
    const [summary] = listRuns(experimentDir(runs, long));
    assert.equal(summary.status, 'stopped');
    assert.ok(summary.epochsDone < 500);
    assert.ok(existsSync(join(experimentDir(runs, long), summary.id, RUN_FILES.weights)));
    const last = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { type: string; summary: RunSummary };
    assert.equal(last.type, 'summary');
    assert.equal(last.summary.status, 'stopped');
  });

  test('SIGTERM and SIGHUP stop like Ctrl-C; train --resume continues the run in its folder and its curve goes on', async () => {
    const resumable = writeSpec('resumable.rnn.json', {
      ...tinySpec,
      name: 'resumable',
      data: { type: 'sine', samples: 400, seqLength: 20 },
      training: { epochs: 3, batchSize: 4 },
    });
    const runs = runsDir('resumable-runs');
    const stopAfterFirstEpoch = async (signal: NodeJS.Signals): Promise<{ result: CliResult; runDir: string }> => {
      const { child, finished } = startCli('train', resumable, '--json', '--runs', runs, '--backend', 'cpu');
      let seen = '';
      const onData = (chunk: string): void => {
        seen += chunk;
        if (seen.includes('"type":"epoch"')) {
          child.stdout.off('data', onData);
          child.kill(signal);
        }
      };
      child.stdout.on('data', onData);
      const result = await finished;
      const runLine = JSON.parse(result.stdout.split('\n')[0]) as { runDir: string };
      return { result, runDir: runLine.runDir };
    };
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      const { result, runDir } = await stopAfterFirstEpoch(signal);
      assert.equal(result.status, 130, `${signal}: ${result.stderr}`);
      assert.match(result.stderr, /Stopping after the current step/);
      const run = readRun(runDir);
      assert.equal(run.summary.status, 'stopped', signal);
      assert.equal(run.hasWeights, true, signal);
      assert.ok(existsSync(join(runDir, RUN_FILES.checkpoint)), signal);
    }

    const [stopped] = listRuns(experimentDir(runs, resumable)).slice(-1);
    const runDir = join(experimentDir(runs, resumable), stopped.id);
    const wrongSpec = await cli('train', tiny, '--resume', runDir, '--runs', runs);
    assert.equal(wrongSpec.status, 1);
    assert.match(wrongSpec.stderr, /is not a run of .*tiny\.rnn\.json/);

    const resumed = await cli('train', resumable, '--resume', runDir, '--runs', runs, '--backend', 'cpu');
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, /epoch 3\/3/);
    const run = readRun(runDir);
    assert.equal(run.summary.status, 'completed');
    assert.equal(run.summary.epochsDone, 3);
    const steps = run.metrics.flatMap((event) => (event.type === 'step' ? [event.step] : []));
    const perEpoch = run.metrics.find((event): event is StartEvent => event.type === 'start')!.stepsPerEpoch;
    assert.deepEqual(
      steps,
      Array.from({ length: 3 * perEpoch }, (_, i) => i + 1),
      'every step once, in order',
    );
    assert.deepEqual(
      run.metrics.flatMap((event) => (event.type === 'epoch' ? [event.epoch] : [])),
      [1, 2, 3],
    );
    const again = await cli('train', resumable, '--resume', runDir, '--runs', runs);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /completed: there is nothing to resume/);
  });
});
