/**
 * Registry authentication (pure): parsing `WWW-Authenticate` challenges of the Distribution API v2
 * (`Basic realm=…` and `Bearer realm=…,service=…,scope=…`) and building the token-endpoint URL and the
 * `Authorization` headers. The HTTP exchange lives in registry.ts.
 */
import { ErrorCode, SwarmError } from "../../lib/errors.js";

/** Credentials for a registry: a user and password (basic, or to obtain a bearer token), or a ready token. */
export type RegistryAuth = { readonly username: string; readonly password: string } | { readonly token: string };

/** A parsed authentication challenge. */
export type AuthChallenge =
  | { readonly scheme: "basic"; readonly realm: string }
  | { readonly scheme: "bearer"; readonly realm: string; readonly service?: string; readonly scope?: string };

/** A registry refused us, or spoke in a way we cannot follow. */
export class RegistryError extends SwarmError {
  constructor(code: string, message: string, options: { cause?: unknown; fields?: Record<string, unknown> } = {}) {
    super(code, message, options);
  }
}

/** Codes of {@link RegistryError}. */
export const RegistryErrorCode = {
  Unauthorized: ErrorCode.PermissionDenied,
  NotFound: "IMAGE_NOT_FOUND",
  Protocol: "REGISTRY_PROTOCOL",
  Unavailable: ErrorCode.Unavailable,
} as const;

/** Parses `key="value"` / `key=value` pairs of a challenge (commas inside quotes kept). */
function parseParams(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.set((m[1] ?? "").toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] ?? ""));
  }
  return out;
}

/** Parses a `WWW-Authenticate` header value; throws naming the header when it is neither Basic nor Bearer. */
export function parseChallenge(header: string): AuthChallenge {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  const scheme = m?.[1]?.toLowerCase();
  const params = parseParams(m?.[2] ?? "");
  const realm = params.get("realm") ?? "";
  if (scheme === "basic") return { scheme: "basic", realm };
  if (scheme === "bearer") {
    if (realm === "") throw new RegistryError(RegistryErrorCode.Protocol, `WWW-Authenticate ${JSON.stringify(header)}: Bearer challenge without a realm`);
    const service = params.get("service");
    const scope = params.get("scope");
    return { scheme: "bearer", realm, ...(service === undefined ? {} : { service }), ...(scope === undefined ? {} : { scope }) };
  }
  throw new RegistryError(RegistryErrorCode.Protocol, `WWW-Authenticate ${JSON.stringify(header)}: unsupported scheme (expected Basic or Bearer)`);
}

/** The token endpoint URL for a bearer challenge (`scope` defaults to pulling `repository`). */
export function tokenUrl(challenge: Extract<AuthChallenge, { scheme: "bearer" }>, repository: string): string {
  const u = new URL(challenge.realm);
  if (challenge.service !== undefined) u.searchParams.set("service", challenge.service);
  u.searchParams.set("scope", challenge.scope ?? `repository:${repository}:pull`);
  return u.toString();
}

/**
 * Why basic credentials must not be sent to the bearer token `realm` a registry at `registry` named, or
 * `undefined` when they may. The realm comes from the registry's 401 answer, i.e. from whoever answers on
 * that port: credentials go only to the registry's own host, and over plain http only when the registry
 * itself is plain http on that host (the operator already chose to send them in clear there). Docker's
 * client (distribution's token handler, `fetchTokenWithBasicAuth`) sends them to any realm; we do not.
 * The port may differ (token services usually listen on their own port).
 */
export function realmCredentialsRefusal(registry: string, realm: string): string | undefined {
  let r: URL;
  let g: URL;
  try {
    r = new URL(realm);
    g = new URL(registry);
  } catch {
    return `the realm ${JSON.stringify(realm)} is not a URL`;
  }
  if (r.protocol !== "https:" && r.protocol !== "http:") return `the realm uses ${r.protocol} (only https, or http for a plain-http registry)`;
  if (r.hostname !== g.hostname) return `the realm is on host ${r.hostname}, not on the registry's host ${g.hostname}`;
  if (r.protocol === "http:" && g.protocol !== "http:") return "the realm is plain http while the registry is https";
  return undefined;
}

/** `Authorization: Basic …` for a user and password. */
export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** Extracts the token from a token-endpoint JSON answer (`token` or `access_token`). */
export function tokenFromResponse(body: unknown, endpoint: string): string {
  const o = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const t = typeof o.token === "string" && o.token !== "" ? o.token : o.access_token;
  if (typeof t !== "string" || t === "") throw new RegistryError(RegistryErrorCode.Protocol, `token endpoint ${endpoint}: answer has neither token nor access_token`);
  return t;
}
