// Client bindings for the chat module (samples/chat), written by hand in the
// shape `spacetime generate --lang typescript` emits: one named product type per
// table row type (the module's `User` and `Message` classes).

/* eslint-disable */
import { t as __t, type Infer as __Infer } from 'spacetimedb';

export const Message = __t.object('Message', {
  sender: __t.identity(),
  sent: __t.timestamp(),
  text: __t.string(),
});
export type Message = __Infer<typeof Message>;

export const User = __t.object('User', {
  identity: __t.identity(),
  name: __t.option(__t.string()),
  online: __t.bool(),
});
export type User = __Infer<typeof User>;
