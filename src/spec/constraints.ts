/**
 * Placement constraints ("node.labels.zone==east", "node.role != manager") and spread descriptors
 * ("node.labels.zone"): parsing with field-named errors, and matching against a node.
 * Values compare case-insensitively, as in SwarmKit; a missing label equals no value, so
 * `node.labels.x!=y` holds on a node without label x and `node.labels.x==y` does not.
 */
import { ValidationError } from "../lib/errors.js";

/** Comparison operators of a constraint. */
export const ConstraintOp = { Equal: "==", NotEqual: "!=" } as const;
/** One of the constraint operators. */
export type ConstraintOp = (typeof ConstraintOp)[keyof typeof ConstraintOp];

/** What a constraint or spread descriptor looks at on a node. */
export type NodeAttribute =
  | { readonly kind: "node.id" }
  | { readonly kind: "node.hostname" }
  | { readonly kind: "node.role" }
  | { readonly kind: "node.platform.os" }
  | { readonly kind: "node.platform.arch" }
  | { readonly kind: "node.labels"; readonly label: string }
  | { readonly kind: "engine.labels"; readonly label: string };

/** A parsed placement constraint. */
export interface Constraint {
  /** The attribute compared. */
  readonly attribute: NodeAttribute;
  /** The operator. */
  readonly op: ConstraintOp;
  /** The expected value, lower-cased for case-insensitive comparison. */
  readonly value: string;
  /** The constraint as the user wrote it (for messages). */
  readonly text: string;
}

/** The node facts constraints and spread descriptors look at. */
export interface NodeAttributes {
  readonly id: string;
  readonly hostname: string;
  /** "manager" or "worker". */
  readonly role: string;
  readonly os: string;
  readonly architecture: string;
  readonly nodeLabels: Readonly<Record<string, string>>;
  readonly engineLabels: Readonly<Record<string, string>>;
}

const PLAIN_ATTRIBUTES = ["node.id", "node.hostname", "node.role", "node.platform.os", "node.platform.arch"] as const;
const LABEL_RE = /^[A-Za-z0-9_.\-/]+$/;

/** Parses a node attribute name ("node.hostname", "node.labels.zone", "engine.labels.rack"). */
export function parseNodeAttribute(field: string, text: string, allowPlain = true): NodeAttribute {
  const key = text.trim();
  if (allowPlain) {
    const lowered = key.toLowerCase();
    for (const kind of PLAIN_ATTRIBUTES) if (lowered === kind) return { kind };
  }
  for (const kind of ["node.labels", "engine.labels"] as const) {
    const prefix = `${kind}.`;
    if (key.toLowerCase().startsWith(prefix)) {
      const label = key.slice(prefix.length);
      if (label === "" || !LABEL_RE.test(label)) {
        throw new ValidationError(field, `invalid label name ${JSON.stringify(label)} in ${JSON.stringify(text)}`);
      }
      return { kind, label };
    }
  }
  const allowed = allowPlain
    ? "node.id, node.hostname, node.role, node.platform.os, node.platform.arch, node.labels.<key>, engine.labels.<key>"
    : "node.labels.<key>, engine.labels.<key>";
  throw new ValidationError(field, `unknown node attribute ${JSON.stringify(key)} (expected one of ${allowed})`);
}

/**
 * Parses one constraint "<attribute> ==|!= <value>". Errors name `field` and quote the text, e.g.
 * `spec.task.placement.constraints[0]: invalid constraint "node.zone=east": …`.
 */
export function parseConstraint(field: string, text: string): Constraint {
  const eq = text.indexOf("==");
  const ne = text.indexOf("!=");
  const at = eq >= 0 && (ne < 0 || eq < ne) ? eq : ne;
  if (at < 0) {
    throw new ValidationError(field, `invalid constraint ${JSON.stringify(text)}: expected "<attribute>==<value>" or "<attribute>!=<value>"`);
  }
  const op: ConstraintOp = at === eq ? "==" : "!=";
  const key = text.slice(0, at).trim();
  const value = text.slice(at + 2).trim();
  if (key === "") throw new ValidationError(field, `invalid constraint ${JSON.stringify(text)}: missing attribute before ${op}`);
  if (value === "") throw new ValidationError(field, `invalid constraint ${JSON.stringify(text)}: missing value after ${op}`);
  if (/[=!<>]/.test(value)) throw new ValidationError(field, `invalid constraint ${JSON.stringify(text)}: unexpected operator in value ${JSON.stringify(value)}`);
  const attribute = parseNodeAttribute(field, key);
  if (attribute.kind === "node.role" && !["manager", "worker"].includes(value.toLowerCase())) {
    throw new ValidationError(field, `invalid constraint ${JSON.stringify(text)}: node.role is "manager" or "worker", not ${JSON.stringify(value)}`);
  }
  return { attribute, op, value: value.toLowerCase(), text };
}

/** Parses a list of constraints; the field of item i is `${field}[i]`. */
export function parseConstraints(field: string, texts: readonly string[]): Constraint[] {
  return texts.map((t, i) => parseConstraint(`${field}[${i}]`, t));
}

/** Reads an attribute of a node; undefined for a label the node does not have. */
export function nodeAttributeValue(node: NodeAttributes, attribute: NodeAttribute): string | undefined {
  switch (attribute.kind) {
    case "node.id":
      return node.id;
    case "node.hostname":
      return node.hostname;
    case "node.role":
      return node.role;
    case "node.platform.os":
      return node.os;
    case "node.platform.arch":
      return node.architecture;
    case "node.labels":
      return node.nodeLabels[attribute.label];
    case "engine.labels":
      return node.engineLabels[attribute.label];
  }
}

/** True when the node satisfies the constraint. */
export function matchConstraint(constraint: Constraint, node: NodeAttributes): boolean {
  const actual = nodeAttributeValue(node, constraint.attribute);
  const equal = actual !== undefined && actual.toLowerCase() === constraint.value;
  return constraint.op === "==" ? equal : !equal;
}

/** True when the node satisfies every constraint. */
export function matchConstraints(constraints: readonly Constraint[], node: NodeAttributes): boolean {
  for (const c of constraints) if (!matchConstraint(c, node)) return false;
  return true;
}

/** Parses a spread descriptor ("node.labels.zone" or "engine.labels.rack"). */
export function parseSpreadDescriptor(field: string, text: string): NodeAttribute {
  return parseNodeAttribute(field, text, false);
}
