// The Meridian CLI for the samples' scripts and browser tests: `meridian start` on a free port
// of 127.0.0.1 with its own data directory, `meridian publish` and `meridian generate`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root (samples/tools/../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where `dotnet build src/Meridian.Cli -c Debug` puts the CLI. */
const CLI_DLL = join(REPO_ROOT, 'src', 'Meridian.Cli', 'bin', 'Debug', 'net10.0', 'Meridian.Cli.dll');

/** Seconds, overridable for slow machines. */
export const TIMEOUTS = {
  start: seconds('MERIDIAN_SAMPLES_START_TIMEOUT', 120),
  publish: seconds('MERIDIAN_SAMPLES_PUBLISH_TIMEOUT', 420),
  stop: seconds('MERIDIAN_SAMPLES_STOP_TIMEOUT', 30),
  /** A condition in the browser: a row appearing, a list reordering. Generous: CI machines are loaded. */
  ui: seconds('MERIDIAN_SAMPLES_UI_TIMEOUT', 30),
};

function seconds(name, fallback) {
  const value = Number(process.env[name]);
  return (Number.isFinite(value) && value > 0 ? value : fallback) * 1000;
}

/** The command prefix that runs the CLI: MERIDIAN_CLI split on spaces, else dotnet with the built DLL. */
export function cliCommand() {
  const override = process.env.MERIDIAN_CLI?.trim();
  if (override) return override.split(/\s+/);
  if (!existsSync(CLI_DLL)) {
    throw new Error(`Meridian CLI not found at ${CLI_DLL}: build it with \`dotnet build src/Meridian.Cli -c Debug\` or set MERIDIAN_CLI.`);
  }
  return ['dotnet', CLI_DLL];
}

// The CLI saves a token per server URL; a directory of our own keeps the user's configuration out.
let configDir;

/** Keeps the CLI's identities in `dir` (which outlives this process) instead of a temporary directory. */
export function useCliConfigDir(dir) {
  configDir = dir;
}

function cliEnv() {
  if (!configDir) {
    configDir = mkdtempSync(join(tmpdir(), 'meridian-samples-cli-'));
    process.on('exit', () => rmSync(configDir, { recursive: true, force: true }));
  }
  return { ...process.env, MERIDIAN_CONFIG_DIR: configDir, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' };
}

const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function spawnCli(args, { inherit = false } = {}) {
  const [cmd, ...prefix] = cliCommand();
  const child = spawn(cmd, [...prefix, ...args], {
    cwd: REPO_ROOT,
    env: cliEnv(),
    stdio: inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Runs the CLI to completion; rejects with its output unless it exits 0 within `timeoutMs`. */
export function runCli(args, timeoutMs) {
  return new Promise((resolvePromise, reject) => {
    const child = spawnCli(args);
    let output = '';
    child.stdout.setEncoding('utf8').on('data', d => (output += d));
    child.stderr.setEncoding('utf8').on('data', d => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', e => {
      clearTimeout(timer);
      reject(new Error(`could not run the Meridian CLI: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(output);
      else reject(new Error(`meridian ${args.join(' ')} failed (${signal ?? `exit code ${code}`}):\n${tail(output)}`));
    });
  });
}

/** `meridian generate --lang typescript` for a module directory (relative to the repository root). */
export function generateBindings(moduleDir, outDir) {
  return runCli(['generate', '--lang', 'typescript', '--out-dir', outDir, '-p', moduleDir, '--yes'], TIMEOUTS.publish);
}

const LISTENING = /^Meridian listening on (http:\/\/127\.0\.0\.1:(\d+))\s*$/;

/** A `meridian start` process. */
export class Server {
  #child;
  #log;
  #exited;

  constructor(child, log, exited, httpUrl, port, dataDir, ownsDataDir) {
    this.#child = child;
    this.#log = log;
    this.#exited = exited;
    this.httpUrl = httpUrl;
    this.port = port;
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
  }

  /** What the SDK's withUri gets. */
  get wsUrl() {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** The last lines of the server's output. */
  logTail(lines = 40) {
    return this.#log.slice(-lines).join('\n');
  }

  /**
   * Starts a server on `listen` (default 127.0.0.1:0) with `dataDir` (default: a fresh temporary
   * directory, removed on stop); resolves once it prints its listening line.
   */
  static start({ listen = '127.0.0.1:0', dataDir } = {}) {
    const ownsDataDir = !dataDir;
    dataDir ??= mkdtempSync(join(tmpdir(), 'meridian-samples-data-'));
    const child = spawnCli(['start', '--listen-addr', listen, '--data-dir', dataDir]);
    const log = [];
    const remember = line => {
      log.push(line);
      if (log.length > 200) log.shift();
    };
    const exited = new Promise(r => child.on('close', (code, signal) => r({ code, signal })));
    return new Promise((resolvePromise, reject) => {
      let settled = false;
      const fail = why => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${why}\n${log.slice(-30).join('\n')}`));
      };
      const timer = setTimeout(() => fail(`meridian start did not print its listening line within ${TIMEOUTS.start / 1000} s`), TIMEOUTS.start);
      createInterface({ input: child.stderr }).on('line', remember);
      createInterface({ input: child.stdout }).on('line', line => {
        remember(line);
        const match = LISTENING.exec(line);
        if (match && !settled) {
          settled = true;
          clearTimeout(timer);
          resolvePromise(new Server(child, log, exited, match[1], Number(match[2]), dataDir, ownsDataDir));
        }
      });
      child.on('error', e => fail(`could not run the Meridian CLI: ${e.message}`));
      child.on('close', (code, signal) => fail(`meridian start exited (${signal ?? `code ${code}`}) before listening`));
    });
  }

  /** `meridian publish -p <moduleDir> --yes <name>` against this server. */
  async publish(moduleDir, name) {
    try {
      await runCli(['publish', '-p', moduleDir, '-s', this.httpUrl, '--yes', name], TIMEOUTS.publish);
    } catch (e) {
      throw new Error(`${e.message}\nserver output:\n${this.logTail(20)}`);
    }
  }

  /** SIGTERM, then SIGKILL after TIMEOUTS.stop; removes a temporary data directory. */
  async stop() {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), TIMEOUTS.stop);
      await this.#exited;
      clearTimeout(timer);
    }
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

function tail(text, lines = 40) {
  return text.trimEnd().split('\n').slice(-lines).join('\n') || '(no output)';
}
