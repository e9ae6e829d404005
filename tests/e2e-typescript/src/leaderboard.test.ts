// End-to-end: a live leaderboard through the official TypeScript SDK. The client subscribes
// to an ordered window, `SELECT * FROM player ORDER BY score DESC LIMIT 10`, of the test
// module tests/Modules/Leaderboard, and its cache must always hold exactly the ten best
// players: a player whose new score enters the top ten arrives as an insert and pushes the
// tenth out as a delete; a player falling out lets the eleventh back in; a change among
// the players below the window sends nothing; a change inside it is an update.

import assert from 'node:assert/strict';
import { after, describe } from 'node:test';
import { DbConnection } from './leaderboard_bindings/index.js';
import { nextCallback } from './support/client.js';
import { ModuleFixture } from './support/module-fixture.js';
import { TIMEOUTS, within } from './support/timeouts.js';

const MODULE_DIR = 'tests/Modules/Leaderboard';
const DATABASE = 'leaderboard';
const TOP_TEN = 'SELECT * FROM player ORDER BY score DESC LIMIT 10';

const fixture = new ModuleFixture<DbConnection>(MODULE_DIR, DATABASE);

type Db = DbConnection['db'];
type PlayerInsert = Parameters<Parameters<Db['player']['onInsert']>[0]>;
type PlayerUpdate = Parameters<Parameters<Db['player']['onUpdate']>[0]>;
type PlayerDelete = Parameters<Parameters<Db['player']['onDelete']>[0]>;

async function connect(label: string): Promise<DbConnection> {
  const s = await fixture.server();
  const connected = new Promise<DbConnection>((resolve, reject) => {
    const conn = DbConnection.builder()
      .withUri(s.wsUrl)
      .withDatabaseName(DATABASE)
      .onConnect(c => resolve(c as DbConnection))
      .onConnectError((_ctx, error) => reject(new Error(`${label}: connect failed: ${error?.message ?? error}`)))
      .build();
    fixture.open.add(conn);
  });
  return within(TIMEOUTS.event, `${label}: onConnect`, connected);
}

function subscribe(conn: DbConnection, query: string): Promise<void> {
  return within(
    TIMEOUTS.event,
    `onApplied of ${query}`,
    new Promise<void>((resolve, reject) => {
      conn
        .subscriptionBuilder()
        .onApplied(() => resolve())
        .onError(ctx => reject(new Error(`subscription failed: ${ctx.event?.message ?? 'no message'}`)))
        .subscribe([query]);
    })
  );
}

function call(what: string, p: Promise<void>): Promise<void> {
  return within(TIMEOUTS.event, `reducer result for ${what}`, p);
}

/** The ids in the client's cache, best score first. */
function cachedIds(conn: DbConnection): bigint[] {
  return [...conn.db.player.iter()]
    .sort((a, b) => (a.score === b.score ? 0 : a.score > b.score ? -1 : 1))
    .map(p => p.id);
}

function range(from: number, to: number): bigint[] {
  const ids: bigint[] = [];
  for (let i = from; i >= to; i--) ids.push(BigInt(i));
  return ids;
}

describe('leaderboard module: a live top-10 window through the official TypeScript SDK', () => {
  after(() => fixture.dispose());

  fixture.test('rows move in and out of the window as scores change', async () => {
    const writer = await connect('writer');
    // Players 1..30 with scores equal to their ids: the top ten are 30..21.
    await call('seed', writer.reducers.seed({ firstId: 1n, count: 30 }));

    const viewer = await connect('viewer');
    await subscribe(viewer, TOP_TEN);
    assert.deepEqual(cachedIds(viewer), range(30, 21));

    let events = 0;
    viewer.db.player.onInsert(() => events++);
    viewer.db.player.onDelete(() => events++);
    viewer.db.player.onUpdate(() => events++);

    // Player 5 jumps to the top: it enters, player 21 is pushed out.
    const fiveEnters = nextCallback<PlayerInsert>(
      'viewer: onInsert of player 5',
      cb => viewer.db.player.onInsert(cb),
      cb => viewer.db.player.removeOnInsert(cb),
      (_ctx, row) => row.id === 5n
    );
    const twentyOneLeaves = nextCallback<PlayerDelete>(
      'viewer: onDelete of player 21',
      cb => viewer.db.player.onDelete(cb),
      cb => viewer.db.player.removeOnDelete(cb),
      (_ctx, row) => row.id === 21n
    );
    await call('set_score 5 -> 100', writer.reducers.setScore({ id: 5n, name: 'p5', score: 100n }));
    const [, five] = await fiveEnters;
    assert.equal(five.score, 100n);
    await twentyOneLeaves;
    assert.deepEqual(cachedIds(viewer), [5n, ...range(30, 22)]);

    // Player 30 falls to the bottom: it leaves, player 21 comes back.
    const thirtyLeaves = nextCallback<PlayerDelete>(
      'viewer: onDelete of player 30',
      cb => viewer.db.player.onDelete(cb),
      cb => viewer.db.player.removeOnDelete(cb),
      (_ctx, row) => row.id === 30n
    );
    const twentyOneReturns = nextCallback<PlayerInsert>(
      'viewer: onInsert of player 21',
      cb => viewer.db.player.onInsert(cb),
      cb => viewer.db.player.removeOnInsert(cb),
      (_ctx, row) => row.id === 21n
    );
    await call('set_score 30 -> 0', writer.reducers.setScore({ id: 30n, name: 'p30', score: 0n }));
    await thirtyLeaves;
    await twentyOneReturns;
    assert.deepEqual(cachedIds(viewer), [5n, ...range(29, 21)]);

    // Changes below the window send nothing; a change inside it arrives as an update.
    const before = events;
    await call('set_score 3 -> 4', writer.reducers.setScore({ id: 3n, name: 'p3', score: 4n }));
    await call('remove_player 2', writer.reducers.removePlayer({ id: 2n }));
    const fiveUpdated = nextCallback<PlayerUpdate>(
      'viewer: onUpdate of player 5',
      cb => viewer.db.player.onUpdate(cb),
      cb => viewer.db.player.removeOnUpdate(cb),
      (_ctx, _old, row) => row.id === 5n
    );
    await call('set_score 5 -> 150', writer.reducers.setScore({ id: 5n, name: 'p5', score: 150n }));
    const [, oldFive, newFive] = await fiveUpdated;
    assert.equal(oldFive.score, 100n);
    assert.equal(newFive.score, 150n);
    assert.equal(events - before, 1, 'changes below the window reached the client');
    assert.deepEqual(cachedIds(viewer), [5n, ...range(29, 21)]);

    // Removing a player in the window lets the next one in.
    const twentyEnters = nextCallback<PlayerInsert>(
      'viewer: onInsert of player 20',
      cb => viewer.db.player.onInsert(cb),
      cb => viewer.db.player.removeOnInsert(cb),
      (_ctx, row) => row.id === 20n
    );
    await call('remove_player 29', writer.reducers.removePlayer({ id: 29n }));
    await twentyEnters;
    assert.deepEqual(cachedIds(viewer), [5n, ...range(28, 20)]);
  });
});
