/** `rnn-lab runs SPEC`: the recorded runs of a spec, newest first. */
import { defaultRunsRoot } from '../engine/runs/layout';
import { specRunsDir } from '../engine/runs/legacyRuns';
import { listRuns } from '../engine/runs/runReader';
import type { RunSummary } from '../engine/runs/summary';
import { formatAge, formatCount, formatDuration, formatValue } from '../engine/format';
import { formatTable } from './format';
import { EXIT, parseCommandArgs, UsageError } from './usage';

export function runsCommand(args: string[]): number {
  const { values, positionals } = parseCommandArgs(args, { runs: { type: 'string' } });
  if (positionals.length !== 1) {
    throw new UsageError('runs takes exactly one spec file');
  }
  const specPath = positionals[0];
  const dir = specRunsDir(values.runs ?? defaultRunsRoot(specPath), specPath);
  const summaries = listRuns(dir);
  if (summaries.length === 0) {
    process.stdout.write(`No runs yet in ${dir}\n`);
    return EXIT.ok;
  }
  const now = Date.now();
  const rows = summaries.map((summary) => [
    summary.id,
    summary.rebuilt ? `${summary.status}, rebuilt from metrics` : summary.status,
    summary.bestValidationLoss === undefined ? '-' : `${formatValue(summary.bestValidationLoss)} @${formatCount(summary.bestEpoch)}`,
    formatValue(summary.lastValidationLoss),
    formatDuration(summary.durationMs),
    formatAge(now - Date.parse(summary.startedAt)),
    engineLabel(summary),
    summary.sweep?.label || '-',
  ]);
  const header = ['run', 'status', 'best val', 'last val', 'duration', 'age', 'engine', 'sweep'];
  process.stdout.write(`${formatTable(header, rows, new Set([2, 3, 4]))}\n`);
  return EXIT.ok;
}

/** `kernels`, `tfjs`, or for a run of train.py `pytorch cuda:0 ×2`: its device and process count. */
function engineLabel(summary: RunSummary): string {
  if (summary.engine !== 'pytorch') return summary.engine ?? '-';
  const device = (summary.device ?? '').split(' (')[0];
  return `pytorch${device ? ` ${device}` : ''}${(summary.worldSize ?? 1) > 1 ? ` ×${summary.worldSize}` : ''}`;
}
