/** Where `npm run build:native` puts the runtime binary (native/build/swarm-runtime). */
import { fileURLToPath } from "node:url";

/** Absolute path of the swarm-runtime binary built from native/. */
export const RUNTIME_BINARY = fileURLToPath(new URL("../../native/build/swarm-runtime", import.meta.url));
