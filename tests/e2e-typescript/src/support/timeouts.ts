/** Bounds for every wait in the suite: generous for a busy 2-core machine, never unbounded. */
export const TIMEOUTS = {
  /** `meridian start` until its "listening" line (includes loading published modules). */
  serverStart: seconds('MERIDIAN_E2E_START_TIMEOUT', 120),
  /** `meridian publish` of samples/chat (compiles the module). */
  publish: seconds('MERIDIAN_E2E_PUBLISH_TIMEOUT', 420),
  /** SIGTERM until the server process has exited. */
  serverStop: seconds('MERIDIAN_E2E_STOP_TIMEOUT', 30),
  /** Connect, subscribe, a reducer round trip, or one expected callback. */
  event: seconds('MERIDIAN_E2E_EVENT_TIMEOUT', 20),
} as const;

/** Per-test backstop: a test may have to wait for the shared server to start and publish. */
export const TEST_TIMEOUT_MS =
  TIMEOUTS.serverStart + TIMEOUTS.publish + 2 * TIMEOUTS.serverStop + 10 * TIMEOUTS.event;

function seconds(envVar: string, fallback: number): number {
  const raw = process.env[envVar];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${envVar} must be a positive number of seconds, got '${raw}'`);
  }
  return value * 1000;
}

/** Rejects with `what` when `promise` has not settled within `ms`. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${ms / 1000} s: ${what}`)),
      ms
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
