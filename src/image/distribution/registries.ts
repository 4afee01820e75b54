/**
 * Pulling by a full reference (`HOST[:PORT]/REPO[:TAG|@DIGEST]`): which registry, over https or plain
 * http (`swarmd --insecure-registry HOST[:PORT]`, as dockerd's option of that name), then
 * {@link pullFromRegistry} and the local name. Used by `swarmctl image pull`, by a manager pinning a
 * service image it does not have, and by a worker whose managers cannot give it the image.
 */
import { ValidationError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import { ImageError, ImageErrorCode } from "../errors.js";
import { parseReference, registryOf } from "../reference.js";
import type { ImageStore } from "../store.js";
import type { RegistryAuth } from "./registry-auth.js";
import { pullFromRegistry, type PullResult } from "./registry.js";

/** How this node reaches registries. */
export interface RegistryAccess {
  /** Registries spoken to over plain http: `host:port`, or `host` for every port of it. */
  readonly insecure: readonly string[];
}

/** No insecure registries: every registry over https. */
export const DEFAULT_REGISTRY_ACCESS: RegistryAccess = { insecure: [] };

const HOST_PORT_RE = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::([0-9]{1,5}))?$/;

/** Checks `--insecure-registry` values: `host[:port]`, no scheme, no path. */
export function parseInsecureRegistries(values: readonly string[], flag = "--insecure-registry"): string[] {
  return values.map((v) => {
    const m = HOST_PORT_RE.exec(v);
    const port = m?.[1] === undefined ? undefined : Number(m[1]);
    if (m === null || (port !== undefined && (port < 1 || port > 65535))) {
      throw new ValidationError(flag, `${JSON.stringify(v)} is not HOST[:PORT] (no scheme, no path; e.g. 10.0.0.5:5000)`);
    }
    return v;
  });
}

/** True when `registry` (`host[:port]`) is to be spoken to over plain http. */
export function isInsecure(registry: string, access: RegistryAccess): boolean {
  const host = registry.replace(/:[0-9]+$/, "");
  return access.insecure.some((e) => e === registry || e === host);
}

/** The base URL of a registry for this node. */
export function registryUrl(registry: string, access: RegistryAccess): string {
  return `${isInsecure(registry, access) ? "http" : "https"}://${registry}`;
}

/** Options of {@link pullReference}. */
export interface PullReferenceOptions {
  /** `HOST[:PORT]/REPO[:TAG]`, `…@sha256:…` or Docker's pinned `…:TAG@sha256:…`. */
  readonly ref: string;
  readonly store: ImageStore;
  readonly access: RegistryAccess;
  readonly auth?: RegistryAuth;
  readonly logger?: Logger;
  /** How the user lists a plain-http registry, for the error hint (default `swarmd --insecure-registry HOST`). */
  readonly insecureHint?: (registry: string) => string;
}

/**
 * Pulls `ref` from the registry it names into `store`. A reference without a digest names the image with
 * the full reference only (so `service create HOST:PORT/REPO:TAG` resolves it, and a local `REPO:TAG` is
 * left alone); one with a digest is found by it.
 * A failure over https to a registry not listed as insecure says how to list it.
 */
export async function pullReference(o: PullReferenceOptions): Promise<PullResult> {
  const where = registryOf(o.ref);
  if (where === undefined) {
    throw new ImageError(ImageErrorCode.BadReference, `${JSON.stringify(o.ref)} names no registry: give HOST[:PORT]/REPOSITORY[:TAG] (there is no default registry)`);
  }
  const url = registryUrl(where.registry, o.access);
  let res: PullResult;
  try {
    // Named by the full reference only: `demo/web:1` on this node stays whatever was loaded under it.
    const names = parseReference(o.ref).kind === "named" ? [o.ref] : [];
    res = await pullFromRegistry({ url, ref: where.repository, names, store: o.store, ...(o.auth !== undefined ? { auth: o.auth } : {}), ...(o.logger !== undefined ? { logger: o.logger } : {}) });
  } catch (err) {
    if (err instanceof Error && url.startsWith("https:") && /cannot reach registry/.test(err.message)) {
      const hint = o.insecureHint?.(where.registry) ?? `swarmd --insecure-registry ${where.registry}`;
      err.message += ` (a registry that speaks plain http needs \`${hint}\`)`;
    }
    throw err;
  }
  return res;
}
