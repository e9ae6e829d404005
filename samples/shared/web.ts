// What the samples' web clients (kanban, terminal-academy) share: small DOM helpers and the
// connection boot (server and database from the page's query string, the token kept in
// localStorage, one subscription, status and errors on the page). esbuild bundles this file into
// each client; the types below are the parts of the SDK's generated DbConnection it uses.
import type { Identity } from 'spacetimedb';

export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

/** Shows `message` in the page's #error element, or hides it when there is none. */
export function showError(message: string | undefined): void {
  const box = $('error');
  box.textContent = message ?? '';
  box.hidden = !message;
}

/** Calls a reducer; its error (the module's exception message) is shown to the user. */
export function call(p: Promise<void>): void {
  showError(undefined);
  p.catch((e: unknown) => showError(e instanceof Error ? e.message : String(e)));
}

/** A render function that runs `draw` once after the current burst of cache events, however many there were. */
export function coalesced(draw: () => void): () => void {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      draw();
    });
  };
}

type RowEvents = { onInsert(cb: () => void): void; onDelete(cb: () => void): void };
type UpdateEvents = { onUpdate(cb: () => void): void };

/** Calls `render` on every insert and delete in `tables`, and on every update in `updated` (tables with a primary key). */
export function renderOn(render: () => void, tables: RowEvents[], updated: UpdateEvents[] = []): void {
  for (const table of tables) {
    table.onInsert(render);
    table.onDelete(render);
  }
  for (const table of updated) table.onUpdate(render);
}

let connected = false;

/** Runs `action` when form `id` is submitted, once the client is connected. */
export function onSubmit(id: string, action: () => void): void {
  $(id).addEventListener('submit', e => {
    e.preventDefault();
    if (connected) action();
  });
}

interface SubscriptionBuilder {
  onApplied(cb: () => void): SubscriptionBuilder;
  onError(cb: (ctx: { event?: Error }) => void): SubscriptionBuilder;
  subscribe(queries: string[]): unknown;
}

interface ConnectionBuilder<C> {
  withUri(uri: string): this;
  withDatabaseName(name: string): this;
  withToken(token?: string): this;
  onConnect(cb: (conn: C, identity: Identity, token: string) => void): this;
  onConnectError(cb: (ctx: unknown, error: Error) => void): this;
  onDisconnect(cb: () => void): this;
  build(): C;
}

/**
 * Connects to `?server=` (default ws://<this host>:3000) and database `?db=` (default
 * `defaultDatabase`) with the token this browser saved for them, if any. On connect, `setup` gets
 * the connection and this client's identity and returns the queries to subscribe to; once they
 * are applied, `<body data-ready="true">` says so (the browser tests wait for it) and `render` runs.
 */
export function connect<C extends { subscriptionBuilder(): SubscriptionBuilder }>(
  builder: ConnectionBuilder<C>,
  defaultDatabase: string,
  setup: (conn: C, identity: Identity) => string[],
  render: () => void
): void {
  const params = new URLSearchParams(location.search);
  const serverUri = params.get('server') ?? `ws://${location.hostname || '127.0.0.1'}:3000`;
  const database = params.get('db') ?? defaultDatabase;
  const tokenKey = `${defaultDatabase}-token:${serverUri}/${database}`;
  builder
    .withUri(serverUri)
    .withDatabaseName(database)
    .withToken(localStorage.getItem(tokenKey) ?? undefined)
    .onConnect((conn, identity, token) => {
      localStorage.setItem(tokenKey, token);
      connected = true;
      const queries = setup(conn, identity);
      conn
        .subscriptionBuilder()
        .onApplied(() => {
          document.body.dataset.ready = 'true';
          render();
        })
        .onError(ctx => showError(`subscription failed: ${ctx.event?.message ?? 'unknown error'}`))
        .subscribe(queries);
    })
    .onConnectError((_ctx, error) => {
      $('status').textContent = 'disconnected';
      showError(`cannot connect to ${serverUri} (database ${database}): ${error?.message ?? error}`);
    })
    .onDisconnect(() => {
      $('status').textContent = 'disconnected';
    })
    .build();
}
