/** Where `npm run build:native` puts the runtime binary (native/build/swarm-runtime). */
import { fileURLToPath } from "node:url";

/** Absolute path of the swarm-runtime binary built from native/. */
// src/runtime/binary.ts → ../../native; dist/src/runtime/binary.js → ../../../native
export const RUNTIME_BINARY = fileURLToPath(
  new URL(import.meta.url.includes("/dist/src/") ? "../../../native/build/swarm-runtime" : "../../native/build/swarm-runtime", import.meta.url),
);
