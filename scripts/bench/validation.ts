/**
 * `npm run bench:validation`: how long validating a spec takes, and the memory it takes, for a
 * spec beside a 20 MB and a 200 MB CSV and for a sweep of 100 × 100 × 100 = 10⁶ runs. Each case
 * runs in a process of its own, so that its peak resident memory is its own. A benchmark to run
 * by hand, not a test: the numbers depend on the machine.
 *
 * Options: --sizes 20,200 (CSV sizes in MB), --keep (leave the generated files).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '../../src/engine/data/load';
import { loadSpecFile } from '../../src/engine/spec/load';

const root = resolve(__dirname, '..', '..');
const resourcesDir = join(root, 'media');

interface Measurement {
  case: string;
  /** The first check in a fresh process (the schema compiled on the way), and a second one, as the editor repeats it while typing. */
  firstMs: number;
  againMs: number;
  peakResidentMb: number;
  result: string;
}

/** In the child: validate one spec (and with `full`, load its data as a run starts) twice and print the measurement. */
function measure(label: string, specPath: string, full: boolean): void {
  const once = (): { ms: number; result: string } => {
    const started = process.hrtime.bigint();
    const check = loadSpecFile(specPath, resourcesDir);
    let result = check.diagnostics.length === 0 ? 'ok' : check.diagnostics[0].message;
    if (full && check.spec) {
      const dataset = loadDataset(check.spec.data, { specDir: join(specPath, '..'), resourcesDir, seed: 1 });
      result = `loaded: ${dataset.description}`;
    }
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
  };
  const first = once();
  const again = once();
  const measurement: Measurement = {
    case: label,
    firstMs: first.ms,
    againMs: again.ms,
    peakResidentMb: process.resourceUsage().maxRSS / 1024,
    result: again.result,
  };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

/** A CSV of about `megabytes` MB: a date and four numeric columns. */
function writeCsv(path: string, megabytes: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, 'date,temp_max,temp_min,wind,precipitation\n');
    let written = 0;
    let row = 0;
    while (written < megabytes * 1024 * 1024) {
      const lines: string[] = [];
      for (let i = 0; i < 10000; i++, row++) {
        lines.push(`2012-01-${String((row % 28) + 1).padStart(2, '0')},${(row % 300) / 10},${(row % 170) / 10},${(row % 77) / 10},${(row % 13) / 10}`);
      }
      const chunk = `${lines.join('\n')}\n`;
      writeSync(fd, chunk);
      written += Buffer.byteLength(chunk);
    }
  } finally {
    closeSync(fd);
  }
}

function runCase(label: string, specPath: string, full = false): Measurement {
  const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--case', label, '--spec', specPath, ...(full ? ['--full'] : [])], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`${label}: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Measurement;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      case: { type: 'string' },
      spec: { type: 'string' },
      full: { type: 'boolean', default: false },
      sizes: { type: 'string', default: '20,200' },
      keep: { type: 'boolean', default: false },
    },
  });
  if (values.case !== undefined) {
    measure(values.case, values.spec!, values.full);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'rnn-bench-validation-'));
  const results: Measurement[] = [];
  try {
    const plain = join(dir, 'sine.rnn.json');
    writeFileSync(plain, JSON.stringify({ name: 'no data file', data: { type: 'sine' } }));
    results.push(runCase('validate, no data file (the fixed cost)', plain));
    for (const size of values.sizes.split(',').map(Number)) {
      const csv = join(dir, `weather-${size}mb.csv`);
      writeCsv(csv, size);
      const spec = join(dir, `csv-${size}mb.rnn.json`);
      writeFileSync(spec, JSON.stringify({ name: `csv ${size} MB`, data: { type: 'csv', path: csv, target: 'temp_max', window: 24 } }));
      const actual = (statSync(csv).size / 1024 / 1024).toFixed(0);
      results.push(runCase(`validate, ${actual} MB CSV`, spec));
      if (size <= 20) results.push(runCase(`validate and load the data as a run starts, ${actual} MB CSV`, spec, true));
    }
    const values100 = Array.from({ length: 100 }, (_, i) => i + 1);
    const sweep = join(dir, 'sweep.rnn.json');
    writeFileSync(
      sweep,
      JSON.stringify({
        name: 'sweep 10^6',
        data: { type: 'sine' },
        sweep: { 'model.hiddenSize': values100, 'training.epochs': values100, 'training.batchSize': values100 },
      }),
    );
    results.push(runCase('validate, sweep of 100 × 100 × 100 runs', sweep));
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write('| Case | First check | Again | Peak resident memory | Result |\n| --- | ---: | ---: | ---: | --- |\n');
  for (const r of results) {
    const result = r.result.length > 90 ? `${r.result.slice(0, 89)}…` : r.result;
    const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    process.stdout.write(`| ${r.case} | ${seconds(r.firstMs)} | ${seconds(r.againMs)} | ${Math.round(r.peakResidentMb)} MB | ${result} |\n`);
  }
}

main();
