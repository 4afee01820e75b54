/** `swarmctl service ps` output parsed for cluster scenarios: rows, and running tasks per node. */
import { tableRows as rows } from "./swarmctl.js";

/** Parsed `service ps` rows. */
export interface PsRow {
  readonly id: string;
  readonly name: string;
  readonly history: boolean;
  readonly node: string;
  readonly desired: string;
  readonly current: string;
  readonly error: string;
}

/** Parses `service ps` output (history rows marked, the NODE column empty for pending tasks). */
export function psRows(stdout: string): PsRow[] {
  return rows(stdout).map((line) => {
    const cols = line.trim().split(/\s{2,}/);
    const name = cols[1] ?? "";
    const history = name.startsWith("\\_");
    // A pending task has no node: the NODE column is empty and the split shifts.
    const hasNode = /^h\d$/.test(cols[3] ?? "");
    const at = hasNode ? 4 : 3;
    return { id: cols[0] ?? "", name: name.replace(/^\\_\s*/, ""), history, node: hasNode ? (cols[3] ?? "") : "", desired: cols[at] ?? "", current: cols[at + 1] ?? "", error: cols.slice(at + 2).join("  ") };
  });
}

/** Running tasks per node. */
export function runningPerNode(list: readonly PsRow[]): Record<string, number> {
  const per: Record<string, number> = {};
  for (const r of list) if (r.desired === "running" && r.current.startsWith("running")) per[r.node] = (per[r.node] ?? 0) + 1;
  return Object.fromEntries(Object.entries(per).sort());
}

