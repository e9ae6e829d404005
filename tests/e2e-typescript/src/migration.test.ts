// End-to-end: a compatible migration under a client of the official TypeScript SDK. The module
// tests/Modules/MigrateE2eV1 is published as `migrate`; a client built with its bindings subscribes
// to player and (separately) to note. Publishing MigrateE2eV2 (player gains `score` with [Default(100)],
// a badge table is added) keeps the client connected: its player subscription ends with an error
// saying to subscribe again (those rows changed shape), its note subscription stays live, and a
// client built with the V2 bindings sees the existing players with score 100 and the new table.
// Publishing MigrateE2eV3 (removes the empty badge table) without --break-clients is refused with
// the plan and the flag named, and changes nothing: V2's badge table keeps working.

import assert from 'node:assert/strict';
import { after, describe } from 'node:test';
import { DbConnection as V1Connection } from './migrate_v1_bindings/index.js';
import { DbConnection as V2Connection } from './migrate_v2_bindings/index.js';
import { describeCommand, runCli } from './support/cli.js';
import { nextCallback, reducerCall } from './support/client.js';
import { ModuleFixture } from './support/module-fixture.js';
import { TIMEOUTS, within } from './support/timeouts.js';

const DATABASE = 'migrate';
const fixture = new ModuleFixture<{ disconnect(): void }>('tests/Modules/MigrateE2eV1', DATABASE);

type Builder = {
  withUri(uri: string): Builder;
  withDatabaseName(name: string): Builder;
  onConnect(cb: (conn: unknown) => void): Builder;
  onConnectError(cb: (ctx: unknown, error: Error) => void): Builder;
  onDisconnect(cb: () => void): Builder;
  build(): { disconnect(): void };
};

async function connect<C>(label: string, builder: () => unknown, disconnected?: () => void): Promise<C> {
  const s = await fixture.server();
  const connected = new Promise<C>((resolve, reject) => {
    const conn = (builder() as Builder)
      .withUri(s.wsUrl)
      .withDatabaseName(DATABASE)
      .onConnect(c => resolve(c as C))
      .onConnectError((_ctx, error) => reject(new Error(`${label}: connect failed: ${error?.message ?? error}`)))
      .onDisconnect(() => disconnected?.())
      .build();
    fixture.open.add(conn);
  });
  return within(TIMEOUTS.event, `${label}: onConnect`, connected);
}

type SubscriptionBuilder = {
  onApplied(cb: () => void): SubscriptionBuilder;
  onError(cb: (ctx: { event?: Error }) => void): SubscriptionBuilder;
  subscribe(queries: string[]): unknown;
};

/** Subscribes; resolves when applied. `ended` receives the error that ends it later, if any. */
function subscribe(builder: SubscriptionBuilder, query: string, ended?: (message: string) => void): Promise<void> {
  let applied = false;
  return within(
    TIMEOUTS.event,
    `onApplied of ${query}`,
    new Promise<void>((resolve, reject) => {
      builder
        .onApplied(() => {
          applied = true;
          resolve();
        })
        .onError(ctx => {
          const message = ctx.event?.message ?? 'no message';
          if (applied) ended?.(message);
          else reject(new Error(`subscription to ${query} failed: ${message}`));
        })
        .subscribe([query]);
    })
  );
}

async function publishRaw(moduleDir: string, extra: string[]) {
  const s = await fixture.server();
  const args = ['publish', '-p', moduleDir, '-s', s.httpUrl, ...extra, DATABASE];
  const result = await runCli(args, TIMEOUTS.publish);
  assert.ok(!result.timedOut, `meridian publish did not finish: ${describeCommand(args)}`);
  return result;
}

describe('migrations: a client of the official TypeScript SDK across a module update', () => {
  after(() => fixture.dispose());

  fixture.test('stays connected across a compatible migration and sees the new column and table; a breaking one is refused', async () => {
    let v1Disconnected = false;
    const v1 = await connect<V1Connection>('v1 client', () => V1Connection.builder(), () => (v1Disconnected = true));
    let playerApplied!: Promise<void>;
    const playerEndedSeen = new Promise<string>(resolve => {
      playerApplied = subscribe(v1.subscriptionBuilder() as unknown as SubscriptionBuilder, 'SELECT * FROM player', resolve);
    });
    await playerApplied;
    await subscribe(v1.subscriptionBuilder() as unknown as SubscriptionBuilder, 'SELECT * FROM note');
    await reducerCall('add_player ann', v1.reducers.addPlayer({ name: 'ann' }));
    await reducerCall('add_player bob', v1.reducers.addPlayer({ name: 'bob' }));
    await reducerCall('add_note before', v1.reducers.addNote({ text: 'before' }));
    assert.deepEqual([...v1.db.player.iter()].map(p => p.name).sort(), ['ann', 'bob']);

    // The compatible migration.
    const s = await fixture.server();
    await s.publish('tests/Modules/MigrateE2eV2', DATABASE);
    const reason = await within(TIMEOUTS.event, 'the v1 client: player subscription ended', playerEndedSeen);
    assert.match(reason, /'player' changed shape; subscribe again/);
    assert.equal(v1Disconnected, false, 'the v1 client was disconnected by a compatible migration');

    // The v1 client's other subscription is live and its reducers still run.
    const noteArrives = nextCallback<Parameters<Parameters<V1Connection['db']['note']['onInsert']>[0]>>(
      'v1 client: onInsert of note "after"',
      cb => v1.db.note.onInsert(cb),
      cb => v1.db.note.removeOnInsert(cb),
      (_ctx, row) => row.text === 'after'
    );
    await reducerCall('add_note after', v1.reducers.addNote({ text: 'after' }));
    await noteArrives;

    // A client with the new bindings sees the existing rows with the default, and the new table.
    const v2 = await connect<V2Connection>('v2 client', () => V2Connection.builder());
    await subscribe(v2.subscriptionBuilder() as unknown as SubscriptionBuilder, 'SELECT * FROM player');
    await subscribe(v2.subscriptionBuilder() as unknown as SubscriptionBuilder, 'SELECT * FROM badge');
    assert.deepEqual(
      [...v2.db.player.iter()].map(p => [p.id, p.name, p.score]).sort((a, b) => Number(a[0]) - Number(b[0])),
      [
        [1n, 'ann', 100],
        [2n, 'bob', 100],
      ]
    );

    // Removing the (still empty) badge table breaks clients: refused without --break-clients, nothing changes.
    const refused = await publishRaw('tests/Modules/MigrateE2eV3', ['--yes']);
    assert.notEqual(refused.code, 0, `publishing V3 without --break-clients succeeded:\n${refused.output}`);
    assert.match(refused.output, /--break-clients/);
    assert.match(refused.output, /badge/);
    assert.equal(v1Disconnected, false);

    // Still V2: the new table works.
    const badgeArrives = nextCallback<Parameters<Parameters<V2Connection['db']['badge']['onInsert']>[0]>>(
      'v2 client: onInsert of badge',
      cb => v2.db.badge.onInsert(cb),
      cb => v2.db.badge.removeOnInsert(cb),
      (_ctx, row) => row.code === 'gold'
    );
    await reducerCall('add_badge gold', v2.reducers.addBadge({ code: 'gold' }));
    await badgeArrives;
    await reducerCall('add_player cy', v2.reducers.addPlayer({ name: 'cy' }));
    assert.deepEqual(
      [...v2.db.player.iter()].filter(p => p.name === 'cy').map(p => p.score),
      [1]
    );
  });
});
