/** `rnn-lab validate SPEC...`: report every problem of each spec, compiler style. */
import { describeEstimate } from '../engine/resources/estimate';
import { formatDiagnostic, loadSpecFile, type SpecLimits } from '../engine/spec/load';
import type { ExperimentSpec } from '../engine/spec/types';
import type { CliContext } from './context';
import { escapeControlCharacters } from './terminalText';
import { EXIT, LIMIT_OPTIONS, parseCommandArgs, specLimits, UsageError } from './usage';

/**
 * Loads and checks a spec, printing its diagnostics as `file:line:col severity: message`
 * with the path as given (and, with `verbose`, the resource estimate). Returns the spec when it has no errors.
 */
export function checkSpec(
  specPath: string,
  context: CliContext,
  stream: NodeJS.WritableStream,
  limits: SpecLimits = {},
  verbose = false,
): ExperimentSpec | undefined {
  const { spec, diagnostics, estimate } = loadSpecFile(specPath, context.resourcesDir, limits);
  for (const diagnostic of diagnostics) {
    stream.write(`${escapeControlCharacters(formatDiagnostic(specPath, diagnostic))}\n`);
  }
  if (verbose && estimate !== undefined) {
    stream.write(`${specPath}: memory: ${describeEstimate(estimate)}\n`);
  }
  return diagnostics.some((d) => d.severity === 'error') ? undefined : spec;
}

export function validateCommand(args: string[], context: CliContext): number {
  const { values, positionals } = parseCommandArgs(args, { verbose: { type: 'boolean', default: false }, ...LIMIT_OPTIONS });
  if (positionals.length === 0) {
    throw new UsageError('validate needs at least one spec file');
  }
  const limits = specLimits(values);
  let valid = true;
  for (const specPath of positionals) {
    if (checkSpec(specPath, context, process.stdout, limits, values.verbose)) {
      process.stdout.write(`${specPath}: ok\n`);
    } else {
      valid = false;
    }
  }
  return valid ? EXIT.ok : EXIT.failed;
}
