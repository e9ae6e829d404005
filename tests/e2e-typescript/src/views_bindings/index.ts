// Client bindings for the views test module (tests/Modules/Views), written by hand
// in the shape `spacetime generate --lang typescript` emits (see
// ../module_bindings/index.ts for what the SDK takes from each part). A view is
// declared to the SDK exactly like a table: `subscribeToAllTables()` sends
// `SELECT * FROM <name>` for each, views included, and the server answers with
// the view's rows for the calling client.

/* eslint-disable */
import {
  DbConnectionBuilder as __DbConnectionBuilder,
  DbConnectionImpl as __DbConnectionImpl,
  SubscriptionBuilderImpl as __SubscriptionBuilderImpl,
  procedures as __procedures,
  reducerSchema as __reducerSchema,
  reducers as __reducers,
  schema as __schema,
  table as __table,
  t as __t,
  type DbConnectionConfig as __DbConnectionConfig,
  type RemoteModule as __RemoteModule,
} from 'spacetimedb';

/** Row of `player`, and of the views returning players. */
const PlayerRow = __t.row({
  id: __t.u64().primaryKey(),
  identity: __t.identity(),
  name: __t.string(),
  score: __t.u64(),
  team: __t.u32(),
});

/** Row of `note` and of the `my_notes` view (primary key `id`). */
const NoteRow = __t.row({
  id: __t.u64().primaryKey(),
  owner: __t.identity(),
  text: __t.string(),
});

/** Row of `membership`. */
const MembershipRow = __t.row({
  id: __t.u64().primaryKey(),
  player_id: __t.u64(),
});

/** Row of the `team_stats` view: a live GROUP BY team with COUNT, SUM, MIN and MAX (primary key `team`). */
const TeamStatsRow = __t.row({
  team: __t.u32().primaryKey(),
  players: __t.u64(),
  total_score: __t.u64(),
  min_score: __t.u64(),
  max_score: __t.u64(),
});

const plain = { indexes: [], constraints: [] };

const tablesSchema = __schema({
  player: __table({ name: 'player', ...plain }, PlayerRow),
  membership: __table({ name: 'membership', ...plain }, MembershipRow),
  note: __table({ name: 'note', ...plain }, NoteRow),
  myPlayer: __table({ name: 'my_player', ...plain }, PlayerRow),
  myNotes: __table({ name: 'my_notes', ...plain }, NoteRow),
  highScorers: __table({ name: 'high_scorers', ...plain }, PlayerRow),
  allPlayers: __table({ name: 'all_players', ...plain }, PlayerRow),
  teamOne: __table({ name: 'team_one', ...plain }, PlayerRow),
  members: __table({ name: 'members', ...plain }, PlayerRow),
  teamStats: __table({ name: 'team_stats', ...plain }, TeamStatsRow),
});

const reducersSchema = __reducers(
  __reducerSchema('add_membership', { id: __t.u64(), player_id: __t.u64() }),
  __reducerSchema('add_note', { text: __t.string() }),
  __reducerSchema('add_player', { identity: __t.identity(), name: __t.string(), score: __t.u64(), team: __t.u32() }),
  __reducerSchema('join_game', { name: __t.string(), team: __t.u32() }),
  __reducerSchema('remove_player', { id: __t.u64() }),
  __reducerSchema('set_score', { id: __t.u64(), score: __t.u64() })
);

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

export class SubscriptionBuilder extends __SubscriptionBuilderImpl<typeof REMOTE_MODULE> {}

export class DbConnectionBuilder extends __DbConnectionBuilder<DbConnection> {}

/** A connection to a database running the views test module. */
export class DbConnection extends __DbConnectionImpl<typeof REMOTE_MODULE> {
  static builder = (): DbConnectionBuilder => {
    return new DbConnectionBuilder(
      REMOTE_MODULE,
      (config: __DbConnectionConfig<typeof REMOTE_MODULE>) => new DbConnection(config)
    );
  };

  override subscriptionBuilder = (): SubscriptionBuilder => {
    return new SubscriptionBuilder(this);
  };
}
