// End-to-end: row-level security through the official TypeScript SDK. The kanban sample
// module (samples/kanban/module, seed 004's 1.x-style module) hides each board from clients
// that do not collaborate on it ([ClientVisibilityFilter] with a join on :sender). A
// second client does not see another's board, sees it (and its cards) as soon as it is
// invited as a collaborator, and loses it when it leaves.

import assert from 'node:assert/strict';
import { after, describe } from 'node:test';
import type { Identity } from 'spacetimedb';
import { DbConnection } from './kanban_bindings/index.js';
import { nextCallback } from './support/client.js';
import { ModuleFixture } from './support/module-fixture.js';
import { TIMEOUTS, within } from './support/timeouts.js';

const MODULE_DIR = 'samples/kanban/module';
const DATABASE = 'kanban';

const fixture = new ModuleFixture<DbConnection>(MODULE_DIR, DATABASE);

type Client = { label: string; conn: DbConnection; identity: Identity };
type Db = DbConnection['db'];
type BoardInsert = Parameters<Parameters<Db['board']['onInsert']>[0]>;
type BoardDelete = Parameters<Parameters<Db['board']['onDelete']>[0]>;
type CardInsert = Parameters<Parameters<Db['card']['onInsert']>[0]>;
type CardUpdate = Parameters<Parameters<Db['card']['onUpdate']>[0]>;
type CardDelete = Parameters<Parameters<Db['card']['onDelete']>[0]>;

async function connect(label: string): Promise<Client> {
  const s = await fixture.server();
  const connected = new Promise<Client>((resolve, reject) => {
    const conn = DbConnection.builder()
      .withUri(s.wsUrl)
      .withDatabaseName(DATABASE)
      .onConnect((c, identity) => resolve({ label, conn: c as DbConnection, identity }))
      .onConnectError((_ctx, error) => reject(new Error(`${label}: connect failed: ${error?.message ?? error}`)))
      .build();
    fixture.open.add(conn);
  });
  return within(TIMEOUTS.event, `${label}: onConnect`, connected);
}

function subscribe(client: Client, queries: string[]): Promise<void> {
  return within(
    TIMEOUTS.event,
    `${client.label}: onApplied of ${queries.join('; ')}`,
    new Promise<void>((resolve, reject) => {
      client.conn
        .subscriptionBuilder()
        .onApplied(() => resolve())
        .onError(ctx => reject(new Error(`${client.label}: subscription failed: ${ctx.event?.message ?? 'no message'}`)))
        .subscribe(queries);
    })
  );
}

function call(what: string, p: Promise<void>): Promise<void> {
  return within(TIMEOUTS.event, `reducer result for ${what}`, p);
}

function titles(client: Client): string[] {
  return [...client.conn.db.board.iter()].map(b => b.title).sort();
}

describe('kanban module: client visibility filters through the official TypeScript SDK', () => {
  after(() => fixture.dispose());

  fixture.test('a second client sees a board only while it collaborates on it', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    await subscribe(alice, ['SELECT * FROM board', 'SELECT * FROM card']);
    await subscribe(bob, ['SELECT * FROM board', 'SELECT * FROM card']);

    const title = `plans-${Math.random().toString(36).slice(2, 8)}`;
    const aliceSees = nextCallback<BoardInsert>(
      'alice: onInsert of her board',
      cb => alice.conn.db.board.onInsert(cb),
      cb => alice.conn.db.board.removeOnInsert(cb),
      (_ctx, row) => row.title === title
    );
    await call('create_board', alice.conn.reducers.createBoard({ title }));
    const [, board] = await aliceSees;
    assert.ok(board.owner.isEqual(alice.identity));
    await call('add_card', alice.conn.reducers.addCard({ boardId: board.boardId, title: 'first card' }));
    await call('create_board', bob.conn.reducers.createBoard({ title: `bob-${title}` }));

    // Bob's own board arrived; Alice's board and card never did.
    assert.deepEqual(titles(bob), [`bob-${title}`]);
    assert.equal([...bob.conn.db.card.iter()].length, 0, 'bob sees a card of a board he does not collaborate on');
    assert.deepEqual(titles(alice), [title], 'alice sees a board she does not collaborate on');

    // Invited as a collaborator (he is a registered user since he connected): the board and its card appear for Bob at once.
    const bobGetsBoard = nextCallback<BoardInsert>(
      'bob: onInsert of the board he was invited to',
      cb => bob.conn.db.board.onInsert(cb),
      cb => bob.conn.db.board.removeOnInsert(cb),
      (_ctx, row) => row.boardId === board.boardId
    );
    const bobGetsCard = nextCallback<CardInsert>(
      'bob: onInsert of the card of that board',
      cb => bob.conn.db.card.onInsert(cb),
      cb => bob.conn.db.card.removeOnInsert(cb),
      (_ctx, row) => row.boardId === board.boardId
    );
    await call('invite_collaborator', alice.conn.reducers.inviteCollaborator({ boardId: board.boardId, identity: bob.identity }));
    await bobGetsBoard;
    const [, card] = await bobGetsCard;
    assert.equal(card.title, 'first card');
    assert.deepEqual(titles(bob), [`bob-${title}`, title].sort());

    // Changes on a visible board reach him as updates.
    const bobSeesMove = nextCallback<CardUpdate>(
      'bob: onUpdate of the moved card',
      cb => bob.conn.db.card.onUpdate(cb),
      cb => bob.conn.db.card.removeOnUpdate(cb),
      (_ctx, _old, row) => row.cardId === card.cardId
    );
    await call('move_card', alice.conn.reducers.moveCard({ cardId: card.cardId, state: 'doing' }));
    const [, old, moved] = await bobSeesMove;
    assert.equal(old.state, 'todo');
    assert.equal(moved.state, 'doing');

    // Left: the board and its card disappear for Bob, not for Alice.
    const bobLosesBoard = nextCallback<BoardDelete>(
      'bob: onDelete of the board he left',
      cb => bob.conn.db.board.onDelete(cb),
      cb => bob.conn.db.board.removeOnDelete(cb),
      (_ctx, row) => row.boardId === board.boardId
    );
    const bobLosesCard = nextCallback<CardDelete>(
      'bob: onDelete of its card',
      cb => bob.conn.db.card.onDelete(cb),
      cb => bob.conn.db.card.removeOnDelete(cb),
      (_ctx, row) => row.boardId === board.boardId
    );
    await call('leave_board', bob.conn.reducers.leaveBoard({ boardId: board.boardId }));
    await bobLosesBoard;
    await bobLosesCard;
    assert.deepEqual(titles(bob), [`bob-${title}`]);
    assert.deepEqual(titles(alice), [title]);
    assert.equal([...alice.conn.db.card.iter()].length, 1, 'alice lost the card of her board');
  });

  fixture.test('a filtered subscription of a non-collaborator returns only the boards it may see', async () => {
    const carol = await connect('carol');
    await call('create_board', carol.conn.reducers.createBoard({ title: 'carol-only' }));
    const dave = await connect('dave');
    await subscribe(dave, ['SELECT * FROM board WHERE title = \'carol-only\'']);
    assert.deepEqual(titles(dave), []);
    await subscribe(carol, ['SELECT * FROM board WHERE title = \'carol-only\'']);
    assert.deepEqual(titles(carol), ['carol-only']);
  });
});
