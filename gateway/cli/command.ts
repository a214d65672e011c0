/** One CLI subcommand. Each lives in its own file under gateway/cli/ and is registered in gateway/cli.ts. */
export interface Command {
  /** e.g. 'import', 'records', 'enroll' */
  name: string;
  /** One line for `hallgate --help`. */
  summary: string;
  /** Full usage text for `hallgate NAME --help`. */
  usage: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}
