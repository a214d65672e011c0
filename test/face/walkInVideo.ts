import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import sharp from 'sharp';
import { samplePath } from './helpers.ts';
import type { Person } from './variants.ts';

/**
 * A 3 s, 10 fps, 640x480 clip made by ffmpeg from a sample photo: the region
 * around `person` and a neighbour, the camera panning right and zooming in.
 */
export async function walkInVideo(dir: string, person: Person, other: Person, sample = 5): Promise<string> {
  const still = join(dir, 'scene.jpg');
  const left = Math.max(0, Math.round(person.box.x - person.box.width * 0.8));
  const right = Math.round(other.box.x + other.box.width * 1.8);
  const top = Math.max(0, Math.round(Math.min(person.box.y, other.box.y) - person.box.height * 0.8));
  const height = Math.round(Math.max(person.box.height, other.box.height) * 2.6);
  await sharp(samplePath(sample))
    .extract({
      left,
      top,
      width: Math.min(right, person.imageWidth) - left,
      height: Math.min(height, person.imageHeight - top),
    })
    .resize(1280, 960, { fit: 'contain', background: '#202020' })
    .jpeg()
    .toFile(still);
  const video = join(dir, 'walk-in.mp4');
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-loop',
    '1',
    '-framerate',
    '10',
    '-t',
    '3',
    '-i',
    still,
    '-vf',
    "zoompan=z='1+0.006*in':x='(iw-iw/zoom)/2+in*3':y='(ih-ih/zoom)/2':d=1:s=640x480:fps=10",
    '-pix_fmt',
    'yuv420p',
    video,
  ]);
  return video;
}
