import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it, type TestContext } from 'node:test';
import { takeSdkErrors } from './sdk-log.js';
import { MeridianServer } from './server.js';
import { TEST_TIMEOUT_MS } from './timeouts.js';

/**
 * One server of its own with one test module published, shared by the tests of a file
 * and started by the first test that asks for it; the connections a test opens are
 * closed after it.
 */
export class ModuleFixture<Conn extends { disconnect(): void }> {
  /** Connections opened by the running test (add each one right after building it). */
  readonly open = new Set<Conn>();
  #dataDir: string | undefined;
  #ready: Promise<MeridianServer> | undefined;

  constructor(
    readonly moduleDir: string,
    readonly database: string
  ) {}

  /** The running server; starts it and publishes the module on first use. */
  server(): Promise<MeridianServer> {
    this.#ready ??= (async () => {
      this.#dataDir = await mkdtemp(join(tmpdir(), `meridian-e2e-${this.database}-`));
      const s = await MeridianServer.start(this.#dataDir);
      await s.publish(this.moduleDir, this.database);
      return s;
    })();
    return this.#ready;
  }

  /** A test whose failures carry the server's last output; errors the SDK logged fail it too. */
  test(name: string, body: (t: TestContext) => Promise<void>): void {
    it(name, { timeout: TEST_TIMEOUT_MS }, async t => {
      takeSdkErrors();
      try {
        await body(t);
        const errors = takeSdkErrors();
        assert.deepEqual(errors, [], `the SDK logged errors:\n${errors.join('\n')}`);
      } catch (e) {
        const s = await this.#ready?.catch(() => undefined);
        const tail = s?.logTail(40);
        if (tail) t.diagnostic(`server output (last lines):\n${tail}`);
        throw e;
      } finally {
        this.#closeAll();
      }
    });
  }

  /** Stops the server and deletes its data directory (for `after`). */
  async dispose(): Promise<void> {
    this.#closeAll();
    const s = await this.#ready?.catch(() => undefined);
    await s?.stop();
    if (this.#dataDir !== undefined) await rm(this.#dataDir, { recursive: true, force: true });
  }

  #closeAll(): void {
    for (const c of this.open) c.disconnect();
    this.open.clear();
  }
}
