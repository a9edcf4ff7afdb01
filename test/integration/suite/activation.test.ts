/** The extension activates in a workspace with experiment files and registers its commands. */
import assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { contributes, name, publisher } from '../../../package.json';

const EXTENSION_ID = `${publisher}.${name}`;

suite('activation', () => {
  test('the extension activates without an error', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  test('every command of the manifest is registered', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributes.commands.map((command) => command.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, []);
  });
});
