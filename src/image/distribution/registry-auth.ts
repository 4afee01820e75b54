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
