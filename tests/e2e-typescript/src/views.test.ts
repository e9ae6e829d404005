// End-to-end: views through the official SpacetimeDB TypeScript SDK (npm
// `spacetimedb`, unmodified) against a Meridian server running
// tests/Modules/Views, with the bindings `meridian generate` writes into
// src/views_bindings at every run (run.sh). A view is subscribed to like a table
// (`subscribeToAllTables`), its rows are computed for the calling client when the
// view reads the sender, and the client receives the view's changes when the
// tables it reads change. A view with a primary key gets onUpdate; one without
// (my_player) gets a delete and an insert, and its onUpdate never fires.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Identity } from 'spacetimedb';
import { DbConnection } from './views_bindings/index.js';
import { MeridianServer } from './support/server.js';
import { TEST_TIMEOUT_MS, TIMEOUTS, within } from './support/timeouts.js';
import './support/sdk-log.js';

const MODULE_DIR = 'tests/Modules/Views';
const DATABASE = 'views';

type Client = { label: string; conn: DbConnection; identity: Identity };

let server: Promise<{ server: MeridianServer; dataDir: string }> | undefined;
const open: DbConnection[] = [];

function start(): Promise<{ server: MeridianServer; dataDir: string }> {
  server ??= (async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'meridian-e2e-views-'));
    const s = await MeridianServer.start(dataDir);
    await s.publish(MODULE_DIR, DATABASE);
    return { server: s, dataDir };
  })();
  return server;
}

/** Connects and subscribes to every table and view, or to `queries` only. */
async function connect(label: string, queries?: string[]): Promise<Client> {
  const { server: s } = await start();
  let conn!: DbConnection;
  const connected = new Promise<Identity>((resolve, reject) => {
    conn = DbConnection.builder()
      .withUri(s.wsUrl)
      .withDatabaseName(DATABASE)
      .onConnect((_c, identity) => resolve(identity))
      .onConnectError((_ctx, error) => reject(new Error(`${label}: connect failed: ${error?.message ?? error}`)))
      .build();
    open.push(conn);
  });
  const identity = await within(TIMEOUTS.event, `${label}: onConnect`, connected);
  await within(
    TIMEOUTS.event,
    `${label}: onApplied of ${queries ? queries.join('; ') : 'subscribeToAllTables'}`,
    new Promise<void>((resolve, reject) => {
      const builder = conn
        .subscriptionBuilder()
        .onApplied(() => resolve())
        .onError(ctx => reject(new Error(`${label}: subscription failed: ${ctx.event?.message ?? 'no message'}`)));
      if (queries) builder.subscribe(queries);
      else builder.subscribeToAllTables();
    })
  );
  return { label, conn, identity };
}

/** Polls `condition` until it holds (the SDK applies updates before its callbacks run). */
async function until(what: string, condition: () => boolean): Promise<void> {
  await within(
    TIMEOUTS.event,
    what,
    new Promise<void>(resolve => {
      const tick = () => (condition() ? resolve() : setTimeout(tick, 20));
      tick();
    })
  );
}

after(async () => {
  for (const conn of open) conn.disconnect();
  if (server === undefined) return;
  const { server: s, dataDir } = await server;
  await s.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('views through the TypeScript SDK', () => {
  it('delivers each caller its own view rows and follows the tables they read', { timeout: TEST_TIMEOUT_MS }, async () => {
    const a = await connect('a');
    const b = await connect('b');
    assert.equal(a.conn.db.myPlayer.count(), 0n);

    const inserted = new Promise<void>(resolve => a.conn.db.myPlayer.onInsert((_ctx, row) => row.name === 'alice' && resolve()));
    await within(TIMEOUTS.event, 'join_game(alice)', a.conn.reducers.joinGame({ name: 'alice', team: 1 }));
    await within(TIMEOUTS.event, 'a: onInsert of my_player', inserted);
    const mine = [...a.conn.db.myPlayer.iter()];
    assert.equal(mine.length, 1);
    assert.ok(mine[0].identity.isEqual(a.identity));
    // b's view is its own: a joining does not give b a row.
    await until('b sees alice in player', () => [...b.conn.db.player.iter()].some(p => p.name === 'alice'));
    assert.equal(b.conn.db.myPlayer.count(), 0n);

    await within(TIMEOUTS.event, 'join_game(bob)', b.conn.reducers.joinGame({ name: 'bob', team: 2 }));
    await until('b sees its own row in my_player', () => [...b.conn.db.myPlayer.iter()].some(p => p.name === 'bob'));
    assert.deepEqual([...a.conn.db.myPlayer.iter()].map(p => p.name), ['alice']);

    // my_player has no primary key: a change to the row it shows is a delete and an insert, never an update.
    // (SDK 2.10.1's types offer onUpdate on every table: its primary-key test is true for a row without one.)
    let myPlayerUpdates = 0;
    a.conn.db.myPlayer.onUpdate(() => myPlayerUpdates++);
    const deletedScore = new Promise<bigint>(resolve => a.conn.db.myPlayer.onDelete((_ctx, row) => resolve(row.score)));
    const insertedScore = new Promise<bigint>(resolve => a.conn.db.myPlayer.onInsert((_ctx, row) => resolve(row.score)));
    await within(TIMEOUTS.event, 'set_score', a.conn.reducers.setScore({ id: mine[0].id, score: 1500n }));
    assert.equal(await within(TIMEOUTS.event, 'a: onDelete of my_player', deletedScore), 0n);
    assert.equal(await within(TIMEOUTS.event, 'a: onInsert of my_player', insertedScore), 1500n);
    assert.equal(myPlayerUpdates, 0);
    assert.deepEqual([...a.conn.db.myPlayer.iter()].map(p => [p.id, p.score]), [[mine[0].id, 1500n]]);

    // The anonymous view over an index range and the query-builder views see it too, for everyone.
    await until('b sees alice enter high_scorers', () => [...b.conn.db.highScorers.iter()].some(p => p.name === 'alice'));
    await until('b sees team_one', () => [...b.conn.db.teamOne.iter()].map(p => p.name).join() === 'alice');
    await until('a sees all_players', () => a.conn.db.allPlayers.count() === 2n);

    // high_scorers has a primary key (id): a change to a row it holds is onUpdate.
    const highUpdate = new Promise<[bigint, bigint]>(resolve =>
      b.conn.db.highScorers.onUpdate((_ctx, old, row) => row.name === 'alice' && resolve([old.score, row.score]))
    );
    await within(TIMEOUTS.event, 'set_score(alice, 2000)', a.conn.reducers.setScore({ id: mine[0].id, score: 2000n }));
    assert.deepEqual(await within(TIMEOUTS.event, 'b: onUpdate of high_scorers', highUpdate), [1500n, 2000n]);

    // my_notes has a primary key and reads the sender: each caller sees only its own notes.
    const noted = new Promise<string>(resolve => a.conn.db.myNotes.onInsert((_ctx, row) => resolve(row.text)));
    await within(TIMEOUTS.event, 'add_note', a.conn.reducers.addNote({ text: 'hello' }));
    assert.equal(await within(TIMEOUTS.event, 'a: onInsert of my_notes', noted), 'hello');
    await until('b sees the note in note', () => b.conn.db.note.count() === 1n);
    assert.equal(b.conn.db.myNotes.count(), 0n);

    // The live aggregate: one row per team, updated in place as scores change.
    await until('team_stats has both teams', () => b.conn.db.teamStats.count() === 2n);
    await until('team_stats follows alice', () => [...b.conn.db.teamStats.iter()].find(s => s.team === 1)?.totalScore === 2000n);
    const team1 = [...b.conn.db.teamStats.iter()].find(s => s.team === 1)!;
    assert.deepEqual([team1.players, team1.totalScore, team1.minScore, team1.maxScore], [1n, 2000n, 2000n, 2000n]);
    const statUpdate = new Promise<bigint>(resolve =>
      b.conn.db.teamStats.onUpdate((_ctx, _old, row) => row.team === 2 && resolve(row.maxScore))
    );
    const bob = [...b.conn.db.myPlayer.iter()][0];
    await within(TIMEOUTS.event, 'set_score(bob)', b.conn.reducers.setScore({ id: bob.id, score: 42n }));
    assert.equal(await within(TIMEOUTS.event, 'b: onUpdate of team_stats', statUpdate), 42n);
    await until('bob leaves nothing in high_scorers', () => [...a.conn.db.highScorers.iter()].map(p => p.name).join() === 'alice');
  });

  it('keeps a subscription with a WHERE on a view to the matching rows as they change', { timeout: TEST_TIMEOUT_MS }, async () => {
    const w = await connect('w');
    const f = await connect('f', ['SELECT * FROM high_scorers WHERE score > 2500', "SELECT my_notes.* FROM my_notes WHERE text = 'keep'"]);
    assert.equal(f.conn.db.highScorers.count(), 0n); // alice (2000) is a high scorer, not over 2500

    await within(TIMEOUTS.event, 'join_game(carol)', f.conn.reducers.joinGame({ name: 'carol', team: 3 }));
    await until('w sees carol', () => [...w.conn.db.player.iter()].some(p => p.name === 'carol'));
    const carol = [...w.conn.db.player.iter()].find(p => p.name === 'carol')!;
    const entered = new Promise<bigint>(resolve => f.conn.db.highScorers.onInsert((_ctx, row) => row.name === 'carol' && resolve(row.score)));
    await within(TIMEOUTS.event, 'set_score(carol, 3000)', w.conn.reducers.setScore({ id: carol.id, score: 3000n }));
    assert.equal(await within(TIMEOUTS.event, 'f: onInsert of high_scorers', entered), 3000n);

    // Within the filter, a change to a row of a view with a primary key is an update.
    const updated = new Promise<[bigint, bigint]>(resolve => f.conn.db.highScorers.onUpdate((_ctx, old, row) => resolve([old.score, row.score])));
    await within(TIMEOUTS.event, 'set_score(carol, 2600)', w.conn.reducers.setScore({ id: carol.id, score: 2600n }));
    assert.deepEqual(await within(TIMEOUTS.event, 'f: onUpdate of high_scorers', updated), [3000n, 2600n]);

    // Out of the filter while still in the view: a delete for this client, an update for a whole-view subscriber.
    const left = new Promise<bigint>(resolve => f.conn.db.highScorers.onDelete((_ctx, row) => resolve(row.score)));
    await within(TIMEOUTS.event, 'set_score(carol, 2400)', w.conn.reducers.setScore({ id: carol.id, score: 2400n }));
    assert.equal(await within(TIMEOUTS.event, 'f: onDelete of high_scorers', left), 2600n);
    await until('w sees carol at 2400 in high_scorers', () => [...w.conn.db.highScorers.iter()].some(p => p.name === 'carol' && p.score === 2400n));
    assert.equal(f.conn.db.highScorers.count(), 0n);

    // A sender view with a WHERE: the caller's own notes that match.
    await within(TIMEOUTS.event, 'add_note(drop)', f.conn.reducers.addNote({ text: 'drop' }));
    await within(TIMEOUTS.event, 'add_note(keep)', f.conn.reducers.addNote({ text: 'keep' }));
    await within(TIMEOUTS.event, 'w: add_note(keep)', w.conn.reducers.addNote({ text: 'keep' }));
    await until('f holds its note "keep"', () => f.conn.db.myNotes.count() === 1n);
    await until('w sees the three new notes', () => w.conn.db.note.count() === 4n);
    assert.deepEqual([...f.conn.db.myNotes.iter()].map(n => [n.text, n.owner.isEqual(f.identity)]), [['keep', true]]);
  });

  it('keeps joins of views with tables and with views live, per caller', { timeout: TEST_TIMEOUT_MS }, async () => {
    // The shapes of upstream's C# SDK regression client: a table joined with a view on the view's primary key, the
    // semijoin returning the view's rows, and two views joined on their keys (my_player_pk reads the sender).
    const j = await connect('j', [
      'SELECT m.* FROM membership m JOIN my_player_pk p ON m.player_id = p.id',
      'SELECT p.* FROM membership m JOIN high_scorers p ON m.player_id = p.id',
    ]);
    const k = await connect('k', ['SELECT m.* FROM membership m JOIN my_player_pk p ON m.player_id = p.id']);
    assert.equal(j.conn.db.membership.count(), 0n);

    await within(TIMEOUTS.event, 'join_game(jay)', j.conn.reducers.joinGame({ name: 'jay', team: 4 }));
    await within(TIMEOUTS.event, 'join_game(kay)', k.conn.reducers.joinGame({ name: 'kay', team: 4 }));
    const w = await connect('w2');
    await until('w2 sees jay and kay', () => [...w.conn.db.player.iter()].filter(p => p.team === 4).length === 2);
    const jay = [...w.conn.db.player.iter()].find(p => p.name === 'jay')!;
    const kay = [...w.conn.db.player.iter()].find(p => p.name === 'kay')!;

    // A membership of jay's enters j's join (his own view row) and not k's.
    const joined = new Promise<bigint>(resolve => j.conn.db.membership.onInsert((_ctx, row) => resolve(row.playerId)));
    await within(TIMEOUTS.event, 'add_membership(jay)', w.conn.reducers.addMembership({ id: 100n, playerId: jay.id }));
    assert.equal(await within(TIMEOUTS.event, 'j: onInsert of membership', joined), jay.id);
    await within(TIMEOUTS.event, 'add_membership(kay)', w.conn.reducers.addMembership({ id: 101n, playerId: kay.id }));
    await until('k holds its own membership', () => [...k.conn.db.membership.iter()].map(m => m.id).join() === '101');
    assert.deepEqual([...j.conn.db.membership.iter()].map(m => m.id), [100n]);

    // jay becomes a high scorer: his view row enters the semijoin; a change by key is an update.
    const entered = new Promise<string>(resolve => j.conn.db.highScorers.onInsert((_ctx, row) => resolve(row.name)));
    await within(TIMEOUTS.event, 'set_score(jay, 5000)', w.conn.reducers.setScore({ id: jay.id, score: 5000n }));
    assert.equal(await within(TIMEOUTS.event, 'j: onInsert of high_scorers', entered), 'jay');
    const updated = new Promise<[bigint, bigint]>(resolve =>
      j.conn.db.highScorers.onUpdate((_ctx, old, row) => row.name === 'jay' && resolve([old.score, row.score]))
    );
    await within(TIMEOUTS.event, 'set_score(jay, 6000)', w.conn.reducers.setScore({ id: jay.id, score: 6000n }));
    assert.deepEqual(await within(TIMEOUTS.event, 'j: onUpdate of high_scorers', updated), [5000n, 6000n]);

    // Out of the view: out of the join.
    const left = new Promise<string>(resolve => j.conn.db.highScorers.onDelete((_ctx, row) => resolve(row.name)));
    await within(TIMEOUTS.event, 'set_score(jay, 1)', w.conn.reducers.setScore({ id: jay.id, score: 1n }));
    assert.equal(await within(TIMEOUTS.event, 'j: onDelete of high_scorers', left), 'jay');
    assert.equal(j.conn.db.highScorers.count(), 0n);
  });

  it('refuses a join with a view that has no primary key, naming the view', { timeout: TEST_TIMEOUT_MS }, async () => {
    await assert.rejects(
      connect('bad', ['SELECT m.* FROM membership m JOIN my_player p ON m.player_id = p.id']),
      /View 'my_player' has no primary key/
    );
  });
});
