export { classifyStudentDay } from './classifyStudentDay.ts';
export { invalidAttempts } from './invalidAttempts.ts';
export { unpairedFaces } from './unpairedFaces.ts';
export { defaultThresholds, effectiveThresholds } from './defaultThresholds.ts';
export { compareEvents, orderEvents } from './orderEvents.ts';
export { STATUS_PRIORITY } from './decideStatus.ts';
export { noSessionId } from './unauthorizedHall.ts';
export { localClock, type LocalClock } from './localClock.ts';
export type * from './types.ts';
