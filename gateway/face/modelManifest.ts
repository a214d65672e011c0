import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HallgateError } from '../../kernel/errors.ts';

/** models/onnx/ of this checkout. */
export const DEFAULT_ONNX_MODEL_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'models',
  'onnx',
);

export interface ManifestFile {
  file: string;
  bytes: number;
  sha256: string;
}
export interface ModelManifest {
  modelVersion: string;
  files: Record<string, ManifestFile>;
}

export function readManifest(dir: string): ModelManifest {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) throw new HallgateError('MODEL_MISSING', `model manifest not found: ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ModelManifest;
  } catch (err) {
    throw new HallgateError('MODEL_MANIFEST_INVALID', `cannot read model manifest ${path}`, { cause: err });
  }
}

/**
 * Reads one model file named in the manifest and checks its sha256. A missing
 * file or a wrong checksum is a HallgateError (MODEL_MISSING / MODEL_CHECKSUM)
 * raised at load, before any frame is processed.
 */
export function loadVerifiedModel(dir: string, manifest: ModelManifest, role: string): Buffer {
  const entry = manifest.files[role];
  if (!entry)
    throw new HallgateError('MODEL_MANIFEST_INVALID', `model manifest in ${dir} has no "${role}" entry`);
  const path = join(dir, entry.file);
  if (!existsSync(path)) {
    throw new HallgateError(
      'MODEL_MISSING',
      `model file ${path} is missing; run: node scripts/fetch-models.mjs`,
    );
  }
  const bytes = readFileSync(path);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== entry.sha256) {
    throw new HallgateError(
      'MODEL_CHECKSUM',
      `model file ${path} has sha256 ${sha}, the manifest expects ${entry.sha256}; run: node scripts/fetch-models.mjs --force`,
    );
  }
  return bytes;
}
