/**
 * `npm run bench -- --doctor`: what the training doctor costs. Each shipped example (each run of
 * its sweep) trains with the doctor and without it, in turns; the doctor's own time is measured
 * by replaying the recorded events through it, the same calls a live run makes.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Doctor } from '../../src/engine/doctor/doctor';
import type { TrainEvent } from '../../src/engine/events';
import { runExperiment } from '../../src/engine/runExperiment';
import { loadSpecFile } from '../../src/engine/spec/load';
import { expandSweep } from '../../src/engine/spec/sweep';
import type { ExperimentSpec } from '../../src/engine/spec/types';
import { spread } from './method';

const ROOT = resolve(__dirname, '../..');

interface DoctorCase {
  name: string;
  spec: ExperimentSpec;
  specPath: string;
}

export interface DoctorCost {
  name: string;
  /** Median wall time of a run with the doctor and without it, in ms. */
  withDoctorMs: number;
  withoutDoctorMs: number;
  /** The doctor's own time over a whole run, replayed, in ms. */
  doctorMs: number;
}

function exampleCases(only: string[] | undefined): DoctorCase[] {
  const examples = join(ROOT, 'examples');
  return readdirSync(examples)
    .filter((file) => file.endsWith('.rnn.json') && (only === undefined || only.some((name) => file.startsWith(name))))
    .sort()
    .flatMap((file) => {
      const specPath = join(examples, file);
      const spec = loadSpecFile(specPath, join(ROOT, 'media')).spec;
      if (!spec) throw new Error(`${file} does not validate`);
      return expandSweep(spec).map((point) => ({ name: point.label ? `${file} ${point.label}` : file, spec: point.spec, specPath }));
    });
}

async function timedRun(item: DoctorCase, doctor: boolean, runsRoot: string, events?: TrainEvent[]): Promise<number> {
  const started = performance.now();
  await runExperiment({
    spec: item.spec,
    specPath: item.specPath,
    runsRoot,
    backend: 'auto',
    resourcesDir: join(ROOT, 'media'),
    doctor,
    onEvent: events ? (event) => event.type !== 'finding' && events.push(event) : undefined,
  });
  return performance.now() - started;
}

/** The doctor's time for a whole run: every event fed to it, as `runExperiment` does. */
function replay(spec: ExperimentSpec, events: TrainEvent[]): number {
  const started = performance.now();
  const doctor = new Doctor(spec);
  for (const event of events) {
    if (event.type === 'end') doctor.finish(event);
    else doctor.observe(event);
  }
  return performance.now() - started;
}

export async function measureDoctorCost(rounds: number, only?: string[]): Promise<DoctorCost[]> {
  const runsRoot = mkdtempSync(join(tmpdir(), 'rnn-lab-bench-doctor-'));
  try {
    const costs: DoctorCost[] = [];
    for (const item of exampleCases(only)) {
      const withDoctor: number[] = [];
      const withoutDoctor: number[] = [];
      const replays: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const events: TrainEvent[] = [];
        withoutDoctor.push(await timedRun(item, false, runsRoot, events));
        withDoctor.push(await timedRun(item, true, runsRoot));
        replays.push(replay(item.spec, events));
      }
      costs.push({ name: item.name, withDoctorMs: spread(withDoctor).median, withoutDoctorMs: spread(withoutDoctor).median, doctorMs: spread(replays).median });
      const last = costs.at(-1) as DoctorCost;
      console.log(
        `${last.name}: ${last.withoutDoctorMs.toFixed(0)} ms without, ${last.withDoctorMs.toFixed(0)} ms with, doctor ${last.doctorMs.toFixed(2)} ms`,
      );
    }
    return costs;
  } finally {
    rmSync(runsRoot, { recursive: true, force: true });
  }
}

/** The Markdown table of the costs. */
export function doctorCostTable(costs: DoctorCost[]): string {
  const lines = [
    '| Run | without the doctor | with the doctor | the doctor itself | its share |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...costs.map(
      (c) =>
        `| ${c.name} | ${(c.withoutDoctorMs / 1000).toFixed(2)} s | ${(c.withDoctorMs / 1000).toFixed(2)} s | ${c.doctorMs.toFixed(1)} ms | ` +
        `${((c.doctorMs / c.withoutDoctorMs) * 100).toFixed(2)}% |`,
    ),
  ];
  return lines.join('\n');
}
