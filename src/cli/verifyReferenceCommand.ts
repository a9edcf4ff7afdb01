/** `rnn-lab verify-reference FILE...`: compare an engine's cells with PyTorch reference values (fails beyond `REFERENCE_TOLERANCE`). */
import { initBackend } from '../engine/backend';
import { REFERENCE_TOLERANCE, verifyReferenceFile } from '../engine/verify/verifyReference';
import { formatTable } from './format';
import { backendPreference, engineKind, ENGINE_OPTIONS, EXIT, parseCommandArgs, UsageError } from './usage';

export async function verifyReferenceCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, ENGINE_OPTIONS);
  if (positionals.length === 0) {
    throw new UsageError('verify-reference needs at least one reference file');
  }
  const engine = engineKind(values.engine);
  const { backend, note } = await initBackend(backendPreference(values.backend));
  process.stdout.write(`Engine: ${engine}, backend: ${backend}${note ? ` (${note})` : ''}\n\n`);
  let passed = true;
  for (const file of positionals) {
    const result = verifyReferenceFile(file, engine);
    const rows = result.rows.map((row) => [row.quantity, row.maxAbsError.toExponential(2), row.maxAbsError <= REFERENCE_TOLERANCE ? 'ok' : 'FAIL']);
    passed &&= result.passed;
    process.stdout.write(`${file}: ${result.passed ? 'passed' : 'FAILED'}\n${formatTable(['quantity', 'max abs error', ''], rows, new Set([1]))}\n\n`);
  }
  return passed ? EXIT.ok : EXIT.failed;
}
