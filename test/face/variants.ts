import sharp, { type Sharp } from 'sharp';
import type { Box, FaceEngine } from '../../gateway/face/faceEngine.ts';
import { decode, samplePath } from './helpers.ts';

/** One person of the sample photos: where their face is. */
export interface Person {
  id: string;
  sample: number;
  box: Box;
  imageWidth: number;
  imageHeight: number;
}

/**
 * Faces of the sample photos that show the same person. s1p2 and s3p1 are one
 * woman: the closest pair of different faces by far (onnx cosine 0.61, every
 * other pair <= 0.39), and every transformed view of s3p1 matched s1p2 in the
 * open-set run. So the 22 faces are 21 identities.
 */
export const SAME_PERSON: Record<string, string> = { s3p1: 's1p2' };
export const identityOf = (faceId: string): string => SAME_PERSON[faceId] ?? faceId;

/** Every face the engine finds in sample1..6, left to right: 22 faces. */
export async function findPeople(engine: FaceEngine): Promise<Person[]> {
  const people: Person[] = [];
  for (let k = 1; k <= 6; k++) {
    const img = await decode(samplePath(k));
    const faces = (await engine.detect(img)).sort((a, b) => a.box.x - b.box.x);
    faces.forEach((f, i) =>
      people.push({
        id: `s${k}p${i}`,
        sample: k,
        box: f.box,
        imageWidth: img.width,
        imageHeight: img.height,
      }),
    );
  }
  return people;
}

/** A square region around the face, `factor` times its size, shifted by (dx, dy) face sizes, clipped to the photo. */
function region(
  p: Person,
  factor: number,
  dx = 0,
  dy = 0,
): { left: number; top: number; width: number; height: number } {
  const side = Math.max(p.box.width, p.box.height) * factor;
  const cx = p.box.x + p.box.width / 2 + dx * p.box.width;
  const cy = p.box.y + p.box.height / 2 + dy * p.box.height;
  const left = Math.max(0, Math.round(cx - side / 2));
  const top = Math.max(0, Math.round(cy - side / 2));
  const width = Math.min(p.imageWidth - left, Math.round(side));
  const height = Math.min(p.imageHeight - top, Math.round(side));
  return { left, top, width, height };
}

/** The enrolment photo: a tight crop of one face (JPEG). */
export function enrolmentCrop(p: Person): Promise<Buffer> {
  return sharp(samplePath(p.sample)).extract(region(p, 1.5)).jpeg({ quality: 92 }).toBuffer();
}

export type VariantName =
  | 'mirror'
  | 'scale0.7'
  | 'scale1.3'
  | 'bright+contrast'
  | 'dark-lowcontrast'
  | 'jpeg-q25'
  | 'rotate+10'
  | 'rotate-8'
  | 'partial-crop';

export const ALL_VARIANTS: VariantName[] = [
  'mirror',
  'scale0.7',
  'scale1.3',
  'bright+contrast',
  'dark-lowcontrast',
  'jpeg-q25',
  'rotate+10',
  'rotate-8',
  'partial-crop',
];

/**
 * A transformed view of the person, from a wider crop of the original photo
 * than the enrolment crop (so never the same pixels), at a camera-like size.
 */
export async function variant(p: Person, name: VariantName): Promise<Buffer> {
  const base = (factor = 2.2, dx = 0, dy = 0): Sharp =>
    sharp(samplePath(p.sample)).extract(region(p, factor, dx, dy));
  const size = 360;
  switch (name) {
    case 'mirror':
      return base().resize(size, size).flop().jpeg({ quality: 90 }).toBuffer();
    case 'scale0.7':
      return base()
        .resize(Math.round(size * 0.7))
        .jpeg({ quality: 90 })
        .toBuffer();
    case 'scale1.3':
      return base()
        .resize(Math.round(size * 1.3))
        .jpeg({ quality: 90 })
        .toBuffer();
    case 'bright+contrast':
      return base().resize(size).linear(1.3, 25).jpeg({ quality: 90 }).toBuffer();
    case 'dark-lowcontrast':
      return base().resize(size).linear(0.6, 10).jpeg({ quality: 90 }).toBuffer();
    case 'jpeg-q25': {
      const once = await base().resize(size).jpeg({ quality: 25 }).toBuffer();
      return sharp(once).jpeg({ quality: 25 }).toBuffer();
    }
    case 'rotate+10':
      return sharp(await base().resize(size).toBuffer())
        .rotate(10, { background: '#000' })
        .jpeg({ quality: 90 })
        .toBuffer();
    case 'rotate-8':
      return sharp(await base().resize(size).toBuffer())
        .rotate(-8, { background: '#808080' })
        .jpeg({ quality: 90 })
        .toBuffer();
    case 'partial-crop':
      // the frame cuts through the face: about a fifth of it is outside
      return base(1.6, 0.5, 0.1).resize(size).jpeg({ quality: 90 }).toBuffer();
  }
}
