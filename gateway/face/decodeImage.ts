import sharp from 'sharp';
import type { RgbImage } from './faceEngine.ts';

/**
 * Decodes a JPEG/PNG/... (path or bytes) to RGB, honouring EXIF orientation
 * and shrinking anything larger than maxSide on its longer side.
 */
export async function decodeImage(input: string | Buffer, maxSide = 2048): Promise<RgbImage> {
  const { data, info } = await sharp(input, { failOn: 'error' })
    .rotate()
    .resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
