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
console.log = (...args: unknown[]) => console.error(...args);
