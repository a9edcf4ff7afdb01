/** The system-package set-up: apt-get installs only what is missing, and says what it upgrades. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APT_INSTALL_OPTIONS, parseUpgrades } from '../../scripts/vscode/systemPackages';

describe('system packages', () => {
  test('apt-get neither adds recommended packages nor upgrades installed ones', () => {
    assert.deepEqual(APT_INSTALL_OPTIONS, ['--no-install-recommends', '--no-upgrade']);
  });

  test("the upgrades of an install are read from apt-get's simulation", () => {
    const simulation = [
      'Reading package lists...',
      'Inst libkrb5-3 [1.20.1-2+deb12u1] (1.20.1-2+deb12u2 Debian-Security:12/stable-security [amd64])',
      'Inst comerr-dev (2.1-1.47.0-2 Debian:12.8/stable [amd64])',
      'Inst e2fsprogs [1.47.0-2] (1.47.0-2+b1 Debian:12.8/stable [amd64]) []',
      'Conf libkrb5-3 (1.20.1-2+deb12u2 Debian-Security:12/stable-security [amd64])',
    ].join('\n');
    assert.deepEqual(parseUpgrades(simulation), ['libkrb5-3', 'e2fsprogs']);
  });
});
