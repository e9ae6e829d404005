// Client bindings for the kanban test module (tests/Modules/Kanban), written by hand in
// the shape `spacetime generate --lang typescript` emits (see module_bindings/index.ts
// for what the SDK takes from each part). Only the tables and reducers the tests use.

/* eslint-disable */
import {
  DbConnectionBuilder as __DbConnectionBuilder,
  DbConnectionImpl as __DbConnectionImpl,
  SubscriptionBuilderImpl as __SubscriptionBuilderImpl,
  procedures as __procedures,
  reducerSchema as __reducerSchema,
  reducers as __reducers,
  schema as __schema,
  t as __t,
  table as __table,
  type DbConnectionConfig as __DbConnectionConfig,
  type Infer as __Infer,
  type RemoteModule as __RemoteModule,
} from 'spacetimedb';

const BoardRow = __t.row({
  boardId: __t.u64().primaryKey().name('board_id'),
  title: __t.string(),
  owner: __t.identity(),
});

const CollaboratorRow = __t.row({
  collaboratorId: __t.u64().primaryKey().name('collaborator_id'),
  boardId: __t.u64().name('board_id'),
  identity: __t.identity(),
});

const CardRow = __t.row({
  cardId: __t.u64().primaryKey().name('card_id'),
  boardId: __t.u64().name('board_id'),
  title: __t.string(),
  state: __t.string(),
  assignee: __t.identity(),
  createdAt: __t.timestamp().name('created_at'),
});

export const Board = __t.object('Board', {
  boardId: __t.u64(),
  title: __t.string(),
  owner: __t.identity(),
});
export type Board = __Infer<typeof Board>;

const tablesSchema = __schema({
  board: __table({ name: 'board', indexes: [], constraints: [] }, BoardRow),
  card: __table({ name: 'card', indexes: [], constraints: [] }, CardRow),
  collaborator: __table({ name: 'collaborator', indexes: [], constraints: [] }, CollaboratorRow),
});

const reducersSchema = __reducers(
  __reducerSchema('add_card', { boardId: __t.u64(), title: __t.string() }),
  __reducerSchema('add_collaborator', { boardId: __t.u64(), identity: __t.identity() }),
  __reducerSchema('create_board', { title: __t.string() }),
  __reducerSchema('remove_collaborator', { boardId: __t.u64(), identity: __t.identity() }),
  __reducerSchema('rename_board', { boardId: __t.u64(), title: __t.string() })
);

const proceduresSchema = __procedures();

const REMOTE_MODULE = {
  versionInfo: { cliVersion: '2.10.1' as const },
  tables: tablesSchema.schemaType.tables,
  reducers: reducersSchema.reducersType.reducers,
  ...proceduresSchema,
} satisfies __RemoteModule<typeof tablesSchema.schemaType, typeof reducersSchema.reducersType, typeof proceduresSchema>;

export class SubscriptionBuilder extends __SubscriptionBuilderImpl<typeof REMOTE_MODULE> {}

export class DbConnectionBuilder extends __DbConnectionBuilder<DbConnection> {}

/** A connection to a database running the kanban module. */
export class DbConnection extends __DbConnectionImpl<typeof REMOTE_MODULE> {
  static builder = (): DbConnectionBuilder =>
    new DbConnectionBuilder(REMOTE_MODULE, (config: __DbConnectionConfig<typeof REMOTE_MODULE>) => new DbConnection(config));

  override subscriptionBuilder = (): SubscriptionBuilder => new SubscriptionBuilder(this);
}
