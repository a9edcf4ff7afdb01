/** `rnn-lab runs SPEC`: the recorded runs of a spec, newest first. */
import { defaultRunsRoot } from '../engine/runs/layout';
import { specRunsDir } from '../engine/runs/legacyRuns';
import { listRuns } from '../engine/runs/runReader';
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
    summary.sweep?.label || '-',
  ]);
  const header = ['run', 'status', 'best val', 'last val', 'duration', 'age', 'sweep'];
  process.stdout.write(`${formatTable(header, rows, new Set([2, 3, 4]))}\n`);
  return EXIT.ok;
}
