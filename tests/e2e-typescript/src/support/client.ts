import type { Identity } from 'spacetimedb';
import { DbConnection } from '../module_bindings/index.js';
import './sdk-log.js';
import { TIMEOUTS, within } from './timeouts.js';

/** A connected chat client, as the application sees it after `onConnect`. */
export type ChatClient = {
  label: string;
  conn: DbConnection;
  identity: Identity;
  token: string;
  /** Resolves (with the error, if any) when the SDK reports the connection closed. */
  disconnected: Promise<Error | undefined>;
};

const openConnections = new Set<DbConnection>();

/**
 * Builds a `DbConnection` the way an application does and waits for
 * `onConnect`. Anonymous unless `token` is given.
 */
export async function connect(
  wsUrl: string,
  database: string,
  label: string,
  token?: string
): Promise<ChatClient> {
  let onDisconnect!: (error: Error | undefined) => void;
  const disconnected = new Promise<Error | undefined>(resolve => (onDisconnect = resolve));
  let conn: DbConnection | undefined;
  const connected = new Promise<{ identity: Identity; token: string }>((resolve, reject) => {
    let builder = DbConnection.builder()
      .withUri(wsUrl)
      .withDatabaseName(database)
      .onConnect((_conn, identity, token) => resolve({ identity, token }))
      .onConnectError((_ctx, error) =>
        reject(new Error(`${label}: connect to ${wsUrl} database '${database}' failed: ${error?.message ?? error}`))
      )
      .onDisconnect((_ctx, error) => {
        onDisconnect(error);
        reject(new Error(`${label}: disconnected before onConnect${error ? `: ${error.message}` : ''}`));
      });
    if (token !== undefined) builder = builder.withToken(token);
    conn = builder.build();
    openConnections.add(conn);
  });
  try {
    const { identity, token: newToken } = await within(
      TIMEOUTS.event,
      `${label}: onConnect from ${wsUrl} database '${database}'`,
      connected
    );
    return { label, conn: conn!, identity, token: newToken, disconnected };
  } catch (e) {
    conn?.disconnect();
    if (conn) openConnections.delete(conn);
    throw e;
  }
}

/** `disconnect()` and wait until the SDK reports the socket closed. */
export async function disconnect(client: ChatClient): Promise<void> {
  client.conn.disconnect();
  openConnections.delete(client.conn);
  await within(TIMEOUTS.event, `${client.label}: onDisconnect after disconnect()`, client.disconnected);
}

/** Closes every connection this process opened (cleanup after a failed test). */
export function disconnectAll(): void {
  for (const conn of openConnections) conn.disconnect();
  openConnections.clear();
}

/** `subscriptionBuilder().subscribeToAllTables()` and wait for `onApplied`. */
export function subscribeToAllTables(client: ChatClient): Promise<void> {
  return within(
    TIMEOUTS.event,
    `${client.label}: onApplied of subscribeToAllTables`,
    new Promise<void>((resolve, reject) => {
      client.conn
        .subscriptionBuilder()
        .onApplied(() => resolve())
        .onError(ctx => reject(new Error(`${client.label}: subscription failed: ${ctx.event?.message ?? 'no message'}`)))
        .subscribeToAllTables();
    })
  );
}

/**
 * Waits for the first callback whose arguments satisfy `matches`. Call it
 * *before* triggering the change; await the result afterwards.
 */
export function nextCallback<Args extends unknown[]>(
  what: string,
  on: (cb: (...args: Args) => void) => void,
  off: (cb: (...args: Args) => void) => void,
  matches: (...args: Args) => boolean = () => true
): Promise<Args> {
  let cb!: (...args: Args) => void;
  const seen = new Promise<Args>((resolve, reject) => {
    cb = (...args: Args) => {
      let ok: boolean;
      try {
        ok = matches(...args);
      } catch (e) {
        reject(e);
        return;
      }
      if (ok) resolve(args);
    };
    on(cb);
  });
  const result = within(TIMEOUTS.event, what, seen).finally(() => off(cb));
  // If the test fails before awaiting this, its timeout must not surface as an
  // unhandled rejection; whoever awaits it still gets the rejection.
  result.catch(() => {});
  return result;
}

/** Awaits a reducer call's promise with a bound. */
export function reducerCall(what: string, call: Promise<void>): Promise<void> {
  return within(TIMEOUTS.event, `reducer result for ${what}`, call);
}

/** A reducer call's rejection, or an error saying it did not reject. */
export async function rejectionOf(what: string, call: Promise<void>): Promise<Error> {
  try {
    await reducerCall(what, call);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('timed out')) throw e;
    return e as Error;
  }
  throw new Error(`${what} succeeded; expected it to be rejected`);
}

type UserUpdateCallback = Parameters<DbConnection['db']['user']['onUpdate']>[0];
type MessageInsertCallback = Parameters<DbConnection['db']['message']['onInsert']>[0];

/** The next `conn.db.user.onUpdate` on `observer` whose arguments satisfy `matches`. */
export function nextUserUpdate(
  observer: ChatClient,
  what: string,
  matches: (...args: Parameters<UserUpdateCallback>) => boolean
): Promise<Parameters<UserUpdateCallback>> {
  const table = observer.conn.db.user;
  return nextCallback<Parameters<UserUpdateCallback>>(
    `${observer.label}: onUpdate of user: ${what}`,
    cb => table.onUpdate(cb),
    cb => table.removeOnUpdate(cb),
    matches
  );
}

/** The next `conn.db.message.onInsert` on `observer` whose arguments satisfy `matches`. */
export function nextMessageInsert(
  observer: ChatClient,
  what: string,
  matches: (...args: Parameters<MessageInsertCallback>) => boolean
): Promise<Parameters<MessageInsertCallback>> {
  const table = observer.conn.db.message;
  return nextCallback<Parameters<MessageInsertCallback>>(
    `${observer.label}: onInsert of message: ${what}`,
    cb => table.onInsert(cb),
    cb => table.removeOnInsert(cb),
    matches
  );
}
