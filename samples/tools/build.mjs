// node samples/tools/build.mjs SAMPLE...: generates each sample's TypeScript bindings with
// `meridian generate` and bundles its web client into samples/SAMPLE/web/dist/app.js.
import { buildWeb } from './web.mjs';

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('usage: node samples/tools/build.mjs SAMPLE... (e.g. kanban terminal-academy)');
  process.exit(2);
}
for (const name of names) {
  console.log(`== ${name}: meridian generate --lang typescript, esbuild`);
  await buildWeb(name);
}
