// Client bindings for the chat module (samples/chat): the module has no procedures.

/* eslint-disable */
export {};
