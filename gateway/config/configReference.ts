import { z } from 'zod';
import { configSchema } from './schema.ts';

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  default?: unknown;
  description?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  pattern?: string;
}

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (s.anyOf) return s.anyOf.map(typeOf).join(' \\| ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const t = Array.isArray(s.type) ? s.type.join('|') : (s.type ?? 'any');
  const bounds: string[] = [];
  if (s.minimum !== undefined) bounds.push(`>= ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) bounds.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER) bounds.push(`<= ${s.maximum}`);
  if (s.exclusiveMaximum !== undefined) bounds.push(`< ${s.exclusiveMaximum}`);
  return bounds.length ? `${t} (${bounds.join(', ')})` : t;
}

function envName(path: string[]): string {
  return 'HALLGATE_' + path.map((p) => p.replace(/([A-Z])/g, '_$1').toUpperCase()).join('__');
}

/** The configuration reference (Markdown), generated from the schema. */
export function configReference(): string {
  const root = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const rows: string[] = [];
  const walk = (s: JsonSchema, path: string[]): void => {
    if (s.type === 'object' && s.properties) {
      for (const [k, v] of Object.entries(s.properties)) walk(v, [...path, k]);
      return;
    }
    if (s.type === 'array' && s.items?.properties) {
      rows.push(
        `| \`${path.join('.')}\` | list of objects (below) | \`${JSON.stringify(s.default ?? [])}\` | ${s.description ?? ''} | |`,
      );
      for (const [k, v] of Object.entries(s.items.properties)) walk(v, [...path, '[]', k]);
      return;
    }
    const def = s.default === undefined ? '(none)' : `\`${JSON.stringify(s.default)}\``;
    const env = path.includes('[]') ? '' : `\`${envName(path)}\``;
    rows.push(`| \`${path.join('.')}\` | ${typeOf(s)} | ${def} | ${s.description ?? ''} | ${env} |`);
  };
  walk(root, []);
  return [
    '# Configuration reference',
    '',
    'Generated from `gateway/config/schema.ts` by `hallgate config docs`; do not edit by hand.',
    'A YAML or JSON file (`--config FILE`); every scalar can be overridden by an environment variable',
    '(`__` between levels, values parsed as JSON when they parse). Thresholds are seconds unless named otherwise.',
    '',
    '| field | type | default | meaning | environment |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
