/** The folder VS Code loads RNN Lab from as an extension under development. */
import { symlinkSync } from 'node:fs';
import { REPO_ROOT } from './paths';

/**
 * Makes `link` a symbolic link to the repository and returns it, to be passed as the extension
 * development path. Not the repository's own path: VS Code applies the colour themes it finds
 * below the development path as the extension's own, and code-server's built-in themes are below
 * the repository, in `.code-server/`; it compares the paths as written, so a link keeps them
 * apart. A link to the whole folder, not a folder of links to its entries: the extension host
 * resolves links to find which extension a module belongs to, and `dist/extension.js` must be
 * below the extension's resolved folder, or VS Code names the extension's notifications and
 * API calls "Null Extension Description".
 */
export function linkDevelopmentExtension(link: string): string {
  symlinkSync(REPO_ROOT, link, 'dir');
  return link;
}
