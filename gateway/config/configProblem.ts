/** One thing wrong in a configuration: where, what was found, what was expected. */
export interface ConfigProblem {
  /** Dotted path of the field, e.g. 'readers.0.baudRate'. */
  field: string;
  /** The value found there (undefined when missing). */
  value: unknown;
  /** What was expected. */
  expected: string;
}
