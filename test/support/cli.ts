import { spawn } from 'child_process';
import { join } from 'path';
import { REPO_ROOT } from './local-secrets';

export const CLI_MAIN = join(REPO_ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the compiled CLI as an operator would (`node -r ./deploy/register-paths.js
 * dist/apps/cli/src/main.js …`) with only PATH and `env` in its environment; `stdin` is piped in.
 */
export function liaison(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './deploy/register-paths.js', CLI_MAIN, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });
}
