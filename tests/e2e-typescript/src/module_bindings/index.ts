// Client bindings for the chat module (samples/chat), written by hand in the
// shape `spacetime generate --lang typescript` (SpacetimeDB CLI 2.x) emits, so
// that the official SDK (npm `spacetimedb`) talks to Meridian exactly as it
// would with generated code. Differences from generated code: relative imports
// carry a `.js` extension so that `tsc` output runs under Node's ESM loader, and
// unused type-only imports are left out.
//
// What the SDK takes from here, and what it sends on the wire:
// - table `name` ('user', 'message'): the canonical table name. It is matched
//   against `table`/`table_name` in every server message, and
//   `subscribeToAllTables()` sends `SELECT * FROM <name>` for each table.
// - the key of each table in `schema({...})` ('user', 'message'): the accessor,
//   i.e. `conn.db.user`.
// - `.primaryKey()` on `user.identity`: the client cache keys `user` rows by it
//   and turns a delete+insert of the same key into `onUpdate`. `message` has no
//   primary key, so its rows are keyed by their BSATN bytes.
// - reducer names ('set_name', 'send_message'): sent verbatim in
//   `CallReducer.reducer`; the accessor is their camelCase (`conn.reducers.setName`).
// - `versionInfo.cliVersion`: checked by `DbConnectionBuilder.build()` (>= 1.4.0).

/* eslint-disable */
import {
  DbConnectionBuilder as __DbConnectionBuilder,
  DbConnectionImpl as __DbConnectionImpl,
  SubscriptionBuilderImpl as __SubscriptionBuilderImpl,
  convertToAccessorMap as __convertToAccessorMap,
  makeQueryBuilder as __makeQueryBuilder,
  procedures as __procedures,
  reducerSchema as __reducerSchema,
  reducers as __reducers,
  schema as __schema,
  table as __table,
  type DbConnectionConfig as __DbConnectionConfig,
  type ErrorContextInterface as __ErrorContextInterface,
  type EventContextInterface as __EventContextInterface,
  type QueryBuilder as __QueryBuilder,
  type ReducerEventContextInterface as __ReducerEventContextInterface,
  type RemoteModule as __RemoteModule,
  type SubscriptionEventContextInterface as __SubscriptionEventContextInterface,
  type SubscriptionHandleImpl as __SubscriptionHandleImpl,
} from 'spacetimedb';

import SendMessageReducer from './send_message_reducer.js';
import SetNameReducer from './set_name_reducer.js';

import MessageRow from './message_table.js';
import UserRow from './user_table.js';

export { Message, User } from './types.js';
export type { SendMessageParams, SetNameParams } from './types/reducers.js';

/** The module's tables, as the server declares them (both public). */
const tablesSchema = __schema({
  message: __table(
    {
      name: 'message',
      indexes: [],
      constraints: [],
    },
    MessageRow
  ),
  user: __table(
    {
      name: 'user',
      indexes: [
        {
          accessor: 'identity',
          name: 'user_identity_idx_btree',
          algorithm: 'btree',
          columns: ['identity'],
        },
      ],
      constraints: [
        {
          name: 'user_identity_key',
          constraint: 'unique',
          columns: ['identity'],
        },
      ],
    },
    UserRow
  ),
});

/** The module's client-callable reducers (lifecycle reducers are not listed). */
const reducersSchema = __reducers(
  __reducerSchema('send_message', SendMessageReducer),
  __reducerSchema('set_name', SetNameReducer)
);

/** The module has no procedures. */
const proceduresSchema = __procedures();

const REMOTE_MODULE = {
  versionInfo: {
    cliVersion: '2.10.1' as const,
  },
  tables: tablesSchema.schemaType.tables,
  reducers: reducersSchema.reducersType.reducers,
  ...proceduresSchema,
} satisfies __RemoteModule<
  typeof tablesSchema.schemaType,
  typeof reducersSchema.reducersType,
  typeof proceduresSchema
>;

/** Query builders for the module's tables. */
export const tables: __QueryBuilder<typeof tablesSchema.schemaType> =
  __makeQueryBuilder(tablesSchema.schemaType);

/** Reducer descriptions keyed by accessor name. */
export const reducers = __convertToAccessorMap(
  reducersSchema.reducersType.reducers
);

/** Procedure descriptions keyed by accessor name (none). */
export const procedures = __convertToAccessorMap(proceduresSchema.procedures);

export type EventContext = __EventContextInterface<typeof REMOTE_MODULE>;
export type ReducerEventContext = __ReducerEventContextInterface<
  typeof REMOTE_MODULE
>;
export type SubscriptionEventContext = __SubscriptionEventContextInterface<
  typeof REMOTE_MODULE
>;
export type ErrorContext = __ErrorContextInterface<typeof REMOTE_MODULE>;
export type SubscriptionHandle = __SubscriptionHandleImpl<typeof REMOTE_MODULE>;

export class SubscriptionBuilder extends __SubscriptionBuilderImpl<
  typeof REMOTE_MODULE
> {}

export class DbConnectionBuilder extends __DbConnectionBuilder<DbConnection> {}

/** A connection to a database running the chat module. */
export class DbConnection extends __DbConnectionImpl<typeof REMOTE_MODULE> {
  static builder = (): DbConnectionBuilder => {
    return new DbConnectionBuilder(
      REMOTE_MODULE,
      (config: __DbConnectionConfig<typeof REMOTE_MODULE>) =>
        new DbConnection(config)
    );
  };

  override subscriptionBuilder = (): SubscriptionBuilder => {
    return new SubscriptionBuilder(this);
  };
}
