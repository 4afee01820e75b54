/** The replicated object store (see design/store.md). */
export * from "./errors.js";
export * from "./memory.js";
export * from "./store.js";
export * from "./types.js";
export * from "./watch.js";
export * from "./objects.js";
