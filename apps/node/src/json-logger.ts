import { ConsoleLogger, LogLevel } from '@nestjs/common';

/**
 * One JSON object per line. Callers log identifiers, kinds, codes and counts only: never notice
 * content, tokens or key material (see docs/ARCHITECTURE.md, "What is logged").
 */
export class JsonLogger extends ConsoleLogger {
  constructor(private readonly agency: string, levels: LogLevel[]) {
    super();
    this.setLogLevels(levels);
  }

  protected override printMessages(messages: unknown[], context = '', logLevel: LogLevel = 'log'): void {
    for (const message of messages) {
      const line = JSON.stringify({
        time: new Date().toISOString(),
        level: logLevel,
        agency: this.agency,
        context,
        message: message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message),
      });
      (logLevel === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
    }
  }
}
