import { z } from 'zod';
import {
  thresholdKeys,
  thresholdTable,
  type ThresholdKey,
  type ThresholdSpec,
  type Thresholds,
} from '../rules/thresholdTable.ts';

/**
 * zod schemas for the thresholds, built from rules/thresholdTable.ts (rules/
 * stays free of zod). The configuration schema adds defaults and descriptions;
 * the wire and the importer take any subset with no defaults filled in.
 */

type FieldSchema<K extends ThresholdKey> = z.ZodType<Thresholds[K], Thresholds[K]>;
export type ThresholdFieldSchemas = { [K in ThresholdKey]: FieldSchema<K> };

function fieldSchema(spec: ThresholdSpec): z.ZodType {
  switch (spec.unit) {
    case 's':
    case 'count':
      return z.number().int().min(0);
    case 'ratio':
      return z.number().min(0).max(1);
    case 'choice':
      return z.enum(spec.values);
  }
}

/** One bare schema per threshold: the table's unit and bounds, no default. */
export const thresholdFieldSchemas = Object.fromEntries(
  thresholdKeys.map((k) => [k, fieldSchema(thresholdTable[k])]),
) as ThresholdFieldSchemas;

/** Per-course overrides and wire updates: any threshold, no defaults filled in, no unknown keys. */
export const thresholdOverridesSchema = z.object(thresholdFieldSchemas).partial().strict();
