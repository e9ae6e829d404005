// The Terminal's web page: the official SpacetimeDB TypeScript SDK with the bindings that
// `meridian generate --lang typescript` writes into ./module_bindings. The leaderboard is a live
// top-N query (ORDER BY total_xp DESC LIMIT 10) that the server keeps up to date; presence and
// chat are plain subscriptions. Every view is drawn from the SDK's client cache.
import type { Identity } from 'spacetimedb';
import { DbConnection } from './module_bindings';
import { LABS } from './labs';
import { $, call, coalesced, connect, el, onSubmit, renderOn } from '../../../shared/web';

const TOP_N = 10;
const HEARTBEAT_MS = 30_000;
const CHANNEL = 'global';

let conn: DbConnection | undefined;
let me: Identity | undefined;
let currentLab: string | undefined;

function nameOf(identity: Identity): string {
  return conn?.db.user.identity.find(identity)?.username ?? identity.toHexString().slice(0, 8);
}

const render = coalesced(draw);

function draw(): void {
  if (!conn || !me) return;
  const db = conn.db;
  const user = db.user.identity.find(me);
  $('register').hidden = !!user;
  $('app').hidden = !user;
  $('status').textContent = user ? `logged in as ${user.username}` : 'connected';
  if (!user) return;

  $('username-shown').textContent = user.username;
  $('level').textContent = String(user.level);
  $('xp').textContent = String(user.xp);
  $('streak').textContent = String(user.streak);
  $('longest-streak').textContent = String(user.longestStreak);

  const done = new Set(db.userProgress.identity.find(me)?.completedLabs ?? []);
  $('labs').replaceChildren(
    ...LABS.map(lab => {
      const button = el('button', { type: 'button', className: 'complete', disabled: done.has(lab.id), textContent: done.has(lab.id) ? 'done ✓' : 'complete' });
      button.addEventListener('click', () => {
        currentLab = lab.id;
        call(conn!.reducers.completeLab({ labId: lab.id, xpEarned: BigInt(lab.xp) }));
      });
      const li = el('li', { className: 'lab' }, el('span', { className: 'lab-title', textContent: lab.title }), el('span', { className: 'lab-xp', textContent: `${lab.xp} XP` }), button);
      li.dataset.labId = lab.id;
      return li;
    })
  );

  // The cache holds exactly the top N: the server adds and removes rows as the window moves.
  const top = [...db.leaderboardEntry.iter()].sort((a, b) => (a.totalXp === b.totalXp ? Number(a.rank - b.rank) : a.totalXp > b.totalXp ? -1 : 1));
  $('leaderboard').replaceChildren(
    ...top.map(e =>
      el(
        'li',
        { className: e.identity.isEqual(me!) ? 'entry me' : 'entry' },
        el('span', { className: 'lb-name', textContent: e.username }),
        ' — ',
        el('span', { className: 'lb-xp', textContent: `${e.totalXp} XP` }),
        ` (level ${e.level})`
      )
    )
  );

  const online = [...db.onlinePresence.iter()].map(p => ({ name: nameOf(p.identity), lab: p.currentLab })).sort((a, b) => (a.name < b.name ? -1 : 1));
  $('online').replaceChildren(
    ...online.map(p => el('li', {}, el('span', { className: 'who', textContent: p.name }), el('span', { className: 'where', textContent: p.lab ? ` in ${p.lab}` : '' })))
  );

  const messages = [...db.message.iter()].filter(m => m.channel === CHANNEL && !m.deleted).sort((a, b) => (a.id < b.id ? -1 : 1));
  const list = $('messages');
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
  list.replaceChildren(
    ...messages.map(m => el('li', { className: 'msg' }, el('span', { className: 'from', textContent: nameOf(m.sender) }), ': ', el('span', { className: 'text', textContent: m.content })))
  );
  if (atBottom) list.scrollTop = list.scrollHeight;
}

onSubmit('register-form', () => call(conn!.reducers.registerUser({ username: $<HTMLInputElement>('username').value })));
onSubmit('chat-form', () => {
  const input = $<HTMLInputElement>('chat-input');
  call(conn!.reducers.sendMessage({ channel: CHANNEL, content: input.value }));
  input.value = '';
});

connect(DbConnection.builder(), 'terminal-academy', (c, identity) => {
  conn = c;
  me = identity;
  const db = c.db;
  const tables = [db.user, db.userProgress, db.leaderboardEntry, db.onlinePresence, db.message];
  renderOn(render, tables, tables);
  // Presence: the server marks a learner offline two minutes after the last heartbeat.
  setInterval(() => {
    if (conn?.db.user.identity.find(me!)) conn.reducers.heartbeat({ currentLab }).catch(() => {});
  }, HEARTBEAT_MS);
  return [
    `SELECT * FROM leaderboard_entry ORDER BY total_xp DESC LIMIT ${TOP_N}`,
    'SELECT * FROM user',
    `SELECT * FROM user_progress WHERE identity = X'${identity.toHexString()}'`,
    'SELECT * FROM online_presence',
    `SELECT * FROM message WHERE channel = '${CHANNEL}'`,
  ];
}, render);
