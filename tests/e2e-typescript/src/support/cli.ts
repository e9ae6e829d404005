import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

/** Where `dotnet build src/Meridian.Cli -c Debug` puts the CLI. */
export const DEFAULT_CLI_DLL = join(
  REPO_ROOT, 'src', 'Meridian.Cli', 'bin', 'Debug', 'net10.0', 'Meridian.Cli.dll'
);

/**
 * The command prefix that runs the Meridian CLI: `$MERIDIAN_CLI` split like a
 * shell would (quotes group words), else `dotnet <DEFAULT_CLI_DLL>`. Throws a
 * message saying what is missing when the CLI cannot be run.
 */
export function cliCommand(): string[] {
  const override = process.env.MERIDIAN_CLI;
  if (override !== undefined && override.trim() !== '') {
    return splitCommand(override);
  }
  if (!existsSync(DEFAULT_CLI_DLL)) {
    throw new Error(
      `Meridian CLI not found: ${DEFAULT_CLI_DLL} does not exist. ` +
        'Build it with `dotnet build src/Meridian.Cli -c Debug` (tests/e2e-typescript/run.sh does), ' +
        'or set MERIDIAN_CLI to a command prefix that runs it.'
    );
  }
  return ['dotnet', DEFAULT_CLI_DLL];
}

/** Splits a command line into words; single and double quotes group, backslash escapes. */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote !== undefined) throw new Error(`unbalanced ${quote} in MERIDIAN_CLI: ${line}`);
  if (word !== undefined) words.push(word);
  if (words.length === 0) throw new Error('MERIDIAN_CLI is empty');
  return words;
}

/**
 * The CLI's configuration directory for this test process. The CLI saves a token per server
 * URL; servers here listen on port 0, so a later server can get the port of an earlier one
 * (from this run or an earlier one) and would reject the token saved for it. A directory of
 * our own per process keeps the user's configuration out of the tests, and theirs out of ours.
 */
const CLI_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'meridian-e2e-cli-'));
process.on('exit', () => rmSync(CLI_CONFIG_DIR, { recursive: true, force: true }));

/** Environment for CLI processes: quiet .NET and a configuration directory of the tests' own. */
export function cliEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    MERIDIAN_CONFIG_DIR: CLI_CONFIG_DIR,
    DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    DOTNET_NOLOGO: '1',
    DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1',
  };
}

/** Spawns the CLI with `args` from the repository root, stdin closed. */
export function spawnCli(args: string[]): ChildProcess {
  const [cmd, ...prefix] = cliCommand();
  const child = spawn(cmd!, [...prefix, ...args], {
    cwd: REPO_ROOT,
    env: cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  return child;
}

export type CliResult = { code: number | null; signal: NodeJS.Signals | null; output: string };

/**
 * Runs the CLI to completion and returns its exit status and combined output.
 * Kills it (and reports a timeout) after `timeoutMs`; rejects only when it
 * could not be started at all.
 */
export function runCli(args: string[], timeoutMs: number): Promise<CliResult & { timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawnCli(args);
    } catch (e) {
      reject(e);
      return;
    }
    let output = '';
    let timedOut = false;
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', e => {
      clearTimeout(timer);
      reject(new Error(`could not run the Meridian CLI (${describeCommand(args)}): ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, timedOut });
    });
  });
}

export function describeCommand(args: string[]): string {
  let prefix: string[];
  try {
    prefix = cliCommand();
  } catch {
    prefix = ['<meridian>'];
  }
  return [...prefix, ...args].join(' ');
}

// Every child still running when this process exits is killed, so a failed or
// interrupted run never leaves a server behind.
const liveChildren = new Set<ChildProcess>();
function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.on('exit', () => liveChildren.delete(child));
  child.on('error', () => liveChildren.delete(child));
}
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});
