/** `rnn-lab verify-reference FILE...`: compare the engine with PyTorch reference values (fails beyond `REFERENCE_TOLERANCE`). */
import { initBackend } from '../engine/backend';
import { REFERENCE_TOLERANCE, verifyReferenceFile } from '../engine/reference';
import { formatTable } from './format';
import { BACKEND_OPTION, backendPreference, EXIT, parseCommandArgs, UsageError } from './usage';

export async function verifyReferenceCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, BACKEND_OPTION);
  if (positionals.length === 0) {
    throw new UsageError('verify-reference needs at least one reference file');
  }
  const { backend, note } = await initBackend(backendPreference(values.backend));
  process.stdout.write(`Backend: ${backend}${note ? ` (${note})` : ''}\n\n`);
  let passed = true;
  for (const file of positionals) {
    const result = verifyReferenceFile(file);
    const rows = result.rows.map((row) => [row.quantity, row.maxAbsError.toExponential(2), row.maxAbsError <= REFERENCE_TOLERANCE ? 'ok' : 'FAIL']);
    passed &&= result.passed;
    process.stdout.write(`${file}: ${result.passed ? 'passed' : 'FAILED'}\n${formatTable(['quantity', 'max abs error', ''], rows, new Set([1]))}\n\n`);
  }
  return passed ? EXIT.ok : EXIT.failed;
}
