// End-to-end: procedures through the official TypeScript SDK. The procedures test module
// (tests/Modules/Procedures) is published on its own server; a client calls procedures
// with `conn.procedures.*` and reads their return values (a number, a struct, a sum,
// its own identity), sees a procedure's WithTx commit arrive through its subscription,
// and gets a rejected promise carrying the error of a procedure that throws.

import assert from 'node:assert/strict';
import { after, describe } from 'node:test';
import type { Identity } from 'spacetimedb';
import { DbConnection } from './procedures_bindings/index.js';
import { nextCallback } from './support/client.js';
import { ModuleFixture } from './support/module-fixture.js';
import { TIMEOUTS, within } from './support/timeouts.js';

const MODULE_DIR = 'tests/Modules/Procedures';
const DATABASE = 'procedures';

const fixture = new ModuleFixture<DbConnection>(MODULE_DIR, DATABASE);

async function connect(label: string): Promise<{ conn: DbConnection; identity: Identity }> {
  const s = await fixture.server();
  const connected = new Promise<{ conn: DbConnection; identity: Identity }>((resolve, reject) => {
    const conn = DbConnection.builder()
      .withUri(s.wsUrl)
      .withDatabaseName(DATABASE)
      .onConnect((c, identity) => resolve({ conn: c as DbConnection, identity }))
      .onConnectError((_ctx, error) => reject(new Error(`${label}: connect failed: ${error?.message ?? error}`)))
      .build();
    fixture.open.add(conn);
  });
  return within(TIMEOUTS.event, `${label}: onConnect`, connected);
}

describe('procedures through the official TypeScript SDK', () => {
  after(() => fixture.dispose());

  fixture.test('calling a procedure resolves with its return value', async () => {
    const { conn, identity } = await connect('A');
    assert.equal(await within(TIMEOUTS.event, 'add', conn.procedures.add({ a: 40, b: 2 })), 42n);
    assert.deepEqual(await within(TIMEOUTS.event, 'return_struct', conn.procedures.returnStruct({ a: 7, b: 'seven' })), { a: 7, b: 'seven' });
    assert.deepEqual(await within(TIMEOUTS.event, 'return_enum_b', conn.procedures.returnEnumB({ b: 'bee' })), { tag: 'B', value: 'bee' });
    const me = await within(TIMEOUTS.event, 'who_am_i', conn.procedures.whoAmI({}));
    assert.ok(me.isEqual(identity), 'who_am_i did not return the caller');
  });

  fixture.test("a procedure's WithTx commit reaches the caller's subscription", async () => {
    const { conn } = await connect('B');
    await within(
      TIMEOUTS.event,
      'subscribe to item',
      new Promise<void>((resolve, reject) => {
        conn
          .subscriptionBuilder()
          .onApplied(() => resolve())
          .onError(ctx => reject(new Error(`subscription failed: ${ctx.event?.message}`)))
          .subscribe(['SELECT * FROM item']);
      })
    );
    const name = `row-${Math.random().toString(36).slice(2, 8)}`;
    const inserted = nextCallback<Parameters<Parameters<DbConnection['db']['item']['onInsert']>[0]>>(
      'onInsert of the procedure-inserted item',
      cb => conn.db.item.onInsert(cb),
      cb => conn.db.item.removeOnInsert(cb),
      (_ctx, row) => row.name === name
    );
    const id = await within(TIMEOUTS.event, 'insert_with_tx', conn.procedures.insertWithTx({ name }));
    const [, row] = await inserted;
    assert.equal(row.id, id);
  });

  fixture.test('a procedure that throws rejects the call and the database keeps serving', async () => {
    const { conn } = await connect('C');
    await assert.rejects(within(TIMEOUTS.event, 'will_panic', conn.procedures.willPanic({})), /expected to panic/);
    assert.equal(await within(TIMEOUTS.event, 'add after failure', conn.procedures.add({ a: 1, b: 2 })), 3n);
  });
});
