/** The starter specs of "New experiment…": every one validates as written, comments and all. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { readTable, userDataFile } from '../../src/engine/data/files';
import { checkSpecText } from '../../src/engine/spec/load';
import {
  BUILTIN_CHOICES,
  guessTextFields,
  numericFields,
  renderTemplate,
  SPEC_TEMPLATES,
  freeSpecFileName,
  specFileName,
  type TemplateOptions,
} from '../../src/engine/spec/templates';

const resourcesDir = resolve(__dirname, '../../media');
const examples = resolve(__dirname, '../../examples');
const scratch = mkdtempSync(join(tmpdir(), 'rnn-templates-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The errors of a template's text checked as a spec file in `dir`. */
function errors(text: string, dir = examples): string[] {
  return checkSpecText(text, { specPath: join(dir, 'new.rnn.json'), resourcesDir })
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.line}: ${d.message}`);
}

/** Options that fit each task, with the example data files. */
function optionsFor(task: string): TemplateOptions {
  switch (task) {
    case 'csv': {
      const table = readTable(userDataFile('data/seattle-weather.csv', examples));
      return { name: 'weather', dataPath: 'data/seattle-weather.csv', target: numericFields(table).at(-1) };
    }
    case 'text':
      return { name: 'moby', dataPath: 'data/moby-dick-chapters-1-3.txt' };
    case 'labeled-text': {
      const table = readTable(userDataFile('data/restaurant-reviews.csv', examples));
      return { name: 'reviews', dataPath: 'data/restaurant-reviews.csv', ...guessTextFields(table.fields) };
    }
    default:
      return { name: `new ${task}` };
  }
}

describe('spec templates', () => {
  for (const template of SPEC_TEMPLATES) {
    test(`${template.label}: a commented spec without errors`, () => {
      const text = renderTemplate(template.task, optionsFor(template.task));
      assert.match(text, /^\s*\/\/ /m, 'it has comments');
      assert.deepEqual(errors(text), []);
      const spec = checkSpecText(text, { specPath: join(examples, 'new.rnn.json'), resourcesDir }).spec;
      assert.equal(spec?.data.type, template.task === 'builtin' ? 'builtin' : template.task);
    });
  }

  test('every built-in data set', () => {
    for (const { name } of BUILTIN_CHOICES) {
      assert.deepEqual(errors(renderTemplate('builtin', { name: 'b', builtin: name })), [], name);
    }
  });

  test('a name with quotes is written as valid JSON', () => {
    const text = renderTemplate('sine', { name: 'say "hi" \\ there' });
    assert.deepEqual(errors(text), []);
    assert.equal(checkSpecText(text, { specPath: join(examples, 'x.rnn.json'), resourcesDir }).spec?.name, 'say "hi" \\ there');
  });

  test('file tasks need their file settings', () => {
    assert.throws(() => renderTemplate('csv', { name: 'x', dataPath: 'a.csv' }), /needs target/);
    assert.throws(() => renderTemplate('labeled-text', { name: 'x' }), /needs dataPath and textField and labelField/);
  });

  test('column guesses: numeric columns, text and label fields', () => {
    mkdirSync(join(scratch, 'data'), { recursive: true });
    writeFileSync(join(scratch, 'data', 'mixed.csv'), 'date,temp,city,rain\n2020-01-01,3.5,Oslo,0\n2020-01-02,-1,Oslo,2.5\n');
    const table = readTable(userDataFile('data/mixed.csv', scratch));
    assert.deepEqual(numericFields(table), ['temp', 'rain']);
    assert.deepEqual(guessTextFields(['id', 'body', 'stars']), { textField: 'id', labelField: 'stars' });
    assert.deepEqual(guessTextFields(['Label', 'Text']), { textField: 'Text', labelField: 'Label' });
    assert.equal(guessTextFields(['only']), undefined);
  });

  test('file names from experiment names', () => {
    assert.equal(specFileName('Sine wave'), 'sine-wave.rnn.json');
    assert.equal(specFileName('***'), 'experiment.rnn.json');
  });

  test('a proposed file name is never an existing one', () => {
    const taken = new Set(['sine.rnn.json', 'sine-2.rnn.json']);
    assert.equal(
      freeSpecFileName('sine.rnn.json', (name) => taken.has(name)),
      'sine-3.rnn.json',
    );
    assert.equal(
      freeSpecFileName('adding.rnn.json', (name) => taken.has(name)),
      'adding.rnn.json',
    );
    assert.equal(
      freeSpecFileName('seattle-weather', (name) => taken.has(name)),
      'seattle-weather.rnn.json',
    );
  });
});
