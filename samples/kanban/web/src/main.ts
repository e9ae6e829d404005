// The Kanban web client: the official SpacetimeDB TypeScript SDK with the bindings that
// `meridian generate --lang typescript` writes into ./module_bindings. Everything on screen is
// read from the SDK's client cache, which the server keeps up to date: a board appears here as
// soon as someone invites you to it, because the board table's visibility filter lets it through.
import type { Identity } from 'spacetimedb';
import { DbConnection } from './module_bindings';
import type { Card } from './module_bindings/types';
import { $, call, coalesced, connect, el, onSubmit, renderOn } from '../../../shared/web';

const STATES = ['todo', 'doing', 'done'] as const;

let conn: DbConnection | undefined;
let me: Identity | undefined;
let selected: bigint | undefined;

function userName(identity: Identity): string {
  const user = conn?.db.user.id.find(identity);
  return user?.name ?? identity.toHexString().slice(0, 8);
}

const render = coalesced(draw);

function draw(): void {
  if (!conn || !me) return;
  const db = conn.db;
  const self = db.user.id.find(me);
  $('status').textContent = `signed in as ${self?.name ?? 'a new user (pick a name)'}`;
  const nameInput = $<HTMLInputElement>('name-input');
  if (document.activeElement !== nameInput && self?.name && !nameInput.value) nameInput.value = self.name;

  // Only boards this user collaborates on are in the cache: the server filters the rest out.
  const boards = [...db.board.iter()].sort((a, b) => (a.boardId < b.boardId ? -1 : 1));
  if (selected !== undefined && !boards.some(b => b.boardId === selected)) selected = undefined;
  $('boards').replaceChildren(
    ...boards.map(b => {
      const button = el('button', { type: 'button', className: 'board-title', textContent: b.title });
      button.addEventListener('click', () => select(b.boardId));
      const li = el('li', {}, button);
      li.dataset.boardId = String(b.boardId);
      if (b.boardId === selected) li.classList.add('selected');
      return li;
    })
  );

  const metric = [...db.metric.iter()].sort((a, b) => (a.day < b.day ? 1 : -1))[0];
  $('metric').textContent = metric ? `Cards done (all boards), ${metric.day}: ${metric.cardsCompleted}` : '';

  const board = selected === undefined ? undefined : db.board.boardId.find(selected);
  $('board').hidden = !board;
  $('no-board').hidden = !!board;
  if (!board) return;
  $('board-title').textContent = board.title;
  const viewers = [...db.boardViewer.iter()].filter(v => v.boardId === board.boardId).map(v => userName(v.identity));
  $('viewers').textContent = [...new Set(viewers)].sort().join(', ');

  const invite = $<HTMLSelectElement>('invite-user');
  const chosen = invite.value;
  const others = [...db.user.iter()].filter(u => u.name && !u.id.isEqual(me!)).sort((a, b) => (a.name! < b.name! ? -1 : 1));
  invite.replaceChildren(...others.map(u => el('option', { value: u.id.toHexString(), textContent: u.name! })));
  if (others.some(u => u.id.toHexString() === chosen)) invite.value = chosen;

  const cards = [...db.card.iter()].filter(c => c.boardId === board.boardId).sort((a, b) => (a.cardId < b.cardId ? -1 : 1));
  for (const column of document.querySelectorAll<HTMLElement>('.column')) {
    const state = column.dataset.state!;
    column.querySelector('ul')!.replaceChildren(...cards.filter(c => c.state === state).map(cardItem));
  }
}

function cardItem(card: Card): HTMLElement {
  const at = STATES.indexOf(card.state as (typeof STATES)[number]);
  const li = el('li', { className: 'card' }, el('span', { className: 'card-title', textContent: card.title }));
  li.dataset.cardId = String(card.cardId);
  if (at > 0) li.append(moveButton(card, STATES[at - 1]!, '←'));
  if (at < STATES.length - 1) li.append(moveButton(card, STATES[at + 1]!, '→'));
  return li;
}

function moveButton(card: Card, state: string, label: string): HTMLElement {
  const button = el('button', { type: 'button', className: `move-${state}`, textContent: label, title: `move to ${state}` });
  button.addEventListener('click', () => call(conn!.reducers.moveCard({ cardId: card.cardId, state })));
  return button;
}

function select(boardId: bigint): void {
  selected = boardId;
  call(conn!.reducers.startViewingBoard({ boardId }));
  draw();
}

onSubmit('name-form', () => call(conn!.reducers.setName({ name: $<HTMLInputElement>('name-input').value })));
onSubmit('board-form', () => {
  const input = $<HTMLInputElement>('new-board-title');
  call(conn!.reducers.createBoard({ title: input.value }));
  input.value = '';
});
onSubmit('card-form', () => {
  const input = $<HTMLInputElement>('new-card-title');
  if (selected !== undefined) call(conn!.reducers.addCard({ boardId: selected, title: input.value }));
  input.value = '';
});
onSubmit('invite-form', () => {
  const who = $<HTMLSelectElement>('invite-user').value;
  const identity = [...conn!.db.user.iter()].find(u => u.id.toHexString() === who)?.id;
  if (selected !== undefined && identity) call(conn!.reducers.inviteCollaborator({ boardId: selected, identity }));
});
$('leave').addEventListener('click', () => {
  if (conn && selected !== undefined) call(conn.reducers.leaveBoard({ boardId: selected }));
});

connect(DbConnection.builder(), 'kanban', (c, identity) => {
  conn = c;
  me = identity;
  const db = c.db;
  renderOn(render, [db.user, db.board, db.card, db.boardViewer, db.metric, db.collaborator], [db.user, db.board, db.card, db.metric]);
  return [
    'SELECT * FROM user',
    'SELECT * FROM board',
    'SELECT * FROM collaborator',
    'SELECT * FROM card',
    'SELECT * FROM board_viewer',
    'SELECT * FROM metric',
  ];
}, render);
