import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { checkSpecText, formatDiagnostic, loadSpecFile, type SpecCheck } from '../../src/engine/spec/load';
import { specReferenceMarkdown } from '../../src/engine/spec/reference';
import { resolveRef, specSchema, type JsonSchema } from '../../src/engine/spec/schema';
import { expandSweep, specChecksum } from '../../src/engine/spec/sweep';
import type { ExperimentSpec } from '../../src/engine/spec/types';

const fixtures = resolve(__dirname, '../fixtures/specs');
const context = { specPath: join(fixtures, 'inline.rnn.json'), resourcesDir: fixtures };

function check(lines: string[]): SpecCheck {
  return checkSpecText(lines.join('\n'), context);
}

/** The diagnostics as "line:column severity: message", the form people see. */
function located(result: SpecCheck): string[] {
  return result.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity}: ${d.message}`);
}

function validSpec(lines: string[]): ExperimentSpec {
  const result = check(lines);
  assert.deepEqual(result.diagnostics, []);
  assert.ok(result.spec);
  return result.spec;
}

describe('resolving a spec', () => {
  test('a three-line spec resolves to a full spec with the schema defaults', () => {
    const spec = validSpec(['{', '  "name": "x", "data": {"type": "sine"}', '}']);
    assert.deepEqual(spec, {
      name: 'x',
      description: '',
      data: { type: 'sine', samples: 1000, seqLength: 50, noise: 0.05, horizon: 1, validationSplit: 0.2 },
      model: { cell: 'lstm', hiddenSize: 32, layers: 1, nonlinearity: 'tanh', dropout: 0, init: 'default', bidirectional: false, projSize: 0, bias: true },
      training: {
        epochs: 10,
        batchSize: 32,
        optimizer: 'adam',
        learningRate: 0.01,
        momentum: 0,
        clipNorm: 1,
        seed: 42,
        earlyStopping: null,
        weightDecay: null,
        schedule: null,
      },
      probe: { samples: 4, everyEpochs: 1, generateLength: 200, temperature: 0.8 },
    });
  });

  test('defaults come from the branch of the data type, and fill nested objects', () => {
    const spec = validSpec([
      '{"name": "x", "$schema": "./rnn-spec.schema.json",',
      ' "data": {"type": "csv", "path": "series.csv", "target": "temp"},',
      ' "training": {"earlyStopping": {}}}',
    ]);
    assert.deepEqual(spec.data, {
      type: 'csv',
      path: 'series.csv',
      target: 'temp',
      columns: [],
      window: 24,
      horizon: 1,
      validationSplit: 0.2,
    });
    assert.deepEqual(spec.training.earlyStopping, { patience: 5, metric: 'val_loss' });
    assert.equal('$schema' in spec, false);
  });

  test('written values win over defaults', () => {
    const spec = validSpec(['{"name": "x", "data": {"type": "copy", "delay": 100}, "model": {"cell": "gru"}}']);
    assert.equal(spec.data.type === 'copy' && spec.data.delay, 100);
    assert.equal(spec.model.cell, 'gru');
    assert.equal(spec.model.hiddenSize, 32);
  });

  test('comments and trailing commas are accepted', () => {
    const result = loadSpecFile(join(fixtures, 'commented.rnn.json'), fixtures);
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.spec?.data.type === 'sine' && result.spec.data.samples, 200);
    assert.deepEqual(result.spec?.sweep, { 'model.cell': ['rnn', 'lstm', 'gru'], 'training.learningRate': [0.01, 0.001] });
  });

  test('a byte-order mark at the start of the file is ignored', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rnn-spec-')), 'bom.rnn.json');
    writeFileSync(file, '\uFEFF{"name": "x", "data": {"type": "sine", "samples": 3}}');
    assert.deepEqual(located(loadSpecFile(file, fixtures)), ['1:51 error: data.samples must be at least 10 (got 3)']);
  });

  test('an unreadable file is a diagnostic, not an exception', () => {
    const result = loadSpecFile(join(fixtures, 'no-such.rnn.json'), fixtures);
    assert.equal(result.spec, undefined);
    assert.equal(result.diagnostics.length, 1);
    assert.match(result.diagnostics[0].message, /^cannot read the spec file: .*no-such\.rnn\.json/);
  });
});

describe('errors, each at its place', () => {
  test('JSONC syntax errors, all of them', () => {
    const result = check(['{', '  "name": "x"', '  "data": {"type": "sine"},', '  "model": {"cell": }', '}']);
    assert.equal(result.spec, undefined);
    assert.deepEqual(located(result), ['3:3 error: syntax error: comma expected', '4:21 error: syntax error: value expected']);
  });

  test('an empty file', () => {
    assert.deepEqual(located(check([''])), ['1:1 error: syntax error: value expected']);
  });

  test('unknown key, at the key, with a did-you-mean', () => {
    const result = check(['{', '  "name": "x",', '  "data": {"type": "sine"},', '  "model": {"hiddenSise": 64}', '}']);
    assert.deepEqual(located(result), ['4:13 error: unknown key "hiddenSise" in model; did you mean "hiddenSize"?']);
    assert.deepEqual(result.diagnostics[0].path, ['model', 'hiddenSise']);
    assert.equal(result.diagnostics[0].length, '"hiddenSise"'.length);
  });

  test('unknown key with nothing close lists the allowed keys of the data type', () => {
    const result = check(['{"name": "x",', ' "data": {"type": "adding", "window": 5}}']);
    assert.deepEqual(located(result), ['2:29 error: unknown key "window" in data; allowed keys: type, samples, seqLength, validationSplit']);
  });

  test('wrong type, at the value', () => {
    const result = check(['{', '  "name": "x",', '  "data": {"type": "sine"},', '  "model": {"hiddenSize": "64"}', '}']);
    assert.deepEqual(located(result), ['4:27 error: model.hiddenSize must be an integer (got "64")']);
    assert.deepEqual(result.diagnostics[0].path, ['model', 'hiddenSize']);
    assert.equal(result.diagnostics[0].length, 4);
  });

  test('value out of range', () => {
    const result = check(['{', '  "name": "x",', '  "data": {"type": "sine", "samples": 3}', '}']);
    assert.deepEqual(located(result), ['3:39 error: data.samples must be at least 10 (got 3)']);
  });

  test('exclusive bounds say so', () => {
    const result = check(['{"name": "x", "data": {"type": "sine"},', ' "training": {"learningRate": 0, "momentum": 1}}']);
    assert.deepEqual(located(result), [
      '2:31 error: training.learningRate must be greater than 0 (got 0)',
      '2:46 error: training.momentum must be less than 1 (got 1)',
    ]);
  });

  test('bad enum value lists the allowed values and suggests the closest', () => {
    const result = check(['{"name": "x", "data": {"type": "sine"},', ' "model": {"cell": "lstn"}}']);
    assert.deepEqual(located(result), ['2:20 error: model.cell must be one of "rnn", "lstm", "gru" (got "lstn"); did you mean "lstm"?']);
  });

  test('missing required key, at the parent key', () => {
    const result = check(['{', '  "name": "x",', '  "data": {"samples": 100}', '}']);
    assert.deepEqual(located(result), [
      '3:3 error: data is missing the required key "type" (one of "sine", "adding", "copy", "csv", "text", "labeled-text", "builtin")',
    ]);
    assert.deepEqual(result.diagnostics[0].path, ['data', 'type']);
  });

  test('missing required key at the top level, at the opening brace', () => {
    const result = check(['  {"data": {"type": "text"}}']);
    assert.deepEqual(located(result), ['1:3 error: the spec is missing the required key "name"', '1:4 error: data is missing the required key "path"']);
    assert.equal(result.diagnostics[0].length, 1);
  });

  test('a string that must follow a pattern uses the schema message', () => {
    const result = check(['{"name": "x", "data": {"type": "sine"}, "model": {"init": "weights.txt"}}']);
    assert.deepEqual(located(result), ['1:59 error: model.init must be "default", "identity" or the path of a .json weights file (got "weights.txt")']);
  });

  test('duplicate keys', () => {
    const result = check(['{"name": "x", "data": {"type": "sine"},', ' "model": {"cell": "gru", "cell": "rnn"}}']);
    assert.deepEqual(located(result), ['2:27 error: duplicate key "cell" in model']);
  });

  test('a non-object spec', () => {
    assert.deepEqual(located(check(['[1, 2]'])), ['1:1 error: the spec must be an object (got a list)']);
  });

  test('every error at once, in file order, one message per problem', () => {
    const result = check([
      '{',
      '  "name": "",',
      '  "data": {"type": "csv", "path": "series.csv", "window": 1, "colums": []},',
      '  "model": {"cell": "lstm", "layers": 9},',
      '  "training": {"optimizer": "adamax", "earlyStopping": {"metric": "loss"}},',
      '  "probe": {"temperature": "hot"}',
      '}',
    ]);
    assert.equal(result.spec, undefined);
    assert.deepEqual(located(result), [
      '2:11 error: name must not be empty',
      '3:3 error: data is missing the required key "target"',
      '3:59 error: data.window must be at least 2 (got 1)',
      '3:62 error: unknown key "colums" in data; did you mean "columns"?',
      '4:39 error: model.layers must be at most 8 (got 9)',
      '5:29 error: training.optimizer must be one of "adam", "adamw", "sgd", "rmsprop" (got "adamax"); did you mean "adam"?',
      '5:67 error: training.earlyStopping.metric must be one of "val_loss", "val_accuracy" (got "loss")',
      '6:28 error: probe.temperature must be a number (got "hot")',
    ]);
  });

  test('formatDiagnostic gives file:line:col severity: message', () => {
    const [diagnostic] = check(['{"name": "x", "data": {"type": "sine", "samples": 3}}']).diagnostics;
    assert.equal(formatDiagnostic('a.rnn.json', diagnostic), 'a.rnn.json:1:51 error: data.samples must be at least 10 (got 3)');
  });
});

describe('sweep checks', () => {
  test('a key that names no setting, with a did-you-mean, and a value the setting rejects', () => {
    const result = check([
      '{',
      '  "name": "x",',
      '  "data": {"type": "sine"},',
      '  "sweep": {',
      '    "model.cel": ["rnn", "gru"],',
      '    "training.learningRate": [0.01, -1]',
      '  }',
      '}',
    ]);
    assert.deepEqual(located(result), [
      '5:5 error: sweep key "model.cel" names no setting; did you mean "model.cell"?',
      '6:37 error: sweep value for training.learningRate must be greater than 0 (got -1)',
    ]);
    assert.deepEqual(result.diagnostics[1].path, ['sweep', 'training.learningRate', 1]);
  });

  test('sweep keys follow the data type', () => {
    const result = check([
      '{"name": "x", "data": {"type": "csv", "path": "series.csv", "target": "temp"},',
      ' "sweep": {"data.seqLength": [10], "data.windw": [10], "data.type": ["sine"]}}',
    ]);
    assert.deepEqual(located(result), [
      '2:12 error: sweep key "data.seqLength" names no setting; settings look like "model.cell" or "training.learningRate"',
      '2:36 error: sweep key "data.windw" names no setting; did you mean "data.window"?',
      '2:56 error: sweep key "data.type" cannot be swept: each data type has its own settings; write one spec per data type',
    ]);
  });

  test('sweep values are checked against the whole setting, nested keys included', () => {
    const result = check([
      '{"name": "x", "data": {"type": "sine"},',
      ' "sweep": {"training.earlyStopping": [null, {"patience": 0}], "model.cell": ["gru", "gru"], "probe.samples": []}}',
    ]);
    assert.deepEqual(located(result), [
      '2:58 error: sweep value for training.earlyStopping.patience must be at least 1 (got 0)',
      '2:85 error: sweep["model.cell"] lists "gru" more than once',
      '2:110 error: sweep["probe.samples"] must not be empty',
    ]);
  });

  test('a broken section is reported once, not again for its sweep keys', () => {
    const result = check(['{"name": "x", "data": {"type": "sin"}, "sweep": {"data.samples": [5]}}']);
    assert.equal(result.diagnostics.length, 1);
    assert.match(result.diagnostics[0].message, /^data\.type must be one of .*\(got "sin"\); did you mean "sine"\?$/);
  });
});

describe('data checks (files next to the spec)', () => {
  test('a missing data file names the resolved path, at data.path', () => {
    const result = check(['{"name": "x",', ' "data": {"type": "text", "path": "missing.txt"}}']);
    assert.equal(result.spec, undefined);
    assert.equal(result.diagnostics.length, 1);
    const [diagnostic] = result.diagnostics;
    assert.equal(`${diagnostic.line}:${diagnostic.column}`, '2:35');
    assert.deepEqual(diagnostic.path, ['data', 'path']);
    assert.ok(diagnostic.message.includes(join(fixtures, 'missing.txt')), diagnostic.message);
  });

  test('a CSV column that is not in the file, at the column', () => {
    const result = check(['{"name": "x", "data": {"type": "csv", "path": "series.csv",', ' "columns": ["temp", "presure"], "target": "temp"}}']);
    assert.equal(result.diagnostics.length, 1);
    const [diagnostic] = result.diagnostics;
    assert.equal(`${diagnostic.line}:${diagnostic.column}`, '2:22');
    assert.deepEqual(diagnostic.path, ['data', 'columns', 1]);
    assert.match(diagnostic.message, /presure/);
  });

  test('a setting left at its default that the data cannot meet is placed at the data key', () => {
    // short.txt has 53 characters; the default seqLength of 64 needs 65.
    const result = check(['{"name": "x",', ' "data": {"type": "text", "path": "short.txt"}}']);
    assert.equal(result.diagnostics.length, 1);
    assert.equal(`${result.diagnostics[0].line}:${result.diagnostics[0].column}`, '2:2');
    assert.deepEqual(result.diagnostics[0].path, ['data', 'seqLength']);
  });

  test('a problem that only a sweep value brings is placed at that value', () => {
    const result = check([
      '{"name": "x", "data": {"type": "text", "path": "short.txt", "seqLength": 8},',
      ' "training": {"batchSize": 1},',
      ' "sweep": {"data.seqLength": [4, 200, 16]}}',
    ]);
    assert.equal(result.spec, undefined);
    assert.equal(result.diagnostics.length, 1);
    const [diagnostic] = result.diagnostics;
    assert.equal(`${diagnostic.line}:${diagnostic.column}`, '3:34');
    assert.deepEqual(diagnostic.path, ['sweep', 'data.seqLength', 1]);
    assert.match(diagnostic.message, /^with data\.seqLength=200: /);
  });

  test('a problem of the first run at a swept setting is placed at its first value', () => {
    const result = check([
      '{"name": "x", "data": {"type": "text", "path": "short.txt"},',
      ' "training": {"batchSize": 1},',
      ' "sweep": {"data.seqLength": [200, 8]}}',
    ]);
    assert.equal(result.diagnostics.length, 1);
    const [diagnostic] = result.diagnostics;
    assert.equal(`${diagnostic.line}:${diagnostic.column}`, '3:31');
    assert.deepEqual(diagnostic.path, ['sweep', 'data.seqLength', 0]);
    assert.match(diagnostic.message, /^with data\.seqLength=200: /);
  });

  test('a good file spec passes and resolves', () => {
    const spec = validSpec(['{"name": "x", "data": {"type": "csv", "path": "series.csv", "target": "temp", "window": 8}}']);
    assert.equal(spec.data.type, 'csv');
  });
});

describe('warnings for settings with no effect', () => {
  test('nonlinearity without an rnn cell warns, and the spec is still usable', () => {
    const result = check(['{"name": "x", "data": {"type": "sine"},', ' "model": {"nonlinearity": "relu"}}']);
    assert.deepEqual(located(result), ['2:28 warning: model.nonlinearity has no effect: only the "rnn" cell uses it']);
    assert.ok(result.spec);
  });

  test('no warning when some run of the sweep uses the setting', () => {
    const result = check(['{"name": "x", "data": {"type": "sine"}, "model": {"nonlinearity": "relu"},', ' "sweep": {"model.cell": ["lstm", "rnn"]}}']);
    assert.deepEqual(result.diagnostics, []);
  });

  test('a swept setting that no run uses warns at the sweep key', () => {
    const result = check(['{"name": "x", "data": {"type": "sine"},', ' "sweep": {"training.momentum": [0, 0.9]}}']);
    assert.deepEqual(located(result), ['2:12 warning: training.momentum has no effect: only the sgd and rmsprop optimizers use it']);
  });
});

describe('model option checks', () => {
  test('a projection on a cell other than lstm is an error at model.projSize', () => {
    const result = check(['{"name": "x", "data": {"type": "sine"},', ' "model": {"cell": "gru", "hiddenSize": 8, "projSize": 4}}']);
    assert.deepEqual(located(result), ['2:56 error: model.projSize needs the "lstm" cell (PyTorch\'s proj_size is an LSTM option), not "gru"']);
    assert.equal(result.spec, undefined);
  });

  test('a projection not smaller than the hidden state is an error', () => {
    const result = check(['{"name": "x", "data": {"type": "sine"},', ' "model": {"hiddenSize": 8, "projSize": 8}}']);
    assert.deepEqual(located(result), ['2:41 error: model.projSize 8 must be smaller than model.hiddenSize 8 (PyTorch requires proj_size < hidden_size)']);
    assert.deepEqual(validSpec(['{"name": "x", "data": {"type": "sine"}, "model": {"hiddenSize": 8, "projSize": 7}}']).model.projSize, 7);
  });

  test('a sweep that brings a bad projection is placed at its key', () => {
    const result = check(['{"name": "x", "data": {"type": "sine"}, "model": {"hiddenSize": 8, "projSize": 4},', ' "sweep": {"model.cell": ["lstm", "rnn"]}}']);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.severity, d.path, d.line]),
      [['error', ['sweep', 'model.cell'], 2]],
    );
    assert.match(result.diagnostics[0].message, /^in the sweep over model\.cell: model\.projSize needs the "lstm" cell/);
  });

  test('a bidirectional character language model warns, and the spec is still usable', () => {
    const result = check([
      '{"name": "x", "data": {"type": "text", "path": "short.txt", "seqLength": 4},',
      ' "model": {"bidirectional": true}, "training": {"batchSize": 1}}',
    ]);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.severity, d.path]),
      [['warning', ['model', 'bidirectional']]],
    );
    assert.match(result.diagnostics[0].message, /reverse direction reads the characters it is asked to predict/);
    assert.ok(result.spec);
    assert.deepEqual(check(['{"name": "x", "data": {"type": "sine"}, "model": {"bidirectional": true}}']).diagnostics, []);
  });

  test('data.padding on a data set without texts has no effect', () => {
    const result = check(['{"name": "x",', ' "data": {"type": "builtin", "name": "co2", "padding": "left"}}']);
    assert.deepEqual(
      result.diagnostics.filter((d) => d.severity === 'warning').map((d) => [d.path, d.message]),
      [[['data', 'padding'], 'data.padding has no effect: only labelled texts (and the built-in sentiment) have texts of different lengths']],
    );
  });
});

describe('sweep expansion', () => {
  const spec = validSpec([
    '{"name": "grid", "data": {"type": "adding"}, "model": {"hiddenSize": 8},',
    ' "sweep": {"model.cell": ["rnn", "lstm"], "training.learningRate": [0.1, 0.01, 0.001]}}',
  ]);

  test('the grid has every combination, the last key varying fastest', () => {
    const runs = expandSweep(spec);
    assert.deepEqual(
      runs.map((run) => run.label),
      [
        'model.cell=rnn, training.learningRate=0.1',
        'model.cell=rnn, training.learningRate=0.01',
        'model.cell=rnn, training.learningRate=0.001',
        'model.cell=lstm, training.learningRate=0.1',
        'model.cell=lstm, training.learningRate=0.01',
        'model.cell=lstm, training.learningRate=0.001',
      ],
    );
    assert.deepEqual(runs[4].assignments, { 'model.cell': 'lstm', 'training.learningRate': 0.01 });
  });

  test('each run applies its assignments, keeps the rest, and has no sweep', () => {
    const { sweep: _sweep, ...base } = spec;
    for (const run of expandSweep(spec)) {
      assert.equal('sweep' in run.spec, false);
      assert.equal(run.spec.model.cell, run.assignments['model.cell']);
      assert.equal(run.spec.training.learningRate, run.assignments['training.learningRate']);
      assert.deepEqual(
        { ...run.spec, model: { ...run.spec.model, cell: base.model.cell }, training: { ...run.spec.training, learningRate: base.training.learningRate } },
        base,
      );
    }
  });

  test('no sweep gives one run with empty assignments', () => {
    const plain = validSpec(['{"name": "x", "data": {"type": "sine"}}']);
    const runs = expandSweep(plain);
    assert.equal(runs.length, 1);
    assert.deepEqual(runs[0].assignments, {});
    assert.equal(runs[0].label, '');
    assert.deepEqual(runs[0].spec, plain);
  });

  test('a swept nested setting gets the defaults of its object', () => {
    const runs = expandSweep(validSpec(['{"name": "x", "data": {"type": "sine"}, "sweep": {"training.earlyStopping.patience": [2, 3]}}']));
    assert.deepEqual(
      runs.map((run) => run.spec.training.earlyStopping),
      [
        { patience: 2, metric: 'val_loss' },
        { patience: 3, metric: 'val_loss' },
      ],
    );
  });

  test('a sweep built in code with an invalid value is rejected', () => {
    assert.throws(() => expandSweep({ ...spec, sweep: { 'model.hiddenSize': [0] } }), /model\.hiddenSize must be at least 1 \(got 0\)/);
  });
});

describe('spec checksum', () => {
  test('key order does not matter; a changed value changes it', () => {
    const a = validSpec(['{"name": "x", "data": {"type": "sine", "noise": 0.1}, "model": {"cell": "gru", "layers": 2}}']);
    const b = validSpec(['{"model": {"layers": 2, "cell": "gru"}, "data": {"noise": 0.1, "type": "sine"}, "name": "x"}']);
    const c = validSpec(['{"name": "x", "data": {"type": "sine", "noise": 0.2}, "model": {"cell": "gru", "layers": 2}}']);
    assert.match(specChecksum(a), /^[0-9a-f]{64}$/);
    assert.equal(specChecksum(a), specChecksum(b));
    assert.notEqual(specChecksum(a), specChecksum(c));
  });

  test('every run of a sweep has its own checksum', () => {
    const runs = expandSweep(validSpec(['{"name": "x", "data": {"type": "sine"}, "sweep": {"model.cell": ["rnn", "lstm", "gru"]}}']));
    assert.equal(new Set(runs.map((run) => specChecksum(run.spec))).size, 3);
  });
});

/** Every property schema in the spec schema, with its dotted location. */
function allProperties(): [string, JsonSchema][] {
  const found: [string, JsonSchema][] = [];
  const visit = (schema: JsonSchema, where: string): void => {
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      const resolved = resolveRef(property);
      found.push([`${where}${key}`, resolved]);
      visit(resolved, `${where}${key}.`);
    }
  };
  visit(specSchema, '');
  for (const [name, definition] of Object.entries(specSchema.definitions ?? {})) visit(definition, `definitions.${name}.`);
  return found;
}

describe('the schema', () => {
  test('every property has a description, and every setting a default', () => {
    const properties = allProperties();
    assert.ok(properties.length > 50);
    for (const [where, property] of properties) {
      assert.ok(property.description, `${where} has no description`);
      // `$schema` and `sweep` are not settings of a run: absent means none.
      if (where !== '$schema' && where !== 'sweep') assert.notEqual(property.default, undefined, `${where} has no default`);
    }
  });

  test('every number has bounds, and every default is valid for its property', () => {
    for (const [where, property] of allProperties()) {
      if (property.type === 'number' || property.type === 'integer') {
        assert.ok(property.minimum !== undefined || property.exclusiveMinimum !== undefined, `${where} has no lower bound`);
      }
      if (property.enum !== undefined) assert.ok(property.enum.includes(property.default), `${where}: default not allowed`);
      if (typeof property.default === 'number') {
        const value = property.default;
        assert.ok(property.minimum === undefined || value >= property.minimum, `${where}: default below minimum`);
        assert.ok(property.maximum === undefined || value <= property.maximum, `${where}: default above maximum`);
        assert.ok(property.exclusiveMinimum === undefined || value > property.exclusiveMinimum, `${where}: default too small`);
        assert.ok(property.exclusiveMaximum === undefined || value < property.exclusiveMaximum, `${where}: default too large`);
      }
    }
  });

  test('every data type has its branch, with no unknown keys allowed', () => {
    const types = resolveRef({ $ref: '#/definitions/dataType' }).enum as string[];
    const branches = specSchema.properties?.data.allOf ?? [];
    assert.deepEqual(
      branches.map((branch) => branch.if?.properties?.type.const),
      types,
    );
    for (const branch of branches) assert.equal(resolveRef(branch.then ?? {}).additionalProperties, false);
  });

  test('the file on disk is the schema the validator uses', () => {
    const onDisk = JSON.parse(readFileSync(resolve(__dirname, '../../media/rnn-spec.schema.json'), 'utf8')) as unknown;
    assert.deepEqual(onDisk, specSchema);
  });
});

describe('spec reference', () => {
  const markdown = specReferenceMarkdown();

  test('has a row for every setting, with its default and bounds', () => {
    assert.ok(markdown.includes('| `hiddenSize` | integer | `32` | ≥ 1, ≤ 1024 | Units in each recurrent layer. |'));
    assert.ok(markdown.includes('| `learningRate` | number | `0.01` | > 0, ≤ 10 |'));
    assert.ok(markdown.includes('| `target` | string | required | non-empty |'));
    for (const [where] of allProperties()) {
      const key = where.split('.').pop() as string;
      assert.ok(markdown.includes(`| \`${key}\` |`), `${where} is missing from the reference`);
    }
  });

  test('lists keys shared by every data type once, and each data type in its own section', () => {
    assert.equal(markdown.match(/\| `validationSplit` \|/g)?.length, 1);
    assert.ok(markdown.includes('### `data` with `"type": "labeled-text"`'));
    assert.ok(markdown.includes('### `training.earlyStopping`'));
  });
});
