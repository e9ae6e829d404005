// Generated bindings import their siblings without an extension ('./user_table'), the way
// bundlers expect. Node's ESM loader needs the file name, so this hook retries a relative
// specifier that does not resolve (or names a directory, as './types' next to types/) with '.js' appended (tsc compiles './user_table.ts' to
// './user_table.js'). Loaded with `node --import ./resolve-extensionless.mjs`.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if ((error?.code === 'ERR_MODULE_NOT_FOUND' || error?.code === 'ERR_UNSUPPORTED_DIR_IMPORT') && /^\\.{1,2}\\//.test(specifier) && !/\\.[cm]?js$/.test(specifier)) {
      return next(specifier + '.js', context);
    }
    throw error;
  }
}
`),
  import.meta.url
);
