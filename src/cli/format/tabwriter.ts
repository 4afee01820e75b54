/**
 * Go's text/tabwriter as Docker's formatter configures it (minwidth 10, tabwidth 1, padding 3, pad with
 * spaces): every tab-terminated cell is padded to its column's width, max(10, widest cell + 3); the text
 * after a line's last tab is not a column and is printed as is. Pure.
 */

const MIN_WIDTH = 10;
const PADDING = 3;

/** Aligns `text` (lines of tab-separated cells) as Docker's tables are aligned. */
export function tabwrite(text: string): string {
  const lines = text.split("\n").map((l) => l.split("\t"));
  const widths: number[] = [];
  for (const cells of lines) {
    // Only tab-terminated cells (all but the last) form columns.
    for (let i = 0; i < cells.length - 1; i++) widths[i] = Math.max(widths[i] ?? MIN_WIDTH, [...cells[i]!].length + PADDING);
  }
  return lines.map((cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat((widths[i] ?? 0) - [...c].length))).join("")).join("\n");
}
