import 'reflect-metadata';
import { UsageError } from './args';

type Command = { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> };

/** Every action has a command (brief: system-to-system work, not manual web work). */
const COMMANDS: Record<string, Command> = {
  'local-setup': { summary: 'prepare the local federation: keys, directory, topics, ACLs, node env files', load: () => import('./commands/local-setup') },
  token: { summary: 'mint a development token: --agency NL --role operator|liaison_officer|auditor|admin', load: () => import('./commands/token') },
  demo: { summary: 'play the NL → ES/CO identity-query scenario against the running local federation', load: () => import('./commands/demo') },
  verify: { summary: 'verify an audit bundle offline: verify <bundle.ndjson> [--json]', load: () => import('./commands/verify') },
  reconcile: { summary: 'reconcile two agencies\' audit bundles offline: reconcile <a.ndjson> <b.ndjson>', load: () => import('./commands/reconcile') },
  keys: { summary: "generate an agency's sealed key file and print its public JWKs: keys generate|public (see keys help)", load: () => import('./commands/keys') },
  directory: { summary: 'federation directory: init, add, rotate, revoke, sign, show, publish, verify (see directory help)', load: () => import('./commands/directory') },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return ['usage: liaison <command> [options]', '', ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`${usage()}\n`);
    return name && name !== 'help' && name !== '--help' ? 2 : 0;
  }
  try {
    return await (await command.load()).run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`liaison ${name}: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`liaison ${name}: ${(error as Error).message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
