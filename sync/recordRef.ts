/**
 * A 'record' outbox row may name the record instead of carrying it: the store
 * queues `{"studentId":…,"sessionId":…}` and the outbox, when it reads the
 * row, sends the record as it stands then (its latest version, which the
 * central stores keep over any earlier one). Rows with a full payload (no
 * `version`) are sent as they are.
 */
export function recordRef(studentId: string, sessionId: string): string {
  return `{"studentId":${JSON.stringify(studentId)},"sessionId":${JSON.stringify(sessionId)}}`;
}

/** True when a parsed 'record' payload is a reference rather than a full record. */
export function isRecordRef(v: object): v is { studentId: string; sessionId: string } {
  return (
    !('version' in v) &&
    typeof (v as { studentId?: unknown }).studentId === 'string' &&
    typeof (v as { sessionId?: unknown }).sessionId === 'string'
  );
}
