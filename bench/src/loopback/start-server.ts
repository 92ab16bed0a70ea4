/** Starts the loopback server in a child process and stops it. */
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A running loopback server. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `http://127.0.0.1:<port>/v1`, the base URL clients are given. */
  baseURL: string;
  /** CPU time (user + system, µs) the server process has used so far. */
  cpuMicros(): Promise<number>;
  /** Stops the child process. */
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const benchRoot = join(here, '..', '..');

/** Forks `server-process.ts` (through tsx) and resolves once it listens. */
export function startLoopbackServer(options: { streamEvents?: number } = {}): Promise<LoopbackServer> {
  const child = fork(join(here, 'server-process.ts'), [], {
    cwd: benchRoot,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_STREAM_EVENTS: String(options.streamEvents ?? 2000) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`loopback server exited with ${code}`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.once('message', (message: { port: number }) => {
      child.off('exit', onExit);
      const origin = `http://127.0.0.1:${message.port}`;
      resolve({
        origin,
        baseURL: `${origin}/v1`,
        cpuMicros: () =>
          new Promise<number>((done) => {
            const onMessage = (reply: { cpu?: NodeJS.CpuUsage }) => {
              if (reply.cpu === undefined) return;
              child.off('message', onMessage);
              done(reply.cpu.user + reply.cpu.system);
            };
            child.on('message', onMessage);
            child.send('cpu');
          }),
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.disconnect();
          }),
      });
    });
  });
}
