import { spawn } from 'node:child_process';

/**
 * Runs a bench child on this Node binary and returns the JSON result it prints: the last stdout line
 * `isResult` accepts (the functions' own JSON logs can share stdout). Rejects with everything it printed if it
 * fails or prints no result.
 */
export function runJsonChild<T>(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  what: string,
  isResult: (line: string) => boolean = (line) => line.startsWith('{'),
): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    proc.once('error', reject);
    proc.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${what} exited with ${code}:\n${err}${out}`));
      const line = out.trim().split('\n').filter(isResult).at(-1);
      if (!line) return reject(new Error(`${what} printed no result:\n${out}${err}`));
      resolve(JSON.parse(line) as T);
    });
  });
}
