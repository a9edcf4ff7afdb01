/** The plain-text number formats shared by the CLI, the editor and the log. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatLogNumber } from '../../src/engine/format';

describe('formatLogNumber', () => {
  test('keeps at most six significant digits, as the log shows losses', () => {
    assert.equal(formatLogNumber(0.012345678912345), '0.0123457');
    assert.equal(formatLogNumber(2.2312345678), '2.23123');
    assert.equal(formatLogNumber(1.234567891e-7), '1.23457e-7');
    assert.equal(formatLogNumber(123456789), '123457000');
    assert.equal(formatLogNumber(0.5), '0.5');
  });

  test('says what is not a finite number', () => {
    assert.equal(formatLogNumber(Number.NaN), 'NaN');
    assert.equal(formatLogNumber(Number.POSITIVE_INFINITY), 'Infinity');
    assert.equal(formatLogNumber(undefined), '-');
  });
});
