/**
 * Tables as swarmctl prints them (pure): Docker's look — left-aligned columns, three spaces between
 * them, the last column unpadded and no trailing spaces. `image ls`, `node ls`, `service ls` and
 * `service ps` / `node ps` all print through {@link formatTable}.
 */

/** Spaces between two columns (Docker's tabwriter padding). */
const GUTTER = 3;

/** The header and rows as table text: one line each, every line ending in "\n"; `gutter` spaces between columns. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], gutter = GUTTER): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd((widths[i] ?? 0) + gutter)))
      .join("")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}
