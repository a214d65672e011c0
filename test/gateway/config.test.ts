import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, applyEnvOverrides, loadConfig } from '../../gateway/config/loadConfig.ts';
import { configReference } from '../../gateway/config/configReference.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('configuration', () => {
  it('fills every default from the schema when no file is given', () => {
    const cfg = loadConfig(undefined, {});
    assert.equal(cfg.store.path, 'var/hallgate.db');
    assert.equal(cfg.thresholds.graceSec, 300);
    assert.deepEqual(cfg.readers, []);
    assert.equal(cfg.mqtt.enabled, false);
  });

  it('reads YAML and JSON files', () => {
    const y = loadConfig(
      file('a.yaml', 'gateway:\n  id: gw-7\nreaders:\n  - id: r1\n    path: /dev/ttyUSB0\n    gateId: G1\n'),
      {},
    );
    assert.equal(y.gateway.id, 'gw-7');
    assert.equal(y.readers[0]!.baudRate, 9600);
    assert.equal(y.readers[0]!.protocol, 'em4100');
    const j = loadConfig(file('a.json', JSON.stringify({ thresholds: { graceSec: 120 } })), {});
    assert.equal(j.thresholds.graceSec, 120);
    assert.equal(j.thresholds.lateSec, 900);
  });

  it('applies HALLGATE_* environment overrides over the file', () => {
    const cfg = loadConfig(file('b.yaml', 'store:\n  path: from-file.db\n'), {
      HALLGATE_STORE__PATH: '/tmp/env.db',
      HALLGATE_MQTT__BATCH_SIZE: '42',
      HALLGATE_MQTT__ENABLED: 'true',
      HALLGATE_THRESHOLDS__MISSING_EXIT: 'flag',
      OTHER: 'x',
    });
    assert.equal(cfg.store.path, '/tmp/env.db');
    assert.equal(cfg.mqtt.batchSize, 42);
    assert.equal(cfg.mqtt.enabled, true);
    assert.equal(cfg.thresholds.missingExit, 'flag');
  });

  it('does not mutate the parsed file when overriding', () => {
    const raw = { store: { path: 'a' } };
    applyEnvOverrides(raw, { HALLGATE_STORE__PATH: 'b' });
    assert.equal(raw.store.path, 'a');
  });

  it('reports every problem at once with field, value and what was expected', () => {
    const p = file(
      'bad.yaml',
      'gateway:\n  id: "has space"\nreaders:\n  - id: r\n    baudRate: -1\n    gateId: g\nthresholds:\n  graceSec: soon\n  minPresenceRatio: 2\n',
    );
    let err: unknown;
    try {
      loadConfig(p, { HALLGATE_LOG__LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigError);
    assert.equal(err.code, 'CONFIG_INVALID');
    const byField = new Map(err.problems.map((x) => [x.field, x]));
    assert.deepEqual(byField.get('gateway.id')?.value, 'has space');
    assert.equal(byField.get('readers.0.baudRate')?.value, -1);
    assert.match(byField.get('readers.0.baudRate')!.expected, /> 0/);
    assert.equal(byField.get('readers.0.path')?.value, undefined);
    assert.match(byField.get('thresholds.graceSec')!.expected, /number/);
    assert.match(byField.get('thresholds.minPresenceRatio')!.expected, /<= 1/);
    assert.match(byField.get('log.level')!.expected, /"info"/);
    assert.match(err.message, /thresholds\.graceSec: got "soon"; expected number/);
  });

  it('rejects a corrupt file with a clear error', () => {
    assert.throws(
      () => loadConfig(file('corrupt.yaml', 'gateway: [unclosed\n  : :'), {}),
      (e: unknown) => e instanceof ConfigError && /valid YAML/.test(e.message),
    );
    assert.throws(
      () => loadConfig(file('scalar.yaml', '42\n'), {}),
      (e: unknown) => e instanceof ConfigError && /a mapping/.test(e.message),
    );
    assert.throws(() => loadConfig(join(dir, 'missing.yaml'), {}), { code: 'CONFIG_UNREADABLE' });
  });

  it('generates the reference from the schema, covering every threshold', () => {
    const md = configReference();
    for (const k of ['graceSec', 'absentAfterSec', 'maxBreakSec', 'pairingWindowSec', 'missingExit']) {
      assert.match(md, new RegExp(`thresholds\\.${k}`));
    }
    assert.match(md, /HALLGATE_STORE__PATH/);
  });
});
