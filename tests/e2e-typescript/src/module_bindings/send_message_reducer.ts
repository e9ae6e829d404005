// Client bindings for the chat module (samples/chat), written by hand in the
// shape `spacetime generate --lang typescript` emits.

/* eslint-disable */
import { t as __t } from 'spacetimedb';

/** Parameters of the `send_message` reducer, in declaration order. */
export default {
  text: __t.string(),
};
