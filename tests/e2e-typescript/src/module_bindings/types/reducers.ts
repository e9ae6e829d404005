// Client bindings for the chat module (samples/chat): reducer parameter types.

/* eslint-disable */
import { type Infer as __Infer } from 'spacetimedb';

import SendMessageReducer from '../send_message_reducer.js';
import SetNameReducer from '../set_name_reducer.js';

export type SendMessageParams = __Infer<typeof SendMessageReducer>;
export type SetNameParams = __Infer<typeof SetNameReducer>;
