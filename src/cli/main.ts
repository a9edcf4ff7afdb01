/** The `rnn-lab` command line: one command per subcommand module, exit codes in `usage.ts`. */
import { version } from '../../package.json';
import type { CliContext } from './context';
import { resourcesDir } from './resources';
import { escapeControlCharacters } from './terminalText';
import { EXIT, USAGE, UsageError } from './usage';

type Command = (args: string[], context: CliContext) => number | Promise<number>;

/** Loaded on demand, so that `--help` and usage errors answer without loading the engine. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  train: async () => (await import('./trainCommand')).trainCommand,
  validate: async () => (await import('./validateCommand')).validateCommand,
  runs: async () => (await import('./runsCommand')).runsCommand,
  export: async () => (await import('./exportCommand')).exportCommand,
  'export-pytorch': async () => (await import('./exportPytorchCommand')).exportPytorchCommand,
  doctor: async () => (await import('./doctorCommand')).doctorCommand,
  'verify-reference': async () => (await import('./verifyReferenceCommand')).verifyReferenceCommand,
};

/** Runs the command line `argv` (without `node` and the script) and returns the exit code. */
async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined) {
    process.stderr.write(USAGE);
    return EXIT.usage;
  }
  if (command === '-h' || command === '--help' || command === 'help' || args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (command === '-v' || command === '--version') {
    process.stdout.write(`${version}\n`);
    return EXIT.ok;
  }
  if (!Object.hasOwn(COMMANDS, command)) {
    process.stderr.write(`rnn-lab: unknown command "${command}"\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    const run = await COMMANDS[command]();
    return await run(args, { resourcesDir: resourcesDir() });
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`rnn-lab ${command}: ${error.message}\nSee "rnn-lab --help".\n`);
      return EXIT.usage;
    }
    process.stderr.write(`rnn-lab: ${escapeControlCharacters(error instanceof Error ? error.message : String(error))}\n`);
    return EXIT.failed;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
