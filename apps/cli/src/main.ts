import 'reflect-metadata';
import { ApiError, NodeUnreachableError } from '@liaison/federation';
import { EXIT, runParsed, UsageError } from './args';
import { processIo } from './commands/cli-io';
import { buildProgram } from './program';

async function main(argv: string[]): Promise<number> {
  const code = { value: EXIT.ok };
  const name = argv.find((a) => !a.startsWith('-')) ?? '';
  const say = (message: string) => process.stderr.write(`liaison${name ? ` ${name}` : ''}: ${message}\n`);
  try {
    return await runParsed(buildProgram(processIo, code), argv, code);
  } catch (error) {
    if (error instanceof UsageError) {
      say(error.message);
      if (argv.length === 0 || !name) process.stderr.write('see liaison --help\n');
      return EXIT.usage;
    }
    say((error as Error).message);
    return error instanceof ApiError || error instanceof NodeUnreachableError ? EXIT.remote : EXIT.failed;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
