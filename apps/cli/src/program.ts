import { Command } from 'commander';
import { configure, EXIT } from './args';
import { CliIo } from './commands/cli-io';
import { registerActions } from './commands/actions';
import { registerDemo } from './commands/demo';
import { registerDirectory } from './commands/directory';
import { registerKeys } from './commands/keys';
import { registerLocalSetup } from './commands/local-setup';
import { registerMatchIndex } from './commands/match-index';
import { registerReconcile } from './commands/reconcile';
import { registerToken } from './commands/token';
import { registerVerify } from './commands/verify';

export const EXIT_CODES_HELP = `
Environment:
  LIAISON_NODE_URL   the node the API commands talk to, e.g. http://127.0.0.1:3001
  LIAISON_TOKEN      the bearer token they send (never printed)

Exit codes:
  ${EXIT.ok}  done (a bundle or directory verified)
  ${EXIT.failed}  failed: verification failed, or a command could not finish
  ${EXIT.usage}  usage or input error: unknown command or option, bad or missing argument, unreadable input file
  ${EXIT.remote}  the node refused the request or could not be reached (the reason is printed)

Every command and subcommand takes --help, which prints its help and does nothing else.`;

/** The whole command line (every action has a command: brief, "system-to-system integration"). */
export function buildProgram(io: CliIo, code: { value: number }): Command {
  const program = configure(new Command('liaison'), io)
    .description('Liaison: cross-border notice exchange. Federation setup, daily actions over a node\'s API, offline audit checks.')
    .addHelpText('after', EXIT_CODES_HELP);
  registerLocalSetup(program, io, code);
  registerToken(program, io, code);
  registerDemo(program, io, code);
  registerActions(program, io, code);
  registerVerify(program, io, code);
  registerReconcile(program, io, code);
  registerKeys(program, io, code);
  registerDirectory(program, io, code);
  registerMatchIndex(program, io, code);
  return program;
}
