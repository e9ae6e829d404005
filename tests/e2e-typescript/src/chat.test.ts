// End-to-end: the official SpacetimeDB TypeScript SDK (npm `spacetimedb`,
// unmodified) against a Meridian server running samples/chat. The tests share
// one server and database, started by whichever test runs first; each test
// uses its own fresh clients and looks only at their rows, except the restart
// test, which runs last and checks that what earlier tests wrote survived.

import assert from 'node:assert/strict';
import { after, describe, it, type TestContext } from 'node:test';
import { SenderError, Timestamp, type Identity } from 'spacetimedb';
import type { Message, User } from './module_bindings/types.js';
import {
  connect,
  disconnect,
  disconnectAll,
  nextMessageInsert,
  nextUserUpdate,
  reducerCall,
  rejectionOf,
  subscribeToAllTables,
  type ChatClient,
} from './support/client.js';
import { takeSdkErrors } from './support/sdk-log.js';
import { ChatFixture, DATABASE } from './support/fixture.js';
import { TEST_TIMEOUT_MS } from './support/timeouts.js';

/** The module's error texts (samples/chat, as in SpacetimeDB's C# quickstart). */
const EMPTY_MESSAGE_ERROR = 'Messages must not be empty';
const EMPTY_NAME_ERROR = 'Names must not be empty';

const fixture = new ChatFixture();

/** A test body with the server's output attached to any failure; errors the SDK logged fail it too. */
function chatTest(name: string, body: (t: TestContext) => Promise<void>): void {
  it(name, { timeout: TEST_TIMEOUT_MS }, async t => {
    takeSdkErrors();
    try {
      await body(t);
      const errors = takeSdkErrors();
      assert.deepEqual(errors, [], `the SDK logged errors (protocol violations it survives):\n${errors.join('\n')}`);
    } catch (e) {
      const tail = fixture.logTail(40);
      if (tail) t.diagnostic(`server output (last lines):\n${tail}`);
      throw e;
    } finally {
      disconnectAll();
    }
  });
}

async function anonymous(label: string): Promise<ChatClient> {
  const server = await fixture.server();
  return connect(server.wsUrl, DATABASE, label);
}

async function withToken(label: string, token: string): Promise<ChatClient> {
  const server = await fixture.server();
  return connect(server.wsUrl, DATABASE, label, token);
}

function userRow(observer: ChatClient, who: ChatClient | Identity): User | null {
  const identity = 'conn' in who ? who.identity : who;
  return observer.conn.db.user.identity.find(identity);
}

function messagesFrom(observer: ChatClient, sender: Identity): Message[] {
  return [...observer.conn.db.message.iter()]
    .filter(m => m.sender.isEqual(sender))
    .sort((a, b) => Number(a.sent.microsSinceUnixEpoch - b.sent.microsSinceUnixEpoch));
}

function assertRecent(sent: Timestamp, what: string): void {
  const skewMs = Math.abs(Date.now() - sent.toDate().getTime());
  assert.ok(skewMs < 5 * 60_000, `${what}: timestamp ${sent.toISOString()} is ${skewMs} ms away from now`);
}

function unique(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}

/** What the restart test checks survived: written by the tests before it. */
const written: { token?: string; identity?: Identity; name?: string; texts: string[] } = { texts: [] };

describe('chat module through the official TypeScript SDK', () => {
  after(async () => {
    disconnectAll();
    await fixture.dispose();
  });

  chatTest('two clients connect anonymously and get distinct identities and tokens', async () => {
    const a = await anonymous('A');
    const b = await anonymous('B');
    assert.ok(!a.identity.isEqual(b.identity), 'two anonymous clients got the same identity');
    assert.match(a.identity.toHexString(), /^c200[0-9a-f]{60}$/, 'identity is not derived from claims (c200 prefix)');
    assert.match(b.identity.toHexString(), /^c200[0-9a-f]{60}$/);
    assert.ok(a.token.length > 0 && b.token.length > 0, 'InitialConnection carried no token');
    assert.notEqual(a.token, b.token);
    assert.ok(a.conn.isActive && b.conn.isActive);
    assert.ok(a.conn.identity?.isEqual(a.identity));
  });

  chatTest('subscribeToAllTables returns both users online', async () => {
    const a = await anonymous('A');
    const b = await anonymous('B');
    await subscribeToAllTables(a);
    await subscribeToAllTables(b);
    for (const observer of [a, b]) {
      for (const who of [a, b]) {
        const row = userRow(observer, who);
        assert.ok(row, `${observer.label} does not see ${who.label}'s user row`);
        assert.ok(row.identity.isEqual(who.identity));
        assert.equal(row.online, true, `${observer.label} sees ${who.label} offline`);
        assert.equal(row.name, undefined, `${who.label} has a name before set_name`);
      }
      assert.deepEqual(messagesFrom(observer, a.identity), []);
    }
  });

  chatTest("set_name on one client shows up as onUpdate on the other", async () => {
    const a = await anonymous('A');
    const b = await anonymous('B');
    await subscribeToAllTables(a);
    await subscribeToAllTables(b);
    const name = unique('Alice');
    const updatesOfA = { seenByA: 0, seenByB: 0 };
    a.conn.db.user.onUpdate((_ctx, _old, row) => { if (row.identity.isEqual(a.identity)) updatesOfA.seenByA++; });
    b.conn.db.user.onUpdate((_ctx, _old, row) => { if (row.identity.isEqual(a.identity)) updatesOfA.seenByB++; });

    const seenByB = nextUserUpdate(
      b,
      "A's user row",
      (_ctx, _old, row) => row.identity.isEqual(a.identity)
    );
    const seenByA = nextUserUpdate(
      a,
      'its own user row',
      (_ctx, _old, row) => row.identity.isEqual(a.identity)
    );
    await reducerCall('set_name', a.conn.reducers.setName({ name }));

    // The caller's own change arrives inside its ReducerResult, before the promise resolves.
    assert.equal(userRow(a, a)?.name, name, "A's cache does not hold the new name when set_name resolves");
    const [ctxA, oldA, newA] = await seenByA;
    assert.equal(ctxA.event.tag, 'Reducer', "A's own update should be a Reducer event");
    if (ctxA.event.tag === 'Reducer') {
      assert.equal(ctxA.event.value.reducer.name, 'set_name');
      assert.deepEqual(ctxA.event.value.reducer.args, { name });
      assertRecent(ctxA.event.value.timestamp, 'ReducerResult');
    }
    assert.equal(oldA.name, undefined);
    assert.equal(newA.name, name);

    const [ctxB, oldB, newB] = await seenByB;
    assert.equal(ctxB.event.tag, 'Transaction', 'another client gets a plain TransactionUpdate');
    assert.equal(oldB.name, undefined);
    assert.equal(newB.name, name);
    assert.equal(oldB.online, true);
    assert.equal(newB.online, true);
    assert.equal(userRow(b, a)?.name, name);

    // Each client hears of the change exactly once: the caller only through its
    // ReducerResult, the other through one TransactionUpdate. A later commit is
    // the barrier, since each client's messages arrive in commit order.
    const barrier = unique('barrier');
    const barrierSeenByB = nextMessageInsert(b, 'the barrier message', (_ctx, row) => row.text === barrier);
    await reducerCall('send_message', a.conn.reducers.sendMessage({ text: barrier }));
    await barrierSeenByB;
    assert.deepEqual(updatesOfA, { seenByA: 1, seenByB: 1 }, 'set_name was delivered more than once');
  });

  chatTest('send_message arrives as onInsert on the other client with the right sender', async () => {
    const a = await anonymous('A');
    const b = await anonymous('B');
    await subscribeToAllTables(a);
    await subscribeToAllTables(b);
    const text = unique('hello from B');

    const seenByA = nextMessageInsert(
      a,
      "B's message",
      (_ctx, row) => row.text === text
    );
    await reducerCall('send_message', b.conn.reducers.sendMessage({ text }));

    const [ctx, row] = await seenByA;
    assert.equal(ctx.event.tag, 'Transaction');
    assert.ok(row.sender.isEqual(b.identity), `sender is ${row.sender.toHexString()}, expected B ${b.identity.toHexString()}`);
    assert.ok(!row.sender.isEqual(a.identity));
    assertRecent(row.sent, 'message.sent');
    assert.deepEqual(messagesFrom(b, b.identity).map(m => m.text), [text], "B's own cache after send_message resolved");
    assert.deepEqual(messagesFrom(a, b.identity).map(m => m.text), [text]);
  });

  chatTest("an empty message rejects the caller's promise with the module's error text and changes nothing", async () => {
    const a = await anonymous('A');
    const b = await anonymous('B');
    await subscribeToAllTables(a);
    await subscribeToAllTables(b);
    const insertsSeenByB: string[] = [];
    b.conn.db.message.onInsert((_ctx, row) => {
      if (row.sender.isEqual(a.identity)) insertsSeenByB.push(row.text);
    });

    const error = await rejectionOf('send_message("")', a.conn.reducers.sendMessage({ text: '' }));
    assert.ok(error instanceof SenderError, `expected a SenderError (ReducerOutcome::Err), got ${error.name}: ${error.message}`);
    assert.equal(error.message, EMPTY_MESSAGE_ERROR);

    const nameError = await rejectionOf('set_name("")', a.conn.reducers.setName({ name: '' }));
    assert.ok(nameError instanceof SenderError, `expected a SenderError, got ${nameError.name}: ${nameError.message}`);
    assert.equal(nameError.message, EMPTY_NAME_ERROR);
    assert.equal(userRow(a, a)?.name, undefined, 'a rejected set_name changed the name');

    // The next valid message from A is the first (and only) one B sees: the
    // rejected call inserted nothing. Messages are delivered in commit order.
    const text = unique('after the empty one');
    const seen = nextMessageInsert(
      b,
      "A's valid message",
      (_ctx, row) => row.text === text
    );
    await reducerCall('send_message', a.conn.reducers.sendMessage({ text }));
    await seen;
    assert.deepEqual(insertsSeenByB, [text]);
    assert.deepEqual(messagesFrom(a, a.identity).map(m => m.text), [text]);
  });

  chatTest('a disconnect marks the user offline for the other client', async () => {
    const a = await anonymous('A');
    const b = await anonymous('B');
    await subscribeToAllTables(a);
    await subscribeToAllTables(b);
    assert.equal(userRow(a, b)?.online, true);

    const offline = nextUserUpdate(
      a,
      "B's row going offline",
      (_ctx, _old, row) => row.identity.isEqual(b.identity)
    );
    await disconnect(b);
    const [, oldRow, newRow] = await offline;
    assert.equal(oldRow.online, true);
    assert.equal(newRow.online, false);
    assert.equal(userRow(a, b)?.online, false);
    assert.equal(a.conn.isActive, true, 'A lost its connection when B disconnected');
  });

  chatTest('reconnecting with the saved token keeps the identity, name and messages', async () => {
    const a = await anonymous('A');
    await subscribeToAllTables(a);
    const b1 = await anonymous('B');
    await subscribeToAllTables(b1);
    const name = unique('Bob');
    const text = unique('before reconnecting');
    await reducerCall('set_name', b1.conn.reducers.setName({ name }));
    await reducerCall('send_message', b1.conn.reducers.sendMessage({ text }));
    const saved = { identity: b1.identity, token: b1.token };

    const offline = nextUserUpdate(
      a,
      'B goes offline',
      (_ctx, _old, row) => row.identity.isEqual(saved.identity) && !row.online
    );
    await disconnect(b1);
    await offline;

    const online = nextUserUpdate(
      a,
      'B comes back online',
      (_ctx, _old, row) => row.identity.isEqual(saved.identity) && row.online
    );
    const b2 = await withToken('B again', saved.token);
    assert.ok(b2.identity.isEqual(saved.identity),
      `reconnecting with the saved token gave identity ${b2.identity.toHexString()}, expected ${saved.identity.toHexString()}`);
    assert.equal(b2.token, saved.token, 'onConnect should pass back the token the client connected with');
    const [, , row] = await online;
    assert.equal(row.name, name, 'the name did not survive the reconnect');

    await subscribeToAllTables(b2);
    const own = userRow(b2, saved.identity);
    assert.ok(own, 'B does not see its own user row after reconnecting');
    assert.equal(own.online, true);
    assert.equal(own.name, name);
    assert.deepEqual(messagesFrom(b2, saved.identity).map(m => m.text), [text]);

    written.token = saved.token;
    written.identity = saved.identity;
    written.name = name;
    written.texts.push(text);
  });

  chatTest('after a server restart on the same data directory the names and messages are still there', async t => {
    const before = await anonymous('writer');
    await subscribeToAllTables(before);
    const name = unique('Carol');
    const texts = [unique('first'), unique('second')];
    await reducerCall('set_name', before.conn.reducers.setName({ name }));
    for (const text of texts) {
      await reducerCall('send_message', before.conn.reducers.sendMessage({ text }));
    }
    const sentBefore = messagesFrom(before, before.identity);
    assert.deepEqual(sentBefore.map(m => m.text), texts);
    const writer = { identity: before.identity, token: before.token };
    await disconnect(before);

    const { stopped, server } = await fixture.restart();
    assert.equal(stopped.killed, false, 'the server did not exit within the stop timeout after SIGTERM');
    assert.equal(stopped.code, 0, `SIGTERM should stop the server gracefully (exit 0), got ${stopped.signal ?? `code ${stopped.code}`}`);
    t.diagnostic(`restarted on ${server.httpUrl}`);

    // The writer comes back with its token: same identity, same name, same messages.
    const after = await withToken('writer after restart', writer.token);
    assert.ok(after.identity.isEqual(writer.identity), 'identity changed across the restart');
    await subscribeToAllTables(after);
    const row = userRow(after, writer.identity);
    assert.ok(row, 'the user row did not survive the restart');
    assert.equal(row.name, name);
    assert.equal(row.online, true);
    const sentAfter = messagesFrom(after, writer.identity);
    assert.deepEqual(sentAfter.map(m => m.text), texts, 'messages did not survive the restart');
    assert.deepEqual(
      sentAfter.map(m => m.sent.microsSinceUnixEpoch),
      sentBefore.map(m => m.sent.microsSinceUnixEpoch),
      'message timestamps changed across the restart'
    );

    // A new anonymous client sees the same, and what the earlier tests wrote.
    const fresh = await anonymous('new client after restart');
    assert.ok(!fresh.identity.isEqual(writer.identity));
    await subscribeToAllTables(fresh);
    assert.equal(userRow(fresh, writer.identity)?.name, name);
    assert.deepEqual(messagesFrom(fresh, writer.identity).map(m => m.text), texts);
    if (written.identity) {
      assert.equal(userRow(fresh, written.identity)?.name, written.name, 'a name set by an earlier test was lost');
      assert.deepEqual(messagesFrom(fresh, written.identity).map(m => m.text), written.texts,
        'a message sent by an earlier test was lost');
    }

    // The restarted server still runs reducers.
    const text = unique('after restart');
    await reducerCall('send_message', after.conn.reducers.sendMessage({ text }));
    assert.deepEqual(messagesFrom(after, writer.identity).map(m => m.text), [...texts, text]);
  });
});
