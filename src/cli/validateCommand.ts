/** `rnn-lab validate SPEC...`: report every problem of each spec, compiler style. */
import { formatDiagnostic, loadSpecFile } from '../engine/spec/load';
import type { ExperimentSpec } from '../engine/spec/types';
import type { CliContext } from './context';
import { EXIT, parseCommandArgs, UsageError } from './usage';

/**
 * Loads and checks a spec, printing its diagnostics as `file:line:col severity: message`
 * with the path as given. Returns the spec when it has no errors.
 */
export function checkSpec(specPath: string, context: CliContext, stream: NodeJS.WritableStream): ExperimentSpec | undefined {
  const { spec, diagnostics } = loadSpecFile(specPath, context.resourcesDir);
  for (const diagnostic of diagnostics) {
    stream.write(`${formatDiagnostic(specPath, diagnostic)}\n`);
  }
  return diagnostics.some((d) => d.severity === 'error') ? undefined : spec;
}

export function validateCommand(args: string[], context: CliContext): number {
  const { positionals } = parseCommandArgs(args, {});
  if (positionals.length === 0) {
    throw new UsageError('validate needs at least one spec file');
  }
  let valid = true;
  for (const specPath of positionals) {
    if (checkSpec(specPath, context, process.stdout)) {
      process.stdout.write(`${specPath}: ok\n`);
    } else {
      valid = false;
    }
  }
  return valid ? EXIT.ok : EXIT.failed;
}
