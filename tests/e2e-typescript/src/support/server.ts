import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describeCommand, runCli, spawnCli } from './cli.js';
import { TIMEOUTS } from './timeouts.js';

/** The one stdout line `meridian start` prints once it accepts connections. */
const LISTENING = /^Meridian listening on (http:\/\/127\.0\.0\.1:(\d+))\s*$/;

/** How many lines of server output are kept for failure reports. */
const LOG_LINES = 200;

/** A `meridian start` process on a free port of 127.0.0.1. */
export class MeridianServer {
  readonly #child: ChildProcess;
  readonly #log: string[];
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stopped = false;

  private constructor(
    child: ChildProcess,
    log: string[],
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
    readonly httpUrl: string,
    readonly port: number,
    readonly dataDir: string
  ) {
    this.#child = child;
    this.#log = log;
    this.#exited = exited;
  }

  /** `ws://127.0.0.1:<port>`: what the SDK's `withUri` gets. */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Whether the process has exited (by itself or through `stop`). */
  get hasExited(): boolean {
    return this.#child.exitCode !== null || this.#child.signalCode !== null;
  }

  /** The last lines of the server's stdout and stderr. */
  logTail(lines = 60): string {
    return this.#log.slice(-lines).join('\n');
  }

  /**
   * Runs `meridian start --listen-addr 127.0.0.1:0 --data-dir <dataDir>` and
   * resolves once it has printed its listening line. Rejects, with the server's
   * output, if it exits first or stays silent for `TIMEOUTS.serverStart`.
   */
  static start(dataDir: string): Promise<MeridianServer> {
    const args = ['start', '--listen-addr', '127.0.0.1:0', '--data-dir', dataDir];
    const command = describeCommand(args);
    const child = spawnCli(args);
    const log: string[] = [];
    const remember = (stream: string, line: string) => {
      log.push(`[server ${stream}] ${line}`);
      if (log.length > LOG_LINES) log.shift();
    };
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve => {
      child.on('exit', (code, signal) => resolve({ code, signal }));
      child.on('error', () => resolve({ code: null, signal: null }));
    });

    return new Promise<MeridianServer>((resolve, reject) => {
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill('SIGKILL');
        const tail = log.slice(-40).join('\n');
        reject(new Error(`${why}\ncommand: ${command}${tail ? `\noutput:\n${tail}` : ' (no output)'}`));
      };
      const timer = setTimeout(
        () => fail(`meridian start printed no "Meridian listening on http://127.0.0.1:<port>" line within ${TIMEOUTS.serverStart / 1000} s`),
        TIMEOUTS.serverStart
      );

      createInterface({ input: child.stderr! }).on('line', line => remember('stderr', line));
      createInterface({ input: child.stdout! }).on('line', line => {
        remember('stdout', line);
        const match = LISTENING.exec(line);
        if (match && !settled) {
          settled = true;
          clearTimeout(timer);
          resolve(new MeridianServer(child, log, exited, match[1]!, Number(match[2]), dataDir));
        }
      });
      child.on('error', e => fail(`could not run the Meridian CLI: ${e.message}`));
      // 'close' comes after the output streams are drained, so the report has the last lines.
      child.on('close', (code, signal) =>
        fail(`meridian start exited (${signal ?? `code ${code}`}) before printing its listening line`)
      );
    });
  }

  /**
   * Sends SIGTERM and waits for the process to exit; SIGKILLs it after
   * `TIMEOUTS.serverStop`. Returns how it ended so a test can insist on a
   * graceful stop. Safe to call more than once.
   */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }> {
    if (this.#stopped || this.hasExited) {
      this.#stopped = true;
      return { ...(await this.#exited), killed: false };
    }
    this.#stopped = true;
    this.#child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const graceful = await Promise.race([
      this.#exited.then(r => ({ ...r, killed: false })),
      new Promise<null>(resolve => (timer = setTimeout(() => resolve(null), TIMEOUTS.serverStop))),
    ]);
    clearTimeout(timer);
    if (graceful) return graceful;
    this.#child.kill('SIGKILL');
    return { ...(await this.#exited), killed: true };
  }

  /**
   * `meridian publish -p <moduleDir> -s <this server> --yes <name>`; throws
   * with the CLI's output unless it exits 0.
   */
  async publish(moduleDir: string, name: string): Promise<void> {
    const args = ['publish', '-p', moduleDir, '-s', this.httpUrl, '--yes', name];
    const result = await runCli(args, TIMEOUTS.publish);
    if (result.timedOut) {
      throw new Error(`meridian publish did not finish within ${TIMEOUTS.publish / 1000} s\ncommand: ${describeCommand(args)}\noutput:\n${tail(result.output)}`);
    }
    if (result.code !== 0) {
      throw new Error(`meridian publish failed (${result.signal ?? `exit code ${result.code}`})\ncommand: ${describeCommand(args)}\noutput:\n${tail(result.output)}\nserver output:\n${this.logTail(30)}`);
    }
  }
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n') || '(none)';
}
