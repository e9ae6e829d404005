// Client bindings for the chat module (samples/chat), written by hand in the
// shape `spacetime generate --lang typescript` emits.

/* eslint-disable */
import { t as __t } from 'spacetimedb';

/** Parameters of the `set_name` reducer, in declaration order. */
export default {
  name: __t.string(),
};
