/**
 * How `ls`/`ps` commands print their rows, as Docker's formatter does: the default table, `-q` (ids
 * only), `--format json` (one JSON object a line), `--format 'table TEMPLATE'` (a header row rendered
 * from the same template, then one row each, aligned by Go's tabwriter) and `--format TEMPLATE` (one
 * rendered line per row). `\t` and `\n` typed in a format are tab and newline, as in Docker.
 */
import { parseTemplate } from "./format/template.js";
import { tabwrite } from "./format/tabwriter.js";

/** The output options every list command takes. */
export interface ListOptions {
  readonly quiet?: boolean;
  readonly format?: string;
  readonly noTrunc?: boolean;
}

/** Columns: [header, row field]; the default table shows them in this order. */
export type Columns<R> = readonly (readonly [string, keyof R & string])[];

/** Renders rows (objects keyed by Docker's field names) as the options say; pure. */
export function renderList<R extends { readonly ID: string }>(rows: readonly R[], columns: Columns<R>, o: ListOptions): string {
  if (o.quiet === true) return rows.map((r) => `${r.ID}\n`).join("");
  const given = (o.format ?? "").trim();
  const format = given === "" ? `table ${columns.map(([, f]) => `{{.${f}}}`).join("\t")}` : given === "json" ? "{{json .}}" : given;
  const table = /^table(\s|$)/.test(format);
  const body = (table ? format.slice(5) : format).trim().replaceAll("\\t", "\t").replaceAll("\\n", "\n");
  const tmpl = parseTemplate(table && body === "" ? columns.map(([, f]) => `{{.${f}}}`).join("\t") : body);
  // Docker's `{{json .}}` of a row lists its fields sorted (it marshals a map).
  const sorted = rows.map((r) => Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  const lines = sorted.map((r) => `${tmpl.execute(r)}\n`);
  if (!table) return lines.join("");
  // The header row is the template run on each field's title ("DesiredState" → "DESIRED STATE").
  const title = (f: string): string => f.replace(/([a-z])([A-Z])/g, "$1 $2").toUpperCase();
  const header = { ...Object.fromEntries(Object.keys(rows[0] ?? {}).map((f) => [f, title(f)])), ...Object.fromEntries(columns.map(([h, f]) => [f, h])) };
  return tabwrite([`${tmpl.execute(header)}\n`, ...lines].join(""));
}

/** Writes {@link renderList} to stdout. */
export function printList<R extends { readonly ID: string }>(rows: readonly R[], columns: Columns<R>, o: ListOptions): void {
  process.stdout.write(renderList(rows, columns, o));
}
