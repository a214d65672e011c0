import { z } from 'zod';

/**
 * A door of the hall: where a badge reader and a camera see the same people
 * pass. Card and face pair only at the same gate, so everything at a door
 * reports the door's id as its gate.
 */
export const doorSchema = z.object({
  id: z
    .string()
    .min(1)
    .describe('Door id: the gate id of every device at this door (logs, records, pairing)'),
  readers: z.array(z.string().min(1)).default([]).describe('Ids of the readers at this door'),
  camera: z.boolean().default(false).describe('The camera watches this door'),
});
export type DoorConfig = z.infer<typeof doorSchema>;

/** The parts of the configuration doors are made of. */
interface DeviceConfig {
  readers: readonly { id: string; gateId: string }[];
  camera: { enabled: boolean; gateId?: string | undefined };
  doors: readonly DoorConfig[];
}

/** Problems of a doors list against the readers (empty: fine), as [path, message]. */
export function doorProblems(cfg: DeviceConfig): [path: (string | number)[], message: string][] {
  const out: [(string | number)[], string][] = [];
  const readerIds = new Set(cfg.readers.map((r) => r.id));
  const seen = new Map<string, string>();
  cfg.doors.forEach((d, i) => {
    d.readers.forEach((r, j) => {
      if (!readerIds.has(r)) out.push([['doors', i, 'readers', j], `no reader with id '${r}'`]);
      else if (seen.has(r))
        out.push([['doors', i, 'readers', j], `reader '${r}' is already at door '${seen.get(r)!}'`]);
      else seen.set(r, d.id);
    });
  });
  const cams = cfg.doors.filter((d) => d.camera);
  if (cams.length > 1)
    out.push([['doors'], `the camera can watch one door, not ${cams.map((d) => d.id).join(', ')}`]);
  if (cams.length === 1 && cfg.camera.gateId !== undefined && cfg.camera.gateId !== cams[0]!.id)
    out.push([['camera', 'gateId'], `the camera is at door '${cams[0]!.id}'; leave camera.gateId unset`]);
  return out;
}

/** Gate ids of the devices: a reader's and the camera's, after doors. */
export interface Gates {
  readerGate(readerId: string): string;
  cameraGate: string;
}

/**
 * Where each device stands. A reader at a door reports the door's id, else its
 * own gateId. The camera: its door's id; else camera.gateId; else, by default,
 * the gate of the first reader, so a reader and a camera in the default
 * configuration pair ('cam-1' when there is no reader).
 */
export function gatesOf(cfg: DeviceConfig): Gates {
  const doorOf = new Map<string, string>();
  for (const d of cfg.doors) for (const r of d.readers) doorOf.set(r, d.id);
  const readerGate = (id: string): string =>
    doorOf.get(id) ?? cfg.readers.find((r) => r.id === id)?.gateId ?? id;
  const camDoor = cfg.doors.find((d) => d.camera);
  const first = cfg.readers[0];
  const cameraGate = camDoor?.id ?? cfg.camera.gateId ?? (first ? readerGate(first.id) : 'cam-1');
  return { readerGate, cameraGate };
}
