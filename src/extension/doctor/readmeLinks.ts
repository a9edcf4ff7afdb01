/** Each doctor code's section of the README: the target of a diagnostic's code link (the README opened at that heading's line). */
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { FindingCode } from '../../engine/doctor/types';

export class ReadmeLinks {
  private readonly lines: string[];

  constructor(private readonly readme: vscode.Uri) {
    try {
      this.lines = readFileSync(readme.fsPath, 'utf8').split('\n');
    } catch {
      this.lines = [];
    }
  }

  /** The README at the code's `#### \`code\`` heading (its top when the heading is missing). */
  target(code: FindingCode): vscode.Uri {
    const line = this.lines.findIndex((text) => text.startsWith('#### ') && text.includes(`\`${code}\``));
    return line < 0 ? this.readme : this.readme.with({ fragment: `L${line + 1}` });
  }
}
