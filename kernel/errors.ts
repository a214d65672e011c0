/** Base error with a stable machine-readable code (e.g. 'CONFIG_INVALID', 'SERIAL_OPEN_FAILED'). */
export class HallgateError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HallgateError';
    this.code = code;
  }
}
