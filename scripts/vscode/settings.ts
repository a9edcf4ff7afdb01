/** VS Code user settings for the sessions started here. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** No start-up page, prompts, notifications or update checks. */
export const QUIET_USER_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.openRepositoryInParentFolders': 'never',
  // With workspace trust on, a new folder opens in restricted mode instead of behind a modal dialog.
  'security.workspace.trust.startupPrompt': 'never',
};

/** Writes the user settings of a user data folder, unless it has some already. */
export function writeUserSettings(userDataDir: string, settings: Record<string, unknown>): void {
  const file = join(userDataDir, 'User', 'settings.json');
  if (existsSync(file)) return;
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(file, JSON.stringify(settings, null, 2));
}
