// node samples/tools/run-sample.mjs SAMPLE [--server-port 3000] [--web-port 8080]
// Starts a Meridian server (data in samples/SAMPLE/.data), publishes the sample's module as
// database SAMPLE, builds the web client and serves it; Ctrl+C stops everything.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Server, useCliConfigDir } from './meridian.mjs';
import { buildWeb, sampleDirs, serveStatic } from './web.mjs';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { 'server-port': { type: 'string', default: '3000' }, 'web-port': { type: 'string', default: '8080' } },
});
const name = positionals[0];
if (!name) {
  console.error('usage: node samples/tools/run-sample.mjs SAMPLE [--server-port 3000] [--web-port 8080]');
  process.exit(2);
}
const dirs = sampleDirs(name);
// The identity that published the database must publish it again on the next run: keep the CLI's token
// in samples/SAMPLE/.meridian-cli (it is saved per server URL, so keep the same --server-port too).
useCliConfigDir(join(dirs.root, '.meridian-cli'));
console.log(`== starting Meridian on 127.0.0.1:${values['server-port']} (data in samples/${name}/.data)`);
const server = await Server.start({ listen: `127.0.0.1:${values['server-port']}`, dataDir: join(dirs.root, '.data') });
try {
  console.log(`== publishing samples/${name}/module as '${name}'`);
  await server.publish(`samples/${name}/module`, name);
  console.log('== generating the bindings and bundling the web client');
  await buildWeb(name);
  const site = await serveStatic(dirs.web, Number(values['web-port']));
  const url = `${site.url}?server=${encodeURIComponent(server.wsUrl)}&db=${name}`;
  console.log(`\n${name} is running: open ${url}\n(each browser profile is one user; a private window is another). Ctrl+C stops it.`);
  await new Promise(r => {
    process.once('SIGINT', r);
    process.once('SIGTERM', r);
  });
  await site.close();
} catch (e) {
  console.error(`\n${name}: ${e.message}`);
  process.exitCode = 1;
} finally {
  await server.stop();
}
