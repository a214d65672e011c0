import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { HallgateError } from '../../kernel/errors.ts';
import { doorProblems } from './doors.ts';
import { configTruths, type TruthOptions } from './configTruths.ts';
import { unknownEnv, unknownKeys } from './knownKeys.ts';
import { configSchema, type Config } from './schema.ts';
import type { ConfigProblem } from './configProblem.ts';

export type { ConfigProblem };

/** Every problem in a configuration, reported at once. */
export class ConfigError extends HallgateError {
  readonly problems: ConfigProblem[];
  constructor(source: string, problems: ConfigProblem[]) {
    const lines = problems.map(
      (p) => `  - ${p.field || '(root)'}: got ${describeValue(p.value)}; expected ${p.expected}`,
    );
    super('CONFIG_INVALID', `invalid configuration (${source}):\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

const ENV_PREFIX = 'HALLGATE_';

/**
 * Environment overrides: HALLGATE_STORE__PATH=/x sets store.path; `__` separates levels,
 * names are camelCased from SNAKE (HALLGATE_MQTT__BATCH_SIZE -> mqtt.batchSize). Values
 * are parsed as JSON when they parse (numbers, booleans, arrays), else taken as strings.
 */
export function applyEnvOverrides(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  const out = structuredClone(raw);
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(ENV_PREFIX) || value === undefined) continue;
    const path = key
      .slice(ENV_PREFIX.length)
      .split('__')
      .map((part) => part.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));
    if (path.some((p) => p.length === 0)) continue;
    let node: Record<string, unknown> = out;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = parseEnvValue(value);
  }
  return out;
}

function parseEnvValue(v: string): unknown {
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let node: unknown = root;
  for (const k of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[k];
  }
  return node;
}

function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected;
    case 'too_small':
      return `${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      return `${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `no unknown keys (${issue.keys.join(', ')})`;
    default:
      return issue.message;
  }
}

/**
 * Validates an already-parsed object; throws ConfigError listing every problem:
 * `extra` ones found before (unknown keys), the schema's, and what the schema
 * cannot see (URLs, TLS files, placeholders, threshold order; see configTruths).
 */
export function validateConfig(
  raw: unknown,
  source = 'config',
  extra: ConfigProblem[] = [],
  opts: TruthOptions = {},
): Config {
  const result = configSchema.safeParse(raw);
  if (result.success) {
    // Doors name readers: checked against the readers list, every problem reported.
    const doors = doorProblems(result.data).map(([path, expected]) => ({
      field: path.map(String).join('.'),
      value: valueAt(raw, path),
      expected,
    }));
    const problems = [...extra, ...doors, ...configTruths(result.data, opts)];
    if (problems.length > 0) throw new ConfigError(source, problems);
    return result.data;
  }
  const problems = result.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.'),
    value: valueAt(raw, issue.path),
    expected: expectedOf(issue),
  }));
  throw new ConfigError(source, [...extra, ...problems, ...truthsBesides(raw, result.error.issues, opts)]);
}

/** The configTruths of `raw` with the schema's failing fields left to their defaults (when that parses). */
function truthsBesides(raw: unknown, issues: z.core.$ZodIssue[], opts: TruthOptions): ConfigProblem[] {
  const rest = structuredClone(raw) as Record<string, unknown>;
  for (const issue of issues) {
    const parent = valueAt(rest, issue.path.slice(0, -1));
    const last = issue.path[issue.path.length - 1];
    if (typeof parent === 'object' && parent !== null && last !== undefined && !Array.isArray(parent)) {
      delete (parent as Record<PropertyKey, unknown>)[last];
    }
  }
  const again = configSchema.safeParse(rest);
  if (!again.success) return [];
  const failed = new Set(issues.map((i) => i.path.map(String).join('.')));
  return configTruths(again.data, opts).filter((p) => !failed.has(p.field));
}

/** Unknown keys of a file and unknown HALLGATE_* variables, each with the nearest valid name. */
function unknownNameProblems(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): ConfigProblem[] {
  return [
    ...unknownKeys(raw).map((u) => ({
      field: u.field,
      value: valueAt(raw, u.field.split('.')),
      expected: u.nearest
        ? `a known key (did you mean ${u.nearest}?)`
        : 'a known key (see hallgate config docs)',
    })),
    ...unknownEnv(env).map((u) => ({
      field: `environment ${u.name}`,
      value: env[u.name],
      expected: u.nearest ? `a known setting (did you mean ${u.nearest}?)` : 'a known HALLGATE_* setting',
    })),
  ];
}

/** Parses YAML or JSON text (JSON is YAML). */
export function parseConfigText(text: string, source: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(source, [
      { field: '', value: undefined, expected: `valid YAML/JSON (${(err as Error).message.split('\n')[0]})` },
    ]);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(source, [{ field: '', value: doc, expected: 'a mapping of settings' }]);
  }
  return doc as Record<string, unknown>;
}

/** Loads a config file (optional), applies HALLGATE_* overrides and validates. */
export function loadConfig(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  opts: TruthOptions = {},
): Config {
  let raw: Record<string, unknown> = {};
  const source = file ?? 'defaults';
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new HallgateError(
        'CONFIG_UNREADABLE',
        `cannot read configuration file ${file}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    raw = parseConfigText(text, file);
  }
  return validateConfig(applyEnvOverrides(raw, env), source, unknownNameProblems(raw, env), opts);
}
