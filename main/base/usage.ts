// The command line's shared words: a subcommand as the rooms contribute it, and the error for arguments it refuses.

/** A subcommand of `acbench`: each room's door exports its own as `cliCommands`. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** the exit code: 0 done, 1 failed, 2 bad arguments */
  run(argv: string[]): Promise<number>;
}

/** Arguments a command refuses (a missing option, a value out of range): the command exits with 2 and this message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
