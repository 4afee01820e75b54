/**
 * Parsers for the unit-bearing values users type on the command line and in specs: memory sizes
 * ("512M", "1.5g"), CPU amounts ("0.5" → nano-CPUs) and durations ("1m30s", "500ms" → milliseconds).
 * Every parser takes the field name it parses so that its ValidationError names field and value.
 */
import { ValidationError } from "../lib/errors.js";

/** Nano-CPUs in one CPU core. */
export const NANO_CPUS_PER_CPU = 1_000_000_000;

const MEMORY_UNITS: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

// Docker's RAMInBytes grammar: a decimal number, an optional space, an optional binary unit letter,
// an optional "i" and an optional "b" ("512", "512k", "512KiB", "1.5g", "2 GB").
const MEMORY_RE = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i;

/**
 * Parses a memory size with binary units (k, m, g, t, p; optional "i"/"b" suffix, any case) into bytes.
 * "512M" → 536870912; "1.5g" → 1610612736; "12 parsecs" → ValidationError naming `field`.
 */
export function parseMemoryBytes(field: string, text: string): number {
  const trimmed = text.trim();
  const m = MEMORY_RE.exec(trimmed);
  if (m === null) {
    throw new ValidationError(field, `invalid memory size ${JSON.stringify(text)} (expected e.g. "512M", "1.5g", "1073741824")`);
  }
  const unit = (m[2] ?? "").toLowerCase();
  const bytes = Math.floor(Number(m[1]) * (MEMORY_UNITS[unit] ?? 1));
  if (!Number.isSafeInteger(bytes)) {
    throw new ValidationError(field, `memory size ${JSON.stringify(text)} is too large`);
  }
  return bytes;
}

/** Formats bytes with the largest binary unit that keeps one decimal ("1.5GiB", "512MiB", "100B"). */
export function formatMemoryBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] as const;
  let value = bytes;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, "");
  return `${shown}${units[i] ?? "B"}`;
}

/**
 * Parses a CPU amount ("0.5", "2", "1.25") into nano-CPUs. At most 9 decimals; must be > 0.
 */
export function parseNanoCpus(field: string, text: string): number {
  const trimmed = text.trim();
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(trimmed);
  if (m === null) {
    throw new ValidationError(field, `invalid CPU amount ${JSON.stringify(text)} (expected a decimal number of cores with at most 9 decimals, e.g. "0.5")`);
  }
  const whole = Number(m[1]);
  const frac = Number((m[2] ?? "").padEnd(9, "0"));
  const nano = whole * NANO_CPUS_PER_CPU + frac;
  if (!Number.isSafeInteger(nano)) throw new ValidationError(field, `CPU amount ${JSON.stringify(text)} is too large`);
  if (nano === 0) throw new ValidationError(field, `CPU amount ${JSON.stringify(text)} must be greater than 0`);
  return nano;
}

/** Formats nano-CPUs as a decimal number of cores ("0.5", "2"). */
export function formatNanoCpus(nanoCpus: number): string {
  return String(nanoCpus / NANO_CPUS_PER_CPU);
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const DURATION_PART_RE = /(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/**
 * Parses a Go-style duration ("1s", "1m30s", "500ms", "1.5h", "0") into whole milliseconds.
 * Negative durations and durations finer than a millisecond are rejected with the field named.
 */
export function parseDurationMs(field: string, text: string): number {
  const s = text.trim();
  if (s === "0") return 0;
  const bad = (why: string): ValidationError =>
    new ValidationError(field, `invalid duration ${JSON.stringify(text)}: ${why} (expected e.g. "500ms", "10s", "1m30s")`);
  if (s === "") throw bad("empty");
  if (s.startsWith("-")) throw bad("negative durations are not allowed");
  let pos = 0;
  let total = 0;
  while (pos < s.length) {
    DURATION_PART_RE.lastIndex = pos;
    const m = DURATION_PART_RE.exec(s);
    if (m === null) throw bad(pos === 0 && /^\d+(\.\d+)?$/.test(s) ? "missing unit" : `unexpected ${JSON.stringify(s.slice(pos))}`);
    total += Number(m[1]) * (DURATION_UNITS_MS[m[2] ?? ""] ?? Number.NaN);
    pos = DURATION_PART_RE.lastIndex;
  }
  const rounded = Math.round(total * 1e6) / 1e6; // absorb float noise from fractional units
  if (!Number.isInteger(rounded)) throw bad("finer than 1ms is not supported");
  if (!Number.isSafeInteger(rounded)) throw bad("too large");
  return rounded;
}

/** Formats milliseconds Go-style ("1m30s", "500ms", "0s"). */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  let rest = ms;
  let out = "";
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  if (h > 0) out += `${h}h`;
  if (m > 0 || (h > 0 && rest > 0)) out += `${m}m`;
  if (rest > 0) out += `${rest / 1000}s`;
  return out;
}
