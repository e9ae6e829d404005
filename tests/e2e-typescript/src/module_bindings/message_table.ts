// Client bindings for the chat module (samples/chat), written by hand in the
// shape `spacetime generate --lang typescript` emits.

/* eslint-disable */
import { t as __t } from 'spacetimedb';

/** Row of the `message` table: columns in module declaration order; no primary key. */
export default __t.row({
  sender: __t.identity(),
  sent: __t.timestamp(),
  text: __t.string(),
});
