/**
 * Shared benchmark plumbing: statistics, the result file every bench writes
 * (`bench/results/<name>.json`, shape fixed in CONTRIBUTING.md, "Benchmarks") and a plain table printer.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatTable } from "../../src/lib/table.js";

/** The result file shape (TESTING.md): ratio = ours / peer in the stated direction. */
export interface BenchResult {
  readonly name: string;
  readonly unit: string;
  readonly ours: number;
  readonly peer: number;
  readonly peerName: string;
  readonly ratio: number;
  readonly runs: number;
  readonly details: Record<string, unknown>;
}

/** Directory results are written to. */
export const RESULTS_DIR = new URL("../results/", import.meta.url).pathname;

/** Writes `bench/results/<name>.json` and returns its path. */
export function writeResult(result: BenchResult): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${result.name}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/** The q-quantile (0..1) of a sample, nearest-rank; NaN for an empty sample. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** Median of a sample. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Arithmetic mean; NaN for an empty sample. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Prints rows as an aligned plain-text table (first row is the header). */
export function printTable(rows: readonly (readonly (string | number)[])[]): void {
  const cells = rows.map((r) => r.map((c) => (typeof c === "number" ? formatNumber(c) : c)));
  const widths = Math.max(...cells.map((r) => r.length));
  const header = cells[0] ?? [];
  process.stdout.write(formatTable([...header, ...Array<string>(Math.max(0, widths - header.length)).fill("")], cells.slice(1), 2));
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toFixed(3);
}
