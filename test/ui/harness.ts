/**
 * Drives RNN Lab in a real VS Code for the UI tests: code-server with the extension (from the
 * build, or a packaged `.vsix` installed first) and a fresh copy of a workspace, in headless
 * Chromium, plus helpers for what the tests do there.
 *
 * Screenshots go to `.test-artifacts/ui/<session>/<step>.png`. With RNN_LAB_UPDATE_SCREENSHOTS=1
 * the ones marked for the README are also copied into `media/screenshots/`.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, type HeadlessBrowser } from '../../scripts/vscode/browser';
import { ensureCodeServer } from '../../scripts/vscode/codeServer';
import { linkDevelopmentExtension } from '../../scripts/vscode/developmentExtension';
import { REPO_ROOT, TEST_ARTIFACTS } from '../../scripts/vscode/paths';
import { installExtension, startCodeServer, workbenchUrl, type RunningCodeServer } from '../../scripts/vscode/server';
import { QUIET_USER_SETTINGS } from '../../scripts/vscode/settings';
import { TEST_GATE_ENV } from '../../src/engine/train/testGate';

const README_SCREENSHOTS = join(REPO_ROOT, 'media', 'screenshots');

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface VsCodeOptions {
  /** Names the session's artifacts folder. */
  name: string;
  /** A `.vsix` to install and use instead of the extension from the build (`dist/`). */
  vsix?: string;
  /** The folder copied as the workspace (its `.rnn/` runs left out); `examples/` by default. */
  workspaceFrom?: string;
}

/** A VS Code window in the browser; {@link VsCode.open} opens one. */
export class VsCode {
  private constructor(
    readonly page: Page,
    /** The workspace folder (a temporary copy). */
    readonly workspace: string,
    private readonly artifacts: string,
    private readonly gates: string,
    private readonly cleanUp: () => Promise<void>,
  ) {}

  /**
   * Holds every run of `experiment` (the spec's name) before its second epoch, and each later
   * one, until the returned function opens the gate (see `src/engine/train/testGate.ts`): a test
   * then sees the run training on any machine.
   */
  holdAtTestGate(experiment: string): () => void {
    const gate = join(this.gates, experiment);
    writeFileSync(gate, '');
    return () => rmSync(gate, { force: true });
  }

  /** Starts code-server and the browser, opens the workspace and waits for the workbench. */
  static async open(options: VsCodeOptions): Promise<VsCode> {
    const codeServer = ensureCodeServer();
    const temp = mkdtempSync(join(tmpdir(), `rnn-lab-ui-${options.name}-`));
    const artifacts = join(TEST_ARTIFACTS, 'ui', options.name);
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    const workspace = join(temp, 'workspace');
    cpSync(options.workspaceFrom ?? join(REPO_ROOT, 'examples'), workspace, {
      recursive: true,
      filter: (source) => basename(source) !== '.rnn',
    });
    const gates = join(temp, 'gates');
    mkdirSync(gates);
    const userDataDir = join(temp, 'user-data');
    const extensionsDir = join(temp, 'extensions');
    if (options.vsix !== undefined) installExtension(codeServer, options.vsix, userDataDir, extensionsDir);
    let server: RunningCodeServer | undefined;
    let browser: HeadlessBrowser | undefined;
    const cleanUp = async () => {
      await browser?.close();
      await server?.stop();
      rmSync(temp, { recursive: true, force: true });
    };
    try {
      server = await startCodeServer(codeServer, {
        workspace,
        userDataDir,
        extensionsDir,
        trustAllWorkspaces: true,
        userSettings: QUIET_USER_SETTINGS,
        env: { [TEST_GATE_ENV]: gates },
        logFile: join(artifacts, 'code-server.log'),
      });
      browser = await launchBrowser();
      const page = await browser.context.newPage();
      const url = workbenchUrl(server, {
        folder: workspace,
        extensionDevelopmentPath: options.vsix === undefined ? linkDevelopmentExtension(join(temp, 'extension')) : undefined,
      });
      await page.goto(url);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      // The explorer shows the workspace once the remote file system is connected.
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
      return new VsCode(page, workspace, artifacts, gates, cleanUp);
    } catch (error) {
      await cleanUp();
      throw error;
    }
  }

  /**
   * Opens the quick input (F1, which works wherever the focus is), types `value` and accepts the
   * entry labelled `label`. Early in a session the entry may not be there yet (the extension's
   * commands, the file index) and the list does not update: close it and try again.
   */
  private async pick(value: string, label: string, description = ''): Promise<void> {
    const input = this.page.locator('.quick-input-widget input.input');
    const focused = this.page
      .locator('.quick-input-list .monaco-list-row.focused', { hasText: description })
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await this.page.keyboard.press('F1');
        await input.fill(value, { timeout: 5000 });
        await focused.waitFor({ timeout: 3000 });
        await input.press('Enter');
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await this.page.keyboard.press('Escape');
      }
    }
  }

  /** Opens a workspace file with Quick Open and waits until its editor is active. */
  async openFile(relativePath: string): Promise<void> {
    const name = basename(relativePath);
    const folder = dirname(relativePath);
    await this.pick(relativePath, name, folder === '.' ? '' : folder);
    await this.page.locator(`.tab.active[aria-label^="${name}"]`).waitFor();
  }

  /** Runs a command by its title in the command palette (e.g. `RNN Lab: Train RNN`). */
  async runCommand(title: string): Promise<void> {
    await this.pick(`>${title}`, title);
  }

  /** The CodeLens links of the active editor, or only those whose text matches. */
  codeLenses(text?: string | RegExp): Locator {
    const links = this.page.locator('.editor-group-container.active .codelens-decoration a');
    return text === undefined ? links : links.filter({ hasText: text });
  }

  /**
   * Clicks the CodeLens link whose text matches, then moves the mouse off it: VS Code does not
   * redraw the CodeLens under the mouse.
   */
  async clickCodeLens(text: string | RegExp): Promise<void> {
    await this.codeLenses(text).click();
    const editor = await this.page.locator('.editor-group-container.active').boundingBox();
    if (editor !== null) await this.page.mouse.move(editor.x + editor.width / 2, editor.y + editor.height - 40);
  }

  /**
   * Saves a screenshot of the window as `<step>.png` in the session's artifacts folder and
   * returns its path. `readmeName` marks it for the README: with RNN_LAB_UPDATE_SCREENSHOTS=1
   * it is also copied to `media/screenshots/<readmeName>`.
   */
  async screenshot(step: string, readmeName?: string): Promise<string> {
    const path = join(this.artifacts, `${step}.png`);
    await this.page.screenshot({ path });
    if (readmeName !== undefined && process.env.RNN_LAB_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(README_SCREENSHOTS, { recursive: true });
      copyFileSync(path, join(README_SCREENSHOTS, readmeName));
    }
    return path;
  }

  /** Closes the browser and code-server and deletes the temporary workspace. */
  close(): Promise<void> {
    return this.cleanUp();
  }
}
