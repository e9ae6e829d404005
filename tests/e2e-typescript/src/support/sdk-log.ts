import { setGlobalLogLevel } from 'spacetimedb';

// The SDK logs every connect at 'info' with console.log. Keep test files'
// stdout for the test runner (Node 20's runner can choke on interleaved
// stdout from a test file) unless MERIDIAN_E2E_SDK_LOG asks for more.
type LogLevel = Parameters<typeof setGlobalLogLevel>[0];
const LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug', 'trace'];
const requested = process.env.MERIDIAN_E2E_SDK_LOG as LogLevel | undefined;
if (requested !== undefined && !LEVELS.includes(requested)) {
  throw new Error(`MERIDIAN_E2E_SDK_LOG must be one of ${LEVELS.join(', ')}, got '${requested}'`);
}
setGlobalLogLevel(requested ?? 'warn');

// The SDK writes its log with console.log. Under `node --test`, a test file's
// stdout is the channel to the runner, and Node 20's runner fails the whole file
// ("Unable to deserialize cloned data") on some of the SDK's emoji-prefixed
// lines. Send console.log to stderr instead; the runner passes stderr through.
//
// The SDK reports some protocol violations only by logging an error and
// carrying on (an update for a row it does not have, an unknown query set, a
// frame it cannot decompress), so errors are also recorded for the tests to
// fail on: see takeSdkErrors.
const toStderr = console.error.bind(console);
const sdkErrors: string[] = [];

console.log = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes(' ERROR')) sdkErrors.push(describe(args));
  toStderr(...args);
};
console.error = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].startsWith('[SpacetimeDB]')) sdkErrors.push(describe(args));
  toStderr(...args);
};

/** The errors the SDK logged since the last call, oldest first. */
export function takeSdkErrors(): string[] {
  return sdkErrors.splice(0);
}

function describe(args: unknown[]): string {
  // Drop the '%c' styling arguments of the SDK's logger.
  const [first, ...rest] = args;
  const text = String(first).replaceAll('%c', '');
  const styles = String(first).split('%c').length - 1;
  return [text, ...rest.slice(styles).map(a => (a instanceof Error ? a.message : String(a)))].join(' ');
}
