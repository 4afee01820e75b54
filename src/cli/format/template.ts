/**
 * A subset of Go's text/template, enough for Docker's `--format` strings: text and `{{ }}` actions
 * with `{{-`/`-}}` trimming; pipelines of fields (`.Name`, `.Spec.Mode.Replicated.Replicas`, `.`),
 * string/number/bool literals and Docker's template functions (json, upper, lower, title, join,
 * split, printf, len, println) chained with `|`; `{{if}}…{{else}}…{{end}}` and `{{range}}…{{end}}`.
 * Values print as Go's fmt %v would. Errors read like Go's ("template: :1: unclosed action",
 * "template: :1:2: executing \"\" at <.Foo>: can't evaluate field Foo"). Pure.
 */
import { ErrorCode, SwarmError } from "../../lib/errors.js";

type Arg =
  | { readonly kind: "field"; readonly path: readonly string[]; readonly pos: number; readonly text: string }
  | { readonly kind: "literal"; readonly value: unknown }
  | { readonly kind: "func"; readonly name: string; readonly pos: number };
type Cmd = readonly Arg[];
type Pipeline = readonly Cmd[];
type Node =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "action"; readonly pipe: Pipeline }
  | { readonly kind: "if" | "range" | "with"; readonly pipe: Pipeline; readonly then: Node[]; readonly otherwise: Node[] };

/** A parsed template; {@link Template.execute} renders it on one value. */
export interface Template {
  execute(dot: unknown): string;
}

const FUNCS: Readonly<Record<string, (...args: unknown[]) => unknown>> = {
  json: (v) => JSON.stringify(v ?? null),
  upper: (s) => goString(s).toUpperCase(),
  lower: (s) => goString(s).toLowerCase(),
  title: (s) => goString(s).replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase()),
  join: (list, sep) => (Array.isArray(list) ? list.map(goString).join(goString(sep)) : goString(list)),
  split: (s, sep) => goString(s).split(goString(sep)),
  len: (v) => (Array.isArray(v) || typeof v === "string" ? v.length : v !== null && typeof v === "object" ? Object.keys(v).length : 0),
  printf: (fmt, ...args) => sprintf(goString(fmt), args),
  println: (...args) => `${args.map(goString).join(" ")}\n`,
};

function templateError(message: string): SwarmError {
  return new SwarmError(ErrorCode.InvalidArgument, `template: ${message}`);
}

const lineOf = (src: string, pos: number): number => src.slice(0, pos).split("\n").length;
const colOf = (src: string, pos: number): number => pos - (src.lastIndexOf("\n", pos - 1) + 1);

/** Go struct-like: an object whose keys are exported (capitalized) names; other objects print as maps. */
function isStruct(v: object): boolean {
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => /^[A-Z]/.test(k));
}

/** Go's fmt %v of a JSON-like value. */
export function goString(v: unknown): string {
  if (v === undefined) return "<no value>";
  if (v === null) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (Array.isArray(v)) return `[${v.map(goString).join(" ")}]`;
  if (typeof v === "object") {
    if (isStruct(v)) return `{${Object.values(v).map(goString).join(" ")}}`;
    return `map[${Object.keys(v).sort().map((k) => `${k}:${goString((v as Record<string, unknown>)[k])}`).join(" ")}]`;
  }
  return typeof v === "symbol" ? v.toString() : "<func>";
}

function sprintf(fmt: string, args: readonly unknown[]): string {
  let i = 0;
  return fmt.replace(/%([-+ 0#]*)(\d+)?(?:\.(\d+))?([svdqtxf%])/g, (_m, flags: string, width: string | undefined, prec: string | undefined, verb: string) => {
    if (verb === "%") return "%";
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const a = args[i++];
    let s: string;
    if (verb === "q") s = JSON.stringify(goString(a));
    else if (verb === "d") s = typeof a === "number" ? String(Math.trunc(a)) : `%!d(${goString(a)})`;
    else if (verb === "f") s = typeof a === "number" ? a.toFixed(prec === undefined ? 6 : Number(prec)) : `%!f(${goString(a)})`;
    else if (verb === "x") s = typeof a === "number" ? a.toString(16) : Buffer.from(goString(a)).toString("hex");
    else s = goString(a);
    if (verb === "s" && prec !== undefined) s = s.slice(0, Number(prec));
    const w = width === undefined ? 0 : Number(width);
    return flags.includes("-") ? s.padEnd(w) : s.padStart(w, flags.includes("0") && verb !== "s" ? "0" : " ");
  });
}

/** Splits `src` into text and actions (with trim markers applied). */
function lex(src: string): ({ kind: "text"; text: string } | { kind: "action"; body: string; pos: number })[] {
  const out: ({ kind: "text"; text: string } | { kind: "action"; body: string; pos: number })[] = [];
  let at = 0;
  let trimNext = false;
  for (;;) {
    const open = src.indexOf("{{", at);
    let text = src.slice(at, open < 0 ? undefined : open);
    if (trimNext) text = text.replace(/^\s+/, "");
    if (open < 0) {
      if (text !== "") out.push({ kind: "text", text });
      return out;
    }
    const trimPrev = /^\{\{- /.test(src.slice(open, open + 4));
    if (trimPrev) text = text.replace(/\s+$/, "");
    if (text !== "") out.push({ kind: "text", text });
    const close = findClose(src, open + 2);
    if (close < 0) throw templateError(`:${lineOf(src, open)}: unclosed action`);
    let body = src.slice(open + (trimPrev ? 4 : 2), close);
    trimNext = / -$/.test(body);
    if (trimNext) body = body.slice(0, -2);
    out.push({ kind: "action", body, pos: open + (trimPrev ? 4 : 2) });
    at = close + 2;
  }
}

/** The index of the `}}` that closes an action, skipping quoted strings. */
function findClose(src: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    const ch = src[i];
    if (ch === '"') {
      for (i++; i < src.length && src[i] !== '"'; i++) if (src[i] === "\\") i++;
    } else if (ch === "`") {
      i = src.indexOf("`", i + 1);
      if (i < 0) return -1;
    } else if (ch === "}" && src[i + 1] === "}") return i;
  }
  return -1;
}

/** Parses one pipeline ("json .Spec | upper"). */
function parsePipeline(src: string, body: string, pos: number): Pipeline {
  const tokens = [...body.matchAll(/"(?:[^"\\]|\\.)*"|`[^`]*`|\||[^\s|]+/g)];
  const cmds: Arg[][] = [[]];
  for (const m of tokens) {
    const t = m[0];
    const at = pos + (m.index ?? 0);
    const cmd = cmds[cmds.length - 1]!;
    if (t === "|") {
      if (cmd.length === 0) throw templateError(`:${lineOf(src, at)}: missing value for command`);
      cmds.push([]);
    } else if (t === ".") cmd.push({ kind: "field", path: [], pos: at, text: t });
    else if (/^(\.[A-Za-z_][\w-]*)+$/.test(t)) cmd.push({ kind: "field", path: t.slice(1).split("."), pos: at, text: t });
    else if (t.startsWith('"')) cmd.push({ kind: "literal", value: JSON.parse(t) as string });
    else if (t.startsWith("`")) cmd.push({ kind: "literal", value: t.slice(1, -1) });
    else if (/^-?\d+(\.\d+)?$/.test(t)) cmd.push({ kind: "literal", value: Number(t) });
    else if (t === "true" || t === "false") cmd.push({ kind: "literal", value: t === "true" });
    else if (t === "nil") cmd.push({ kind: "literal", value: null });
    else if (/^[A-Za-z_]\w*$/.test(t)) {
      if (FUNCS[t] === undefined) throw templateError(`:${lineOf(src, at)}: function "${t}" not defined`);
      cmd.push({ kind: "func", name: t, pos: at });
    } else throw templateError(`:${lineOf(src, at)}: unexpected "${t}" in command`);
  }
  if (cmds.some((c) => c.length === 0)) throw templateError(`:${lineOf(src, pos)}: missing value for command`);
  return cmds;
}

/** Parses a Go template (Docker's `--format` value). Throws on a syntax error. */
export function parseTemplate(src: string): Template {
  const items = lex(src);
  let i = 0;
  const block = (inside: string | undefined): { nodes: Node[]; end: "end" | "else" | "eof" } => {
    const nodes: Node[] = [];
    while (i < items.length) {
      const it = items[i++]!;
      if (it.kind === "text") {
        nodes.push(it);
        continue;
      }
      const body = it.body.trim();
      const kw = /^(if|range|with|else|end)\b\s*(.*)$/s.exec(body);
      if (body.startsWith("/*")) continue;
      if (kw === null) {
        nodes.push({ kind: "action", pipe: parsePipeline(src, it.body, it.pos) });
        continue;
      }
      const [, word, rest = ""] = kw;
      if (word === "end" || word === "else") {
        if (inside === undefined) throw templateError(`:${lineOf(src, it.pos)}: unexpected {{${word}}}`);
        return { nodes, end: word };
      }
      const pipe = parsePipeline(src, rest, it.pos + it.body.indexOf(rest));
      if (pipe.length === 0) throw templateError(`:${lineOf(src, it.pos)}: missing value for ${word}`);
      const then = block(word);
      let otherwise: Node[] = [];
      if (then.end === "else") {
        const other = block(word);
        if (other.end !== "end") throw templateError(`:${lineOf(src, it.pos)}: unexpected EOF`);
        otherwise = other.nodes;
      } else if (then.end !== "end") throw templateError(`:${lineOf(src, it.pos)}: unexpected EOF`);
      nodes.push({ kind: word as "if" | "range" | "with", pipe, then: then.nodes, otherwise });
    }
    if (inside !== undefined) throw templateError(`:${lineOf(src, src.length)}: unexpected EOF`);
    return { nodes, end: "eof" };
  };
  const root = block(undefined).nodes;
  return { execute: (dot) => run(src, root, dot) };
}

/** Go's truth: false, 0, nil, empty string/list/map are false. */
function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v).length > 0;
  return true;
}

function run(src: string, nodes: readonly Node[], dot: unknown): string {
  let out = "";
  for (const n of nodes) {
    if (n.kind === "text") out += n.text;
    else if (n.kind === "action") out += goString(evalPipe(src, n.pipe, dot));
    else {
      const v = evalPipe(src, n.pipe, dot);
      if (n.kind === "range") {
        const items = Array.isArray(v) ? v : v !== null && typeof v === "object" ? Object.keys(v).sort().map((k) => (v as Record<string, unknown>)[k]) : [];
        out += items.length > 0 ? items.map((x) => run(src, n.then, x)).join("") : run(src, n.otherwise, dot);
      } else out += truthy(v) ? run(src, n.then, n.kind === "with" ? v : dot) : run(src, n.otherwise, dot);
    }
  }
  return out;
}

function evalPipe(src: string, pipe: Pipeline, dot: unknown): unknown {
  let prev: unknown = undefined;
  pipe.forEach((cmd, idx) => {
    const [head, ...rest] = cmd;
    const args = rest.map((a) => evalArg(src, a, dot));
    if (idx > 0) args.push(prev);
    if (head!.kind === "func") {
      prev = FUNCS[head!.name]!(...args);
    } else {
      if (args.length > 0) throw templateError(`:1: can't give argument to non-function ${head!.kind === "field" ? head!.text : goString(head!.value)}`);
      prev = evalArg(src, head!, dot);
    }
  });
  return prev;
}

function evalArg(src: string, a: Arg, dot: unknown): unknown {
  if (a.kind === "literal") return a.value;
  if (a.kind === "func") return FUNCS[a.name]!();
  let v = dot;
  for (const name of a.path) {
    const where = `:${lineOf(src, a.pos)}:${colOf(src, a.pos)}: executing "" at <${a.text}>`;
    if (v === null || v === undefined) throw templateError(`${where}: nil pointer evaluating ${a.text}`);
    if (typeof v !== "object" || Array.isArray(v)) throw templateError(`${where}: can't evaluate field ${name} in type ${Array.isArray(v) ? "slice" : typeof v}`);
    if (name in v) v = (v as Record<string, unknown>)[name];
    // Go: a missing map key is "<no value>"; a missing struct field is an error.
    else if (isStruct(v) && /^[A-Z]/.test(name)) throw templateError(`${where}: can't evaluate field ${name}`);
    else v = undefined;
  }
  return v;
}
