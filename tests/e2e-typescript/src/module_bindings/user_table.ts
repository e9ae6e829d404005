// Client bindings for the chat module (samples/chat), written by hand in the
// shape `spacetime generate --lang typescript` emits. Replace with the output
// of `meridian generate` once the CLI has it.

/* eslint-disable */
import { t as __t } from 'spacetimedb';

/** Row of the `user` table: columns in module declaration order. */
export default __t.row({
  identity: __t.identity().primaryKey(),
  name: __t.option(__t.string()),
  online: __t.bool(),
});
