// The hand-written chat bindings against the real SDK, with no server: an
// in-memory socket (the SDK's `withWSFn` hook) captures what the SDK sends and
// feeds it server messages built byte by byte from protocol.md. These pin the
// exact frames a Meridian server receives from, and must send to, a chat client.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InternalError, SenderError, type Identity } from 'spacetimedb';
import { DbConnection, type DbConnectionBuilder } from './module_bindings/index.js';
import { Bsatn, hex } from './support/bsatn.js';
import './support/sdk-log.js';

type WSFactory = Parameters<DbConnectionBuilder['withWSFn']>[0];
type WSArgs = Parameters<WSFactory>[0];
type Handler<T> = ((arg: T) => void) | undefined;

/** What the SDK's websocket adapter sees: the frames after the compression tag is stripped. */
class MemorySocket {
  protocol = 'v2.bsatn.spacetimedb';
  readyState = 0;
  readonly sent: Uint8Array[] = [];
  #onopen: Handler<void>;
  #onclose: Handler<CloseEvent>;
  #onmessage: Handler<{ data: Uint8Array }>;

  set onopen(handler: () => void) { this.#onopen = handler; }
  set onclose(handler: (ev: CloseEvent) => void) { this.#onclose = handler; }
  set onerror(_handler: (ev: ErrorEvent) => void) { /* never errors */ }
  set onmessage(handler: (msg: { data: Uint8Array }) => void) { this.#onmessage = handler; }

  send(message: Uint8Array): void { this.sent.push(message.slice()); }
  close(): void {
    this.readyState = 3;
    this.#onclose?.({ code: 1000 } as CloseEvent);
  }
  open(): void {
    this.readyState = 1;
    this.#onopen?.();
  }
  receive(message: Uint8Array): void { this.#onmessage?.({ data: message }); }
}

const ALICE = 'c200b3ce65d91b79ecfb7d881cd65bf8da2f647d590af1474ad19faa7aa87e38';
const BOB = 'c200ef884364c1a99be0298dc68f2004e6b97c09d1b1658b7db22f51fb662059';
const CONNECTION_ID = '0102030405060708090a0b0c0d0e0f10';

function userRow(identity: string, name: string | null, online: boolean): Uint8Array {
  const w = new Bsatn().hexLE(identity);
  if (name === null) w.u8(1);
  else w.u8(0).string(name);
  return w.u8(online ? 1 : 0).done();
}

function messageRow(sender: string, sentMicros: bigint, text: string): Uint8Array {
  return new Bsatn().hexLE(sender).i64(sentMicros).string(text).done();
}

function initialConnection(identity: string, token: string): Uint8Array {
  return new Bsatn().u8(0).hexLE(identity).hexLE(CONNECTION_ID).string(token).done();
}

async function connected(): Promise<{ conn: DbConnection; socket: MemorySocket; args: WSArgs; identity: Identity }> {
  const socket = new MemorySocket();
  let args!: WSArgs;
  let onConnect!: (identity: Identity) => void;
  const connectedP = new Promise<Identity>(resolve => (onConnect = resolve));
  const conn = DbConnection.builder()
    .withUri('ws://127.0.0.1:3000')
    .withDatabaseName('chat')
    .withWSFn(async a => {
      args = a;
      return socket;
    })
    .onConnect((_c, identity) => onConnect(identity))
    .build();
  await new Promise(resolve => setImmediate(resolve));
  socket.open();
  socket.receive(initialConnection(ALICE, 'tok'));
  const identity = await connectedP;
  return { conn, socket, args, identity };
}

describe('chat bindings on the real SDK (no server)', () => {
  it('expose the chat tables and reducers under their accessor names', async () => {
    const { conn, args, identity } = await connected();
    assert.deepEqual(Object.keys(conn.db).sort(), ['message', 'user']);
    assert.deepEqual(Object.keys(conn.reducers).sort(), ['sendMessage', 'setName']);
    assert.equal(args.nameOrAddress, 'chat');
    assert.deepEqual(args.wsProtocol, ['v3.bsatn.spacetimedb', 'v2.bsatn.spacetimedb']);
    assert.equal(args.compression, 'gzip');
    assert.equal(identity.toHexString(), ALICE);
    assert.equal(conn.connectionId.toHexString(), CONNECTION_ID);
    conn.disconnect();
  });

  it('subscribeToAllTables sends one Subscribe with SELECT * FROM each canonical table name', async () => {
    const { conn, socket } = await connected();
    conn.subscriptionBuilder().subscribeToAllTables();
    assert.equal(socket.sent.length, 1);
    const expected = new Bsatn()
      .u8(0).u32(0).u32(0) // Subscribe, request_id 0, query_set_id 0
      .u32(2).string('SELECT * FROM message').string('SELECT * FROM user')
      .done();
    assert.equal(hex(socket.sent[0]!), hex(expected));
    conn.disconnect();
  });

  it('reducer calls send the canonical reducer name and BSATN arguments', async () => {
    const { conn, socket } = await connected();
    void conn.reducers.setName({ name: 'Alice' });
    void conn.reducers.sendMessage({ text: 'hi' });
    assert.equal(socket.sent.length, 2);
    const args = (s: string) => new Bsatn().string(s).done();
    assert.equal(hex(socket.sent[0]!), hex(new Bsatn().u8(3).u32(0).u8(0).string('set_name').bytes(args('Alice')).done()));
    assert.equal(hex(socket.sent[1]!), hex(new Bsatn().u8(3).u32(1).u8(0).string('send_message').bytes(args('hi')).done()));
    conn.disconnect();
  });

  it('decode user and message rows, and turn a delete+insert of one identity into onUpdate', async () => {
    const { conn, socket } = await connected();
    let applied = false;
    conn.subscriptionBuilder().onApplied(() => (applied = true)).subscribeToAllTables();
    socket.receive(
      new Bsatn()
        .u8(1).u32(0).u32(0) // SubscribeApplied, request_id 0, query_set_id 0
        .u32(2)
        .string('user').rowList([userRow(ALICE, null, true), userRow(BOB, 'Bob', false)])
        .string('message').rowList([messageRow(BOB, 1_700_000_000_000_000n, 'hello')])
        .done()
    );
    assert.ok(applied);
    const alice = conn.db.user.identity.find(conn.identity!);
    assert.deepEqual({ name: alice?.name, online: alice?.online }, { name: undefined, online: true });
    const bob = [...conn.db.user.iter()].find(u => u.identity.toHexString() === BOB);
    assert.deepEqual({ name: bob?.name, online: bob?.online }, { name: 'Bob', online: false });
    const [message] = [...conn.db.message.iter()];
    assert.equal(message?.text, 'hello');
    assert.equal(message?.sender.toHexString(), BOB);
    assert.equal(message?.sent.microsSinceUnixEpoch, 1_700_000_000_000_000n);

    const updates: [boolean, boolean][] = [];
    conn.db.user.onUpdate((_ctx, oldRow, newRow) => updates.push([oldRow.online, newRow.online]));
    socket.receive(
      new Bsatn()
        .u8(4).u32(1) // TransactionUpdate with one QuerySetUpdate
        .u32(0).u32(1) // query_set_id 0, one TableUpdate
        .string('user').u32(1).u8(0) // PersistentTable: inserts, then deletes
        .rowList([userRow(BOB, 'Bob', true)])
        .rowList([userRow(BOB, 'Bob', false)])
        .done()
    );
    assert.deepEqual(updates, [[false, true]]);
    assert.equal(conn.db.user.count(), 2n);
    conn.disconnect();
  });

  it('ReducerResult Err(string) rejects with SenderError, InternalError with InternalError', async () => {
    const { conn, socket } = await connected();
    const first = conn.reducers.sendMessage({ text: '' });
    const second = conn.reducers.sendMessage({ text: 'x' });
    const ts = 1_700_000_000_000_000n;
    socket.receive(new Bsatn().u8(6).u32(0).i64(ts).u8(2).bytes(new Bsatn().string('Messages must not be empty').done()).done());
    socket.receive(new Bsatn().u8(6).u32(1).i64(ts).u8(3).string('no such reducer').done());
    await assert.rejects(first, e => e instanceof SenderError && e.message === 'Messages must not be empty');
    await assert.rejects(second, e => e instanceof InternalError && e.message === 'no such reducer');
    conn.disconnect();
  });
});
