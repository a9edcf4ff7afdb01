/** Where the command line finds the files it ships with. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The package's `media/` folder (built-in datasets, the spec schema): one level above the
 * `dist/` bundle, or two above this file when run from source.
 */
export function resourcesDir(fromDir: string = __dirname): string {
  const candidates = [join(fromDir, '..', 'media'), join(fromDir, '..', '..', 'media')];
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0];
}
