/** The folder VS Code loads RNN Lab from as an extension under development. */
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_SERVER_CACHE, REPO_ROOT } from './paths';

/**
 * Fills `dir` with links to the repository's top-level files and folders, except code-server's,
 * and returns it. The repository itself cannot be the development extension's folder: VS Code
 * takes the themes found below that folder for the extension's own and applies them, and
 * code-server's built-in themes are below it, in `.code-server/`.
 */
export function linkDevelopmentExtension(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(REPO_ROOT)) {
    const path = join(REPO_ROOT, entry);
    if (path !== CODE_SERVER_CACHE && entry !== '.git') symlinkSync(path, join(dir, entry));
  }
  return dir;
}
