/**
 * Environment entries ("KEY=VALUE"), as given with `--env`. A bare "KEY" takes its value from the
 * caller's environment when a lookup is given (as Docker's CLI does) and is an error otherwise.
 */
import { ValidationError } from "../lib/errors.js";

const ENV_KEY_RE = /^[^=\s\0]+$/;

/** Parses one env entry into "KEY=VALUE". */
export function parseEnv(field: string, text: string, lookup?: (key: string) => string | undefined): string {
  const eq = text.indexOf("=");
  const key = eq < 0 ? text : text.slice(0, eq);
  if (!ENV_KEY_RE.test(key)) {
    throw new ValidationError(field, `invalid environment variable ${JSON.stringify(text)}: expected KEY=VALUE with a non-empty KEY without spaces`);
  }
  if (text.includes("\0")) throw new ValidationError(field, `invalid environment variable ${JSON.stringify(key)}: value contains a NUL byte`);
  if (eq >= 0) return text;
  const value = lookup?.(key);
  if (value === undefined) throw new ValidationError(field, `environment variable ${JSON.stringify(key)} has no value (expected KEY=VALUE)`);
  return `${key}=${value}`;
}

/** Splits "KEY=VALUE" entries into a map (later entries win). */
export function envToMap(entries: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries) {
    const eq = e.indexOf("=");
    if (eq > 0) out.set(e.slice(0, eq), e.slice(eq + 1));
  }
  return out;
}
