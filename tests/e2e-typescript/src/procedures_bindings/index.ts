// Client bindings for the procedures test module (tests/Modules/Procedures), written by
// hand in the shape `spacetime generate --lang typescript` emits (see
// module_bindings/index.ts). Procedures are described by name, parameters and return
// type; `conn.procedures.<camelCase>(params)` sends `CallProcedure` and resolves with the
// decoded return value of `ProcedureResult`.

/* eslint-disable */
import {
  DbConnectionBuilder as __DbConnectionBuilder,
  DbConnectionImpl as __DbConnectionImpl,
  SubscriptionBuilderImpl as __SubscriptionBuilderImpl,
  procedureSchema as __procedureSchema,
  procedures as __procedures,
  reducerSchema as __reducerSchema,
  reducers as __reducers,
  schema as __schema,
  t as __t,
  table as __table,
  type DbConnectionConfig as __DbConnectionConfig,
  type RemoteModule as __RemoteModule,
} from 'spacetimedb';

const ItemRow = __t.row({
  id: __t.u64().primaryKey(),
  name: __t.string(),
});

export const Pair = __t.object('Pair', { a: __t.u32(), b: __t.string() });
export const ReturnEnum = __t.enum('ReturnEnum', { A: __t.u32(), B: __t.string() });

const tablesSchema = __schema({
  item: __table({ name: 'item', indexes: [], constraints: [] }, ItemRow),
});

const reducersSchema = __reducers(
  __reducerSchema('schedule_proc', { label: __t.string(), delayMillis: __t.u64() })
);

const proceduresSchema = __procedures(
  __procedureSchema('add', { a: __t.u32(), b: __t.u32() }, __t.u64()),
  __procedureSchema('insert_with_tx', { name: __t.string() }, __t.u64()),
  __procedureSchema('return_enum_b', { b: __t.string() }, ReturnEnum),
  __procedureSchema('return_struct', { a: __t.u32(), b: __t.string() }, Pair),
  __procedureSchema('who_am_i', {}, __t.identity()),
  __procedureSchema('will_panic', {}, __t.unit())
);

const REMOTE_MODULE = {
  versionInfo: { cliVersion: '2.10.1' as const },
  tables: tablesSchema.schemaType.tables,
  reducers: reducersSchema.reducersType.reducers,
  ...proceduresSchema,
} satisfies __RemoteModule<typeof tablesSchema.schemaType, typeof reducersSchema.reducersType, typeof proceduresSchema>;

export class SubscriptionBuilder extends __SubscriptionBuilderImpl<typeof REMOTE_MODULE> {}

export class DbConnectionBuilder extends __DbConnectionBuilder<DbConnection> {}

/** A connection to a database running the procedures module. */
export class DbConnection extends __DbConnectionImpl<typeof REMOTE_MODULE> {
  static builder = (): DbConnectionBuilder =>
    new DbConnectionBuilder(REMOTE_MODULE, (config: __DbConnectionConfig<typeof REMOTE_MODULE>) => new DbConnection(config));

  override subscriptionBuilder = (): SubscriptionBuilder => new SubscriptionBuilder(this);
}
