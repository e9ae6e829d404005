// The bindings `meridian generate` writes for tests/Modules/Everything (every kind of column
// type: all primitives, the special types, plain enums, sums, nested products, options, arrays
// and lists), used as an application uses them: their type builders encode values exactly as
// protocol.md says, and a real server round-trips rows of every type through the official SDK.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BinaryWriter, ConnectionId, Identity, TimeDuration, Timestamp, Uuid } from 'spacetimedb';
import { DbConnection, tables } from './everything_bindings/index.js';
import { Color, EveryComposite, EveryPrimitive, Point, Shape } from './everything_bindings/types.js';
import type { InsertSpecialParams } from './everything_bindings/types/reducers.js';
import { MeridianServer } from './support/server.js';
import { takeSdkErrors } from './support/sdk-log.js';
import { TEST_TIMEOUT_MS, TIMEOUTS, within } from './support/timeouts.js';

const MODULE_DIR = 'tests/Modules/Everything';
const DATABASE = 'everything';

function bytes<T>(builder: { serialize(w: BinaryWriter, v: T): void }, value: T): string {
  const writer = new BinaryWriter(64);
  builder.serialize(writer, value);
  return Buffer.from(writer.getBuffer()).toString('hex');
}

const composite = (rank: number): EveryComposite => ({
  rank,
  painted: { tag: 'DeepBlue' },
  where: { x: -1, y: 2 },
  drawn: { tag: 'Dot', value: { x: 3, y: 4 } },
  around: {
    name: 'outline',
    points: [{ x: 1, y: 1 }, { x: 2, y: 3 }],
    inner: { tag: 'Painted', value: { tag: 'Green' } },
    colors: [{ tag: 'Red' }, { tag: 'DeepBlue' }],
  },
  maybeNumber: 7,
  maybeText: undefined,
  maybePoint: { x: 9, y: -9 },
  words: ['a', 'bc'],
  shapes: [{ tag: 'Circle', value: 1.5 }, { tag: 'Label', value: 'hi' }],
  gaps: [1, undefined, 3],
});

const primitives: EveryPrimitive = {
  id: 0n,
  aBool: true,
  anI8: -128,
  au8: 255,
  anI16: -32768,
  au16: 65535,
  anI32: -2147483648,
  au32: 4294967295,
  anI64: -(2n ** 63n),
  au64: 2n ** 64n - 1n,
  anI128: -(2n ** 127n),
  au128: 2n ** 128n - 1n,
  anI256: -(2n ** 255n),
  au256: 2n ** 256n - 1n,
  anF32: 1.5,
  anF64: -0.125,
  aString: 'héllo',
};

describe('generated bindings of tests/Modules/Everything, without a server', () => {
  it('encode named products, plain enums and sums as BSATN', () => {
    assert.equal(bytes(Point, { x: 1, y: -1 }), '01000000' + 'ffffffff');
    assert.equal(bytes(Color, { tag: 'DeepBlue' }), '02');
    assert.equal(bytes(Shape, { tag: 'Label', value: 'hi' }), '02' + '02000000' + '6869');
    assert.equal(bytes(Shape, { tag: 'Dot', value: { x: 2, y: 3 } }), '00' + '02000000' + '03000000');
    assert.equal(bytes(Shape, { tag: 'Painted', value: { tag: 'Green' } }), '03' + '01');
  });

  it('encode options as sum tag 0 (some) or 1 (none), and arrays with a u32 length', () => {
    const row = composite(1);
    const encoded = bytes(EveryComposite, row);
    // ... maybe_number = some(7), maybe_text = none, maybe_point = some({9, -9}), words = ["a", "bc"] ...
    assert.ok(encoded.includes('00' + '07000000' + '01' + '00' + '09000000' + 'f7ffffff' + '02000000' + '01000000' + '61'), encoded);
    // gaps = [some(1), none, some(3)]
    assert.ok(encoded.endsWith('03000000' + '00' + '01000000' + '01' + '00' + '03000000'), encoded);
  });

  it('encode every primitive at its extremes', () => {
    const encoded = bytes(EveryPrimitive, primitives);
    assert.equal(encoded.slice(0, 18), '0000000000000000' + '01');
    assert.ok(encoded.includes('ff'.repeat(32)), 'u256 max is 32 bytes of ff');
    assert.ok(encoded.endsWith('06000000' + Buffer.from('héllo').toString('hex')), encoded);
  });

  it('name the tables, columns and reducers as the server does', () => {
    assert.deepEqual(Object.keys(tables).sort(), ['everyComposite', 'everyPrimitive', 'everySpecial']);
    const sql = tables.everyComposite.where(r => r.rank.eq(5)).toSql();
    assert.match(sql, /every_composite/);
    assert.match(sql, /rank/);
  });
});

describe('generated bindings of tests/Modules/Everything, against a server', () => {
  let server: MeridianServer | undefined;
  let dataDir: string | undefined;
  const connections: DbConnection[] = [];

  after(async () => {
    for (const c of connections) c.disconnect();
    await server?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  async function connect(): Promise<DbConnection> {
    if (server === undefined) {
      dataDir = await mkdtemp(join(tmpdir(), 'meridian-e2e-everything-'));
      server = await MeridianServer.start(dataDir);
      await server.publish(MODULE_DIR, DATABASE);
    }
    const url = server.wsUrl;
    const conn = await within(TIMEOUTS.event, 'connect to everything', new Promise<DbConnection>((resolve, reject) => {
      const c = DbConnection.builder()
        .withUri(url)
        .withDatabaseName(DATABASE)
        .onConnect(c => resolve(c))
        .onConnectError((_ctx, e) => reject(e))
        .build();
      connections.push(c);
    }));
    await within(TIMEOUTS.event, 'subscribe to everything', new Promise<void>((resolve, reject) => {
      conn.subscriptionBuilder()
        .onApplied(() => resolve())
        .onError(ctx => reject(new Error(ctx.event?.message ?? 'subscription failed')))
        .subscribeToAllTables();
    }));
    return conn;
  }

  it('round-trips a row of every composite type through a reducer and the client cache', { timeout: TEST_TIMEOUT_MS }, async () => {
    takeSdkErrors();
    const conn = await connect();
    const row = composite(42);
    await within(TIMEOUTS.event, 'insert_composite', conn.reducers.insertComposite({ row }));
    const cached = conn.db.everyComposite.rank.find(42);
    assert.ok(cached, 'the inserted row is in the cache');
    assert.equal(bytes(EveryComposite, cached), bytes(EveryComposite, row));
    assert.deepEqual(cached.drawn, { tag: 'Dot', value: { x: 3, y: 4 } });

    await within(TIMEOUTS.event, 'paint', conn.reducers.paint({ rank: 42, color: { tag: 'Red' }, shape: { tag: 'Circle', value: 2 } }));
    assert.equal(conn.db.everyComposite.rank.find(42)?.painted.tag, 'Red');
    assert.deepEqual(conn.db.everyComposite.rank.find(42)?.drawn, { tag: 'Circle', value: 2 });
    assert.deepEqual(takeSdkErrors(), []);
  });

  it('round-trips every primitive at its extremes, and the special types', { timeout: TEST_TIMEOUT_MS }, async () => {
    takeSdkErrors();
    const conn = await connect();
    await within(TIMEOUTS.event, 'insert_primitives', conn.reducers.insertPrimitives({ row: primitives }));
    const rows = [...conn.db.everyPrimitive.iter()];
    assert.equal(rows.length, 1);
    assert.equal(bytes(EveryPrimitive, { ...rows[0]!, id: 0n }), bytes(EveryPrimitive, primitives));
    assert.ok(rows[0]!.id > 0n, 'the auto-increment id was assigned');

    const special: InsertSpecialParams = {
      at: new Timestamp(1_700_000_000_123_456n),
      took: new TimeDuration(-5n),
      key: new Uuid(0x0123456789abcdef0123456789abcdefn),
      blob: new Uint8Array([0, 1, 254, 255]),
    };
    await within(TIMEOUTS.event, 'insert_special', conn.reducers.insertSpecial(special));
    // The module's unique index on `Owner` is typed as a ranged index (the SDK types uniqueness from
    // `.unique()`/`.primaryKey()`, which upstream's generated rows leave out), so look the row up by hand.
    const mine = [...conn.db.everySpecial.iter()].find(r => r.owner.isEqual(conn.identity!));
    assert.ok(mine, 'the row of this identity is in the cache');
    assert.ok(mine.owner instanceof Identity);
    assert.ok(mine.connection instanceof ConnectionId);
    assert.equal(mine.at.microsSinceUnixEpoch, 1_700_000_000_123_456n);
    assert.equal(mine.took.micros, -5n);
    assert.equal(mine.key.toString(), special.key.toString());
    assert.deepEqual([...mine.blob], [0, 1, 254, 255]);
    assert.deepEqual(takeSdkErrors(), []);
  });
});
