import { z } from 'zod';
import { configSchema } from './schema.ts';

/**
 * Unknown keys in a configuration file and unknown HALLGATE_* variables, each
 * named with the nearest valid key (graceSecs -> graceSec). The schema itself
 * strips unknown keys silently; this is what says so.
 */

interface KeyTree {
  /** Keys of an object, each with its own tree. */
  props?: Record<string, KeyTree>;
  /** Any key allowed (a record), each value of this tree. */
  anyKey?: KeyTree;
  /** The element of an array. */
  items?: KeyTree;
}

interface JsonSchemaNode {
  type?: string | string[];
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
}

function treeOf(s: JsonSchemaNode): KeyTree {
  const t: KeyTree = {};
  if (s.properties)
    t.props = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, treeOf(v)]));
  if (typeof s.additionalProperties === 'object') t.anyKey = treeOf(s.additionalProperties);
  if (s.items) t.items = treeOf(s.items);
  for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) {
    const a = treeOf(alt);
    if (a.props) t.props = { ...t.props, ...a.props };
    t.anyKey ??= a.anyKey;
    t.items ??= a.items;
  }
  return t;
}

let cachedTree: KeyTree | undefined;
function keyTree(): KeyTree {
  cachedTree ??= treeOf(
    z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode,
  );
  return cachedTree;
}

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}

/** The valid key closest to `key`, when it is close enough to be a slip. */
export function nearest(key: string, valid: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const v of valid) {
    const d = distance(key, v);
    if (d < bestD) [best, bestD] = [v, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

export interface UnknownKey {
  /** Dotted path of the unknown key, e.g. 'thresholds.graceSecs'. */
  field: string;
  /** Dotted path of the nearest valid key, if one is close. */
  nearest: string | undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every key of `raw` the schema does not know, depth first. */
export function unknownKeys(raw: unknown, tree: KeyTree = keyTree(), path: string[] = []): UnknownKey[] {
  const out: UnknownKey[] = [];
  if (Array.isArray(raw) && tree.items) {
    raw.forEach((v, i) => out.push(...unknownKeys(v, tree.items, [...path, String(i)])));
    return out;
  }
  if (!isObject(raw) || (!tree.props && !tree.anyKey)) return out;
  for (const [k, v] of Object.entries(raw)) {
    const sub = tree.props?.[k] ?? tree.anyKey;
    if (sub) out.push(...unknownKeys(v, sub, [...path, k]));
    else {
      const near = nearest(k, Object.keys(tree.props ?? {}));
      out.push({ field: [...path, k].join('.'), nearest: near && [...path, near].join('.') });
    }
  }
  return out;
}

/** Variables that start with HALLGATE_ but are not settings. */
const NOT_SETTINGS = new Set([
  'HALLGATE_TSX',
  'HALLGATE_DEBUG',
  // scripts/cassandra.sh and the test command (the Cassandra cache; every Cassandra test must run)
  'HALLGATE_CASSANDRA_CACHE',
  'HALLGATE_REQUIRE_CASSANDRA',
]);

const ENV_PREFIX = 'HALLGATE_';

function envName(path: string[]): string {
  return ENV_PREFIX + path.map((p) => p.replace(/([A-Z])/g, '_$1').toUpperCase()).join('__');
}

/** Every environment name a setting can be given by (scalars, arrays and whole sections). */
function envNames(tree: KeyTree, path: string[] = [], out: string[] = []): string[] {
  for (const [k, sub] of Object.entries(tree.props ?? {})) {
    out.push(envName([...path, k]));
    envNames(sub, [...path, k], out);
  }
  return out;
}

let cachedEnv: string[] | undefined;

/** HALLGATE_* variables that name no setting (test fixtures' HALLGATE_TEST_* aside). */
export function unknownEnv(env: NodeJS.ProcessEnv): { name: string; nearest: string | undefined }[] {
  cachedEnv ??= envNames(keyTree());
  const known = new Set(cachedEnv);
  return Object.keys(env)
    .filter((k) => k.startsWith(ENV_PREFIX) && !NOT_SETTINGS.has(k) && !k.startsWith('HALLGATE_TEST_'))
    .filter((k) => !known.has(k))
    .map((name) => ({ name, nearest: nearest(name, cachedEnv!) }));
}
