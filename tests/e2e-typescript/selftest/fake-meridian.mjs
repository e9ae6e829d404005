#!/usr/bin/env node
// A stand-in for the Meridian CLI that checks the e2e harness itself: it speaks
// just enough of the v2 protocol (tag-0 frames, no auth crypto) for the chat
// module's tables and reducers, hard-coded. It is NOT a server implementation
// and run.sh never uses it; see selftest/README.md.
//
//   node fake-meridian.mjs start --listen-addr 127.0.0.1:0 --data-dir DIR
//   node fake-meridian.mjs publish -p MODULE_DIR -s http://127.0.0.1:PORT --yes NAME

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const [command, ...rest] = process.argv.slice(2);
const opts = parseArgs(rest);
if (command === 'start') start();
else if (command === 'publish') await publish();
else {
  console.error(`fake-meridian: unknown command ${command}`);
  process.exit(2);
}

function parseArgs(args) {
  const out = { _: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--yes') out.yes = true;
    else if (a.startsWith('-')) out[a.replace(/^-+/, '')] = args[++i];
    else out._.push(a);
  }
  return out;
}

async function publish() {
  const dir = opts.p, server = opts.s, name = opts._[0];
  if (!dir || !existsSync(dir)) { console.error(`module directory ${dir} not found`); process.exit(1); }
  const res = await fetch(`${server}/v1/database/${name}`, { method: 'PUT', body: '' });
  if (!res.ok) { console.error(`publish failed: ${res.status} ${await res.text()}`); process.exit(1); }
  console.log(`published ${name}`);
}

// ---- BSATN ---------------------------------------------------------------

class Writer {
  constructor() { this.parts = []; }
  u8(v) { this.parts.push(Buffer.from([v])); return this; }
  u32(v) { const b = Buffer.alloc(4); b.writeUInt32LE(v); this.parts.push(b); return this; }
  u64(v) { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); this.parts.push(b); return this; }
  i64(v) { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(v)); this.parts.push(b); return this; }
  raw(b) { this.parts.push(Buffer.from(b)); return this; }
  bytes(b) { return this.u32(b.length).raw(b); }
  string(s) { return this.bytes(Buffer.from(s, 'utf8')); }
  /** A big-endian hex u256/u128 sent little-endian. */
  hexLE(hex) { return this.raw(Buffer.from(hex, 'hex').reverse()); }
  done() { return Buffer.concat(this.parts); }
}

class Reader {
  constructor(buf) { this.buf = buf; this.at = 0; }
  u8() { return this.buf[this.at++]; }
  u32() { const v = this.buf.readUInt32LE(this.at); this.at += 4; return v; }
  bytes() { const n = this.u32(); const b = this.buf.subarray(this.at, this.at + n); this.at += n; return b; }
  string() { return this.bytes().toString('utf8'); }
}

const encodeUser = u => {
  const w = new Writer().hexLE(u.identity);
  if (u.name === null) w.u8(1); else w.u8(0).string(u.name);
  return w.u8(u.online ? 1 : 0).done();
};
const encodeMessage = m => new Writer().hexLE(m.sender).i64(m.sent).string(m.text).done();
const ENCODERS = { user: encodeUser, message: encodeMessage };

function rowList(w, rows) {
  w.u8(1).u32(rows.length); // RowOffsets
  let offset = 0;
  for (const r of rows) { w.u64(offset); offset += r.length; }
  return w.bytes(Buffer.concat(rows));
}

// ---- state ---------------------------------------------------------------

function start() {
  const dataDir = opts['data-dir'];
  const stateFile = join(dataDir, 'fake-state.json');
  const state = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : { databases: {} };
  const save = () => {
    writeFileSync(stateFile + '.tmp', JSON.stringify(state));
    renameSync(stateFile + '.tmp', stateFile);
  };
  const clients = new Set();
  const nowMicros = () => BigInt(Date.now()) * 1000n;

  /** Applies a changeset {table: {inserts: rows, deletes: rows}} and fans it out. */
  function commit(dbName, changes, caller, requestId, timestamp) {
    save();
    for (const c of clients) {
      if (c.db !== dbName || !c.ready) continue;
      const sets = [];
      for (const [qsid, tables] of c.sets) {
        const touched = [...tables].filter(t => changes[t]);
        if (touched.length) sets.push([qsid, touched]);
      }
      const w = new Writer();
      if (c === caller) w.u8(6).u32(requestId).i64(timestamp).u8(0).bytes(Buffer.alloc(0));
      else if (sets.length === 0) continue;
      else w.u8(4);
      w.u32(sets.length);
      for (const [qsid, tables] of sets) {
        w.u32(qsid).u32(tables.length);
        for (const t of tables) {
          const enc = ENCODERS[t];
          w.string(t).u32(1).u8(0);
          rowList(w, changes[t].inserts.map(enc));
          rowList(w, changes[t].deletes.map(enc));
        }
      }
      c.send(w.done());
    }
  }

  function setOnline(dbName, identity, online) {
    const db = state.databases[dbName];
    const old = db.users.find(u => u.identity === identity);
    if (old) {
      const updated = { ...old, online };
      db.users[db.users.indexOf(old)] = updated;
      commit(dbName, { user: { inserts: [updated], deletes: [old] } });
    } else {
      const row = { identity, name: null, online };
      db.users.push(row);
      commit(dbName, { user: { inserts: [row], deletes: [] } });
    }
  }

  function callReducer(c, requestId, name, args) {
    const db = state.databases[c.db];
    const ts = nowMicros();
    const fail = msg => c.send(new Writer().u8(6).u32(requestId).i64(ts).u8(2).bytes(new Writer().string(msg).done()).done());
    const r = new Reader(args);
    if (name === 'set_name') {
      const value = r.string();
      if (!value) return fail('Names must not be empty');
      const old = db.users.find(u => u.identity === c.identity);
      const updated = { ...old, name: value };
      db.users[db.users.indexOf(old)] = updated;
      commit(c.db, { user: { inserts: [updated], deletes: [old] } }, c, requestId, ts);
    } else if (name === 'send_message') {
      const text = r.string();
      if (!text) return fail('Messages must not be empty');
      const row = { sender: c.identity, sent: ts.toString(), text };
      db.messages.push(row);
      commit(c.db, { message: { inserts: [row], deletes: [] } }, c, requestId, ts);
    } else {
      c.send(new Writer().u8(6).u32(requestId).i64(ts).u8(3).string(`no such reducer ${name}`).done());
    }
  }

  function handle(c, msg) {
    const r = new Reader(msg);
    const tag = r.u8();
    if (tag === 0) {
      const requestId = r.u32(), qsid = r.u32(), n = r.u32();
      const tables = new Set();
      for (let i = 0; i < n; i++) {
        const m = /^SELECT \* FROM "?(\w+)"?$/i.exec(r.string().trim());
        if (!m || !ENCODERS[m[1]]) {
          c.send(new Writer().u8(3).u8(0).u32(requestId).u32(qsid).string('unsupported query').done());
          return;
        }
        tables.add(m[1]);
      }
      c.sets.set(qsid, tables);
      const db = state.databases[c.db];
      const w = new Writer().u8(1).u32(requestId).u32(qsid).u32(tables.size);
      for (const t of tables) {
        w.string(t);
        rowList(w, (t === 'user' ? db.users : db.messages).map(ENCODERS[t]));
      }
      c.send(w.done());
    } else if (tag === 3) {
      const requestId = r.u32(); r.u8();
      const name = r.string();
      callReducer(c, requestId, name, r.bytes());
    } else {
      c.close(1011, `unsupported message ${tag}`);
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    res.setHeader('access-control-allow-origin', '*');
    if (req.method === 'POST' && url.pathname === '/v1/identity/websocket-token') {
      const auth = /^Bearer fake\.([0-9a-f]{64})$/.exec(req.headers.authorization ?? '');
      if (!auth) { res.writeHead(401).end('Authorization required'); return; }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `fakews.${auth[1]}` }));
      return;
    }
    const m = /^\/v1\/database\/([\w-]+)$/.exec(url.pathname);
    if (req.method === 'PUT' && m) {
      state.databases[m[1]] ??= { users: [], messages: [] };
      save();
      res.writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ Success: { domain: m[1], database_identity: 'c2'.padEnd(64, '0'), op: 'created' } }));
      return;
    }
    res.writeHead(404).end('not found');
  });

  server.on('upgrade', (req, socket) => {
    const url = new URL(req.url, 'http://x');
    const m = /^\/v1\/database\/([\w-]+)\/subscribe$/.exec(url.pathname);
    const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map(s => s.trim());
    if (!m || !state.databases[m[1]] || !protocols.includes('v2.bsatn.spacetimedb')) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    let identity, token;
    const given = url.searchParams.get('token');
    if (given) {
      const t = /^fakews\.([0-9a-f]{64})$/.exec(given);
      if (!t) { socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n'); return; }
      identity = t[1]; token = given;
    } else {
      identity = 'c200' + randomBytes(30).toString('hex');
      token = `fake.${identity}`;
    }
    const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: v2.bsatn.spacetimedb\r\n\r\n`);
    socket.setNoDelay(true);

    const c = {
      db: m[1], identity, sets: new Map(), ready: false, queue: [], open: true,
      send(payload) { if (this.open) socket.write(frame(2, Buffer.concat([Buffer.from([0]), payload]))); },
      close(code, reason) {
        if (!this.open) return;
        this.open = false;
        const b = Buffer.alloc(2); b.writeUInt16BE(code);
        socket.end(frame(8, Buffer.concat([b, Buffer.from(reason)])));
      },
    };
    clients.add(c);
    setOnline(c.db, identity, true); // client_connected, before InitialConnection
    c.send(new Writer().u8(0).hexLE(identity).hexLE(randomBytes(16).toString('hex')).string(token).done());
    c.ready = true;

    let buffered = Buffer.alloc(0);
    let disconnected = false;
    const gone = () => {
      if (disconnected) return;
      disconnected = true; c.open = false; clients.delete(c);
      setOnline(c.db, identity, false); // client_disconnected
    };
    socket.on('data', chunk => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const f = parseFrame(buffered);
        if (!f) break;
        buffered = buffered.subarray(f.length);
        if (f.opcode === 2) handle(c, f.payload);
        else if (f.opcode === 8) { c.close(1000, ''); gone(); }
        else if (f.opcode === 9) socket.write(frame(10, f.payload));
      }
    });
    socket.on('close', gone);
    socket.on('error', gone);
  });

  server.listen(0, '127.0.0.1', () => {
    console.log(`Meridian listening on http://127.0.0.1:${server.address().port}`);
  });
  process.on('SIGTERM', () => { save(); process.exit(0); });
}

function frame(opcode, payload) {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len])
    : len < 65536 ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 255])
    : (() => { const b = Buffer.alloc(10); b[0] = 0x80 | opcode; b[1] = 127; b.writeBigUInt64BE(BigInt(len), 2); return b; })();
  return Buffer.concat([head, payload]);
}

function parseFrame(buf) {
  if (buf.length < 2) return null;
  const opcode = buf[0] & 15, masked = buf[1] & 128;
  let len = buf[1] & 127, at = 2;
  if (len === 126) { if (buf.length < 4) return null; len = buf.readUInt16BE(2); at = 4; }
  else if (len === 127) { if (buf.length < 10) return null; len = Number(buf.readBigUInt64BE(2)); at = 10; }
  const maskAt = at;
  if (masked) at += 4;
  if (buf.length < at + len) return null;
  const payload = Buffer.from(buf.subarray(at, at + len));
  if (masked) for (let i = 0; i < len; i++) payload[i] ^= buf[maskAt + (i & 3)];
  return { opcode, payload, length: at + len };
}
