/**
 * `pond`: the command line for Pond Desktop. Dispatches to one module per command;
 * `run` is pure over its CliIO so the whole CLI is tested in-process.
 */
import { commands } from './commands/index';
import { UsageError, type CliIO } from './types';
import { VERSION } from './version';

export function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `pond ${VERSION} — crabbox ponds from the command line

usage: pond <command> [flags]

commands:
${lines.join('\n')}

Run \`pond <command> --help\` for a command's flags.
`;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`pond: unknown command ${JSON.stringify(name)}\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`pond ${command.name}: ${error.message}\nRun \`pond ${command.name} --help\` for usage.\n`);
      return 2;
    }
    io.err(`pond ${command.name}: ${(error as Error).message}\n`);
    // crabbox's exit codes (2 bad input, 4 not found) travel on the error as `exitCode`.
    const exitCode = (error as { exitCode?: unknown }).exitCode;
    return typeof exitCode === 'number' && Number.isInteger(exitCode) && exitCode > 0 ? exitCode : 1;
  }
}
