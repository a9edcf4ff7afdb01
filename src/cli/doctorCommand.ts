/** `rnn-lab doctor RUN_FOLDER [--json]`: the training doctor's findings for any recorded run, recomputed from its metrics and probes. */
import { diagnoseRunFolder } from '../engine/doctor/diagnoseRun';
import { formatFindings } from './findingsReport';
import { EXIT, parseCommandArgs, UsageError } from './usage';

export function doctorCommand(args: string[]): number {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean', default: false } });
  if (positionals.length !== 1) {
    throw new UsageError('doctor takes exactly one run folder');
  }
  const { findings, problems } = diagnoseRunFolder(positionals[0]);
  for (const problem of problems) {
    process.stderr.write(`warning: ${problem}\n`);
  }
  process.stdout.write(values.json ? `${JSON.stringify({ findings })}\n` : `${formatFindings(findings).join('\n')}\n`);
  return EXIT.ok;
}
