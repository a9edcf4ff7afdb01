/** `rnn-lab export-pytorch SPEC|RUN_FOLDER [--out DIR]`: a self-contained PyTorch project (train.py, data, initial weights). */
import { statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { defaultProjectDir, exportPytorchProject, exportRunProject, PROJECT_FILES, type ExportedProject } from '../engine/pytorch/exportProject';
import type { CliContext } from './context';
import { EXIT, parseCommandArgs, UsageError } from './usage';
import { checkSpec } from './validateCommand';

export function exportPytorchCommand(args: string[], context: CliContext): number {
  const { values, positionals } = parseCommandArgs(args, { out: { type: 'string' } });
  if (positionals.length !== 1) {
    throw new UsageError('export-pytorch takes exactly one spec file or run folder');
  }
  const source = positionals[0];
  let exported: ExportedProject;
  if (isFolder(source)) {
    // A run folder: its spec, with its final weights as the starting weights.
    exported = exportRunProject(source, values.out ?? `${basename(resolve(source))}-pytorch`, context.resourcesDir);
  } else {
    const spec = checkSpec(source, context, process.stderr);
    if (!spec) return EXIT.failed;
    exported = exportPytorchProject({ specPath: source, spec, outDir: values.out ?? defaultProjectDir(source), resourcesDir: context.resourcesDir });
  }
  const script = join(exported.outDir, PROJECT_FILES.script);
  process.stdout.write(
    `PyTorch project: ${exported.outDir}\n` +
      `  python3 ${script}                                   # train (CUDA when available)\n` +
      `  torchrun --standalone --nproc_per_node 2 ${script}  # DistributedDataParallel\n`,
  );
  return EXIT.ok;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
