import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  ConfigError,
  applyEnvOverrides,
  loadConfig,
  type ConfigProblem,
} from '../../gateway/config/loadConfig.ts';
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

describe('configuration that tells the truth', () => {
  /** The problems of a file, by field (fails the test when the file is accepted). */
  function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): Map<string, ConfigProblem> {
    try {
      loadConfig(file(`truth-${Math.random().toString(36).slice(2)}.yaml`, text), env);
    } catch (e) {
      assert.ok(e instanceof ConfigError, String(e));
      return new Map(e.problems.map((p) => [p.field, p]));
    }
    assert.fail('the configuration was accepted');
  }

  it('names an unknown key with the nearest valid one, at any depth', () => {
    const p = problemsOf(
      'thresholds:\n  graceSecs: 30\nmqqt: { enabled: false }\nreaders:\n  - { id: r1, path: /dev/ttyS0, gateId: G, baudrate: 9600 }\nstore: { colour: blue }\n',
    );
    assert.match(p.get('thresholds.graceSecs')!.expected, /did you mean thresholds\.graceSec\?/);
    assert.equal(p.get('thresholds.graceSecs')!.value, 30);
    assert.match(p.get('mqqt')!.expected, /did you mean mqtt\?/);
    assert.match(p.get('readers.0.baudrate')!.expected, /did you mean readers\.0\.baudRate\?/);
    assert.match(p.get('store.colour')!.expected, /a known key \(see hallgate config docs\)/);
    assert.equal(p.size, 4);
  });

  it('names an unknown HALLGATE_* variable with the nearest setting, and leaves the tool switches alone', () => {
    const p = problemsOf('{}\n', {
      HALLGATE_MQTT__URLL: 'mqtt://127.0.0.1:1883',
      HALLGATE_TSX: '1',
      HALLGATE_DEBUG: '1',
      HALLGATE_STORE__PATH: '/tmp/x.db',
    });
    assert.match(p.get('environment HALLGATE_MQTT__URLL')!.expected, /did you mean HALLGATE_MQTT__URL\?/);
    assert.equal(p.size, 1);
  });

  it('rejects URLs that do not parse or are not MQTT, and placeholder hosts', () => {
    assert.match(problemsOf('mqtt: { url: "not a url" }\n').get('mqtt.url')!.expected, /a URL that parses/);
    assert.match(problemsOf('mqtt: { url: "http://broker:80" }\n').get('mqtt.url')!.expected, /mqtt:\/\//);
    assert.match(
      problemsOf('mqtt: { url: "mqtts://broker.example.edu:8883" }\n').get('mqtt.url')!.expected,
      /not the placeholder 'broker\.example\.edu'/,
    );
    assert.match(
      problemsOf('camera: { enabled: true, input: "rtsp://cam.example.com/stream" }\n').get('camera.input')!
        .expected,
      /placeholder/,
    );
  });

  it('rejects TLS files that do not exist, are not files, or come without their key', () => {
    const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\n');
    const p = problemsOf(`mqtt:\n  caFile: ${join(dir, 'missing-ca.pem')}\n  certFile: ${dir}\n`);
    assert.match(p.get('mqtt.caFile')!.expected, /a readable file \(it does not exist\)/);
    assert.match(p.get('mqtt.certFile')!.expected, /not a regular file/);
    assert.match(p.get('mqtt.keyFile')!.expected, /together/);
    assert.equal(loadConfig(file('tls-ok.yaml', `mqtt: { caFile: ${ca} }\n`), {}).mqtt.caFile, ca);
    // Commands that only read the local store do not need the broker's files.
    const storeOnly = file('tls-store-only.yaml', `mqtt: { caFile: ${join(dir, 'missing-ca.pem')} }\n`);
    assert.equal(loadConfig(storeOnly, {}, { checkFiles: false }).mqtt.caFile, join(dir, 'missing-ca.pem'));
  });

  it('rejects a TLS file this user cannot read', (t) => {
    if (process.getuid?.() === 0) {
      t.skip('root reads every file');
      return;
    }
    const key = file('key.pem', 'secret');
    chmodSync(key, 0o000);
    assert.match(
      problemsOf(`mqtt: { certFile: ${key}, keyFile: ${key} }\n`).get('mqtt.keyFile')!.expected,
      /permission denied/,
    );
  });

  it('rejects thresholds out of order (grace <= late <= absent)', () => {
    const p = problemsOf('thresholds: { graceSec: 600, lateSec: 300, absentAfterSec: 200 }\n');
    assert.match(p.get('thresholds.graceSec')!.expected, /<= thresholds\.lateSec \(300\)/);
    assert.match(p.get('thresholds.lateSec')!.expected, /<= thresholds\.absentAfterSec \(200\)/);
    assert.equal(
      loadConfig(
        file('order-ok.yaml', 'thresholds: { graceSec: 300, lateSec: 300, absentAfterSec: 300 }\n'),
        {},
      ).thresholds.lateSec,
      300,
    );
  });

  it('reports every problem at once: schema, unknown keys, URL, TLS, placeholder and order', () => {
    const p = problemsOf(
      [
        'readers:',
        '  - { id: r1, path: /dev/ttyS0, gateId: G, parity: sometimes }',
        'thresholds: { graceSecs: 30, lateSec: 2000 }',
        'mqtt:',
        '  enabled: true',
        '  url: mqtts://broker.example.edu:8883',
        `  caFile: ${join(dir, 'none', 'ca.pem')}`,
      ].join('\n'),
      { HALLGATE_LOG__LEVL: 'debug' },
    );
    for (const f of [
      'readers.0.parity',
      'thresholds.graceSecs',
      'thresholds.lateSec',
      'mqtt.url',
      'mqtt.caFile',
      'environment HALLGATE_LOG__LEVL',
    ]) {
      assert.ok(p.has(f), `${f} missing from ${[...p.keys()].join(', ')}`);
    }
  });

  it('rejects the configuration provision.sh writes until the broker and TLS files are real', () => {
    const script = readFileSync(join(import.meta.dirname, '../../scripts/provision.sh'), 'utf8');
    const m =
      /cat > "?\$CONFIG"? <<YAML\n([\s\S]*?)\nYAML/.exec(script) ?? /<<YAML\n([\s\S]*?)\nYAML/.exec(script);
    assert.ok(m, 'provision.sh writes a YAML template');
    const text = m[1]!.replace(/\$\{?[A-Z_]+\}?/g, 'x');
    const p = problemsOf(text);
    assert.ok(p.has('mqtt.url') || p.has('mqtt.caFile'), [...p.keys()].join(', '));
  });
});
