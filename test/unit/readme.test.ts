/** The README stays true: its spec reference is the schema's, and it names every command, setting and example. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { specReferenceMarkdown } from '../../src/engine/spec/reference';
import manifest from '../../package.json';

const ROOT = join(__dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('holds the spec reference exactly as generated from the schema', () => {
    assert.ok(readme.includes(specReferenceMarkdown()), 'regenerate the tables with specReferenceMarkdown()');
  });

  it('documents every command of the manifest', () => {
    for (const { command, title } of manifest.contributes.commands) {
      assert.ok(readme.includes(`**${title}** (\`${command}\`)`), `${title} (${command})`);
    }
  });

  it('documents every setting with its default', () => {
    for (const [key, setting] of Object.entries(manifest.contributes.configuration.properties)) {
      // An empty string default is written `""`.
      const shown = setting.default === '' ? '""' : String(setting.default);
      assert.ok(readme.includes(`| \`${key}\` | \`${shown}\` |`), key);
    }
  });

  it('lists every example', () => {
    for (const file of readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.rnn.json'))) {
      assert.ok(readme.includes(`\`${file}\``), file);
    }
  });

  it('gives the two set-up commands of the quick start', () => {
    assert.ok(readme.includes('npm install && npm start'));
    assert.ok(readme.includes('npm test'));
  });
});
