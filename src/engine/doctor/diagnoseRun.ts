/**
 * The doctor on a recorded run: replays a run folder's metrics and probes, in the order they
 * happened, through the same rules as a live run. Works for runs recorded before the doctor.
 */
import type { TrainEvent } from '../events';
import { iterateProbes, readRun } from '../runs/runReader';
import { Doctor } from './doctor';
import type { Finding } from './types';

export interface RunDiagnosis {
  findings: Finding[];
  /** What was wrong with the run's files, in words. */
  problems: string[];
}

export function diagnoseRunFolder(runDir: string): RunDiagnosis {
  const record = readRun(runDir);
  if (!record.spec) {
    throw new Error(`${runDir} is not a run folder: its spec.json is missing or unreadable`);
  }
  const doctor = new Doctor(record.spec.spec);
  const probes = new Map<number, TrainEvent>();
  for (const probe of iterateProbes(runDir)) {
    probes.set(probe.epoch, probe);
  }
  let ended = false;
  for (const event of record.metrics) {
    if (event.type === 'end') {
      doctor.finish(event);
      ended = true;
      continue;
    }
    doctor.observe(event);
    // A probe is recorded right after its epoch, in its own file.
    const probe = event.type === 'epoch' ? probes.get(event.epoch) : undefined;
    if (probe) doctor.observe(probe);
  }
  if (!ended) doctor.finish();
  return { findings: doctor.findings, problems: record.problems };
}
