// Subcommands contributed by the rooms (each door exports `cliCommands`).
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

export async function roomCommands(): Promise<CliCommand[]> {
  return [];
}
