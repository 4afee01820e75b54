/**
 * Reading loosely-typed message inputs (`ServiceSpec` input types allow number | string | Long for
 * 64-bit fields and a name or a number for enums) into checked plain values with field-named errors.
 */
import { ValidationError } from "../lib/errors.js";

/** A 64-bit value as the generated input types allow it. */
export type LongInput = number | string | { toNumber(): number } | null | undefined;

/** Reads an integer field; undefined/null → `fallback`. Errors name the field and the value. */
export function readInteger(field: string, value: LongInput, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  let n: number;
  if (typeof value === "number") n = value;
  else if (typeof value === "string") n = value.trim() === "" ? Number.NaN : Number(value);
  else n = value.toNumber();
  if (!Number.isSafeInteger(n)) throw new ValidationError(field, `${JSON.stringify(value)} is not an integer`);
  return n;
}

/** Reads an integer that must be ≥ `min` ("spec.mode.replicated.replicas: -1 is not ≥ 0"). */
export function readIntegerAtLeast(field: string, value: LongInput, fallback: number, min = 0): number {
  const n = readInteger(field, value, fallback);
  if (n < min) throw new ValidationError(field, `${n} is not ≥ ${min}`);
  return n;
}

/** Reads a finite number within [min, max]. */
export function readNumberInRange(field: string, value: number | null | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (!Number.isFinite(value) || value < min || value > max) throw new ValidationError(field, `${value} is not within ${min}..${max}`);
  return value;
}

/**
 * Reads an enum given as a name or as its proto number; returns the name. `names` lists the names in
 * proto number order when `numbers` is omitted (values 0, 1, 2, …).
 */
export function readEnum<N extends string>(field: string, value: N | number | null | undefined, names: readonly N[], fallback: N, numbers?: readonly number[]): N {
  if (value === undefined || value === null) return fallback;
  if (typeof value === "number") {
    const idx = numbers === undefined ? value : numbers.indexOf(value);
    const name = names[idx];
    if (name === undefined || !Number.isInteger(value)) throw new ValidationError(field, `${value} is not one of ${names.join(", ")}`);
    return name;
  }
  if (!names.includes(value)) throw new ValidationError(field, `${JSON.stringify(value)} is not one of ${names.join(", ")}`);
  return value;
}
