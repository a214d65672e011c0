import { accessSync, constants, statSync } from 'node:fs';
import type { ConfigProblem } from './configProblem.ts';
import type { Config } from './schema.ts';

/**
 * Checks a configuration the schema alone cannot: that URLs parse, that TLS
 * files exist and can be read, that no placeholder host is left in, and that
 * thresholds are in order. Each returns problems; none throws.
 */

const MQTT_PROTOCOLS = ['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'tls:', 'ws:', 'wss:'];

/** Hosts reserved for documentation and examples (RFC 2606), and the usual fill-ins. */
export function isPlaceholderHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    /(^|\.)example(\.(com|net|org|edu))?$/.test(h) ||
    /(^|\.)example\.[a-z]+$/.test(h) ||
    /\.(invalid|example)$/.test(h) ||
    /^(changeme|change-me|change_me|your[-_.]?broker|broker-host|hostname|todo|xxx+)(\.|$)/.test(h)
  );
}

function urlProblems(field: string, value: string, protocols: string[]): ConfigProblem[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [{ field, value, expected: `a URL that parses (${protocols.join('//, ')}//HOST:PORT)` }];
  }
  if (!protocols.includes(url.protocol)) {
    return [{ field, value, expected: `a URL starting ${protocols.map((p) => `${p}//`).join(', ')}` }];
  }
  if (url.hostname === '') return [{ field, value, expected: 'a URL with a host' }];
  if (isPlaceholderHost(url.hostname)) {
    return [{ field, value, expected: `the real host, not the placeholder '${url.hostname}'` }];
  }
  return [];
}

/** A file that exists, is a regular file and can be read by this process. */
export function readableFileProblem(field: string, path: string | undefined): ConfigProblem[] {
  if (path === undefined) return [];
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : `cannot stat it (${code})`;
    return [{ field, value: path, expected: `a readable file (${why})` }];
  }
  if (!isFile) return [{ field, value: path, expected: 'a readable file (it is not a regular file)' }];
  try {
    accessSync(path, constants.R_OK);
  } catch {
    return [{ field, value: path, expected: 'a readable file (permission denied for this user)' }];
  }
  return [];
}

function tlsProblems(m: Config['mqtt'], checkFiles: boolean): ConfigProblem[] {
  const out = checkFiles
    ? [
        ...readableFileProblem('mqtt.caFile', m.caFile),
        ...readableFileProblem('mqtt.certFile', m.certFile),
        ...readableFileProblem('mqtt.keyFile', m.keyFile),
      ]
    : [];
  if ((m.certFile === undefined) !== (m.keyFile === undefined)) {
    const [field, value] =
      m.certFile === undefined ? ['mqtt.certFile', m.certFile] : ['mqtt.keyFile', m.keyFile];
    out.push({
      field,
      value,
      expected: 'mqtt.certFile and mqtt.keyFile together (a client certificate needs its key)',
    });
  }
  return out;
}

function orderProblems(cfg: Config): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const t = cfg.thresholds;
  if (t.graceSec > t.lateSec) {
    out.push({
      field: 'thresholds.graceSec',
      value: t.graceSec,
      expected: `<= thresholds.lateSec (${t.lateSec})`,
    });
  }
  if (t.lateSec > t.absentAfterSec) {
    out.push({
      field: 'thresholds.lateSec',
      value: t.lateSec,
      expected: `<= thresholds.absentAfterSec (${t.absentAfterSec})`,
    });
  }
  cfg.readers.forEach((r, i) => {
    if (r.reconnect.initialMs > r.reconnect.maxMs) {
      out.push({
        field: `readers.${i}.reconnect.initialMs`,
        value: r.reconnect.initialMs,
        expected: `<= readers.${i}.reconnect.maxMs (${r.reconnect.maxMs})`,
      });
    }
    if (r.lineMinLength > r.lineMaxLength) {
      out.push({
        field: `readers.${i}.lineMinLength`,
        value: r.lineMinLength,
        expected: `<= readers.${i}.lineMaxLength (${r.lineMaxLength})`,
      });
    }
  });
  const ids = cfg.readers.map((r) => r.id);
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i)
      out.push({ field: `readers.${i}.id`, value: id, expected: 'a reader id used once' });
  });
  return out;
}

export interface TruthOptions {
  /**
   * Check that the TLS files can be read by this user (default true). Commands
   * that only read the local store skip it: an operator may read the store
   * without being allowed to read the gateway's private key.
   */
  checkFiles?: boolean;
}

/** Every problem the schema cannot see, in one list. */
export function configTruths(cfg: Config, opts: TruthOptions = {}): ConfigProblem[] {
  const out = [
    ...urlProblems('mqtt.url', cfg.mqtt.url, MQTT_PROTOCOLS),
    ...tlsProblems(cfg.mqtt, opts.checkFiles ?? true),
    ...orderProblems(cfg),
  ];
  if (cfg.camera.enabled && /^[a-z][a-z0-9+.-]*:\/\//i.test(cfg.camera.input)) {
    out.push(
      ...urlProblems('camera.input', cfg.camera.input, [
        'rtsp:',
        'rtsps:',
        'http:',
        'https:',
        'file:',
        'udp:',
        'tcp:',
      ]),
    );
  }
  cfg.aggregator.cassandra.contactPoints.forEach((h, i) => {
    if (cfg.aggregator.store === 'cassandra' && isPlaceholderHost(h.split(':')[0]!)) {
      out.push({
        field: `aggregator.cassandra.contactPoints.${i}`,
        value: h,
        expected: 'the real host, not a placeholder',
      });
    }
  });
  return out;
}
