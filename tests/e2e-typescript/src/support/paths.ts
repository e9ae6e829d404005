import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** tests/e2e-typescript (this file is compiled to dist/support/paths.js). */
export const E2E_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** The repository root: the CLI's working directory, so `samples/chat` resolves. */
export const REPO_ROOT = resolve(E2E_DIR, '..', '..');
