import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cliCommand } from './cli.js';
import { REPO_ROOT } from './paths.js';
import { MeridianServer } from './server.js';

/**
 * The chat module directory, relative to the repository root (the CLI's working
 * directory): samples/chat, or MERIDIAN_E2E_MODULE_DIR (e.g. an unmodified
 * upstream SpacetimeDB C# chat module).
 */
export const CHAT_MODULE_DIR = process.env.MERIDIAN_E2E_MODULE_DIR || 'samples/chat';
export const DATABASE = 'chat';

/**
 * One server with samples/chat published, shared by the tests of a file and
 * started by the first test that asks for it. A failure to start or publish is
 * remembered, so every test fails with the same message instead of retrying.
 */
export class ChatFixture {
  #dataDir: string | undefined;
  #server: MeridianServer | undefined;
  #ready: Promise<MeridianServer> | undefined;

  /** The running server; starts it and publishes the module on first use. */
  server(): Promise<MeridianServer> {
    this.#ready ??= this.#start();
    return this.#ready;
  }

  async #start(): Promise<MeridianServer> {
    const missing: string[] = [];
    try {
      cliCommand();
    } catch (e) {
      missing.push((e as Error).message);
    }
    if (!existsSync(resolve(REPO_ROOT, CHAT_MODULE_DIR))) {
      missing.push(`The chat module is missing: ${resolve(REPO_ROOT, CHAT_MODULE_DIR)} does not exist.`);
    }
    if (missing.length > 0) throw new Error(`no server to test against. ${missing.join(' ')}`);
    this.#dataDir = await mkdtemp(join(tmpdir(), 'meridian-e2e-'));
    this.#server = await MeridianServer.start(this.#dataDir);
    await this.#server.publish(CHAT_MODULE_DIR, DATABASE);
    return this.#server;
  }

  /**
   * Stops the server gracefully and starts a new one on the same data
   * directory (the database must come back without publishing again).
   */
  async restart(): Promise<{ stopped: Awaited<ReturnType<MeridianServer['stop']>>; server: MeridianServer }> {
    const old = await this.server();
    const stopped = await old.stop();
    this.#ready = MeridianServer.start(old.dataDir);
    this.#server = await this.#ready;
    return { stopped, server: this.#server };
  }

  /** The last server's output, for failure reports. */
  logTail(lines?: number): string {
    return this.#server?.logTail(lines) ?? '';
  }

  /** Stops the server and deletes the data directory (kept if MERIDIAN_E2E_KEEP_DATA is set). */
  async dispose(): Promise<void> {
    await this.#server?.stop();
    if (this.#dataDir === undefined) return;
    if (process.env.MERIDIAN_E2E_KEEP_DATA) {
      console.log(`# kept data directory ${this.#dataDir}`);
    } else {
      await rm(this.#dataDir, { recursive: true, force: true });
    }
  }
}
