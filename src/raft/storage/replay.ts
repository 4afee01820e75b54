/**
 * WAL replay (pure): folds decoded records into the log the core should see on restart.
 *
 * Rules: entries at or below the snapshot index are skipped (they live in the snapshot); an entry whose
 * index is ≤ the last replayed index overwrites it and truncates everything after it (Raft conflict
 * repair); a gap between entries is an error; a `replaceLog` snapshot marker discards the entries
 * written before it (the log was replaced by an installed snapshot); the last hard state wins.
 */
import type { Entry__Output } from "../../gen/swarm/raft/Entry.js";
import type { HardState__Output } from "../../gen/swarm/raft/HardState.js";
import { WalInconsistentError } from "./errors.js";
import type { WalRecord } from "./record.js";

/** What replay produced. */
export interface ReplayResult {
  /** Entries after the snapshot, contiguous from snapshotIndex + 1. */
  readonly entries: Entry__Output[];
  /** The last hard state written (zero state when none). */
  readonly hardState: HardState__Output;
  /** Highest snapshot marker seen (0 when none). */
  readonly lastMarkerIndex: number;
}

/** A segment's file name and its decoded records, in WAL order. */
export interface ReplaySegment {
  readonly file: string;
  readonly records: readonly WalRecord[];
}

/** Replays segments (oldest first) on top of a snapshot at `snapshotIndex` (0 when none). */
export function replayWal(segments: readonly ReplaySegment[], snapshotIndex: number): ReplayResult {
  let entries: Entry__Output[] = [];
  let hardState: HardState__Output = { term: 0, vote: 0, commit: 0 };
  let lastMarkerIndex = 0;
  for (const seg of segments) {
    for (const rec of seg.records) {
      switch (rec.type) {
        case "segment":
          break;
        case "hardState":
          hardState = rec.hardState;
          break;
        case "snapshot":
          lastMarkerIndex = Math.max(lastMarkerIndex, rec.index);
          if (rec.replaceLog) {
            if (rec.index > snapshotIndex) {
              throw new WalInconsistentError(
                `${seg.file} records an installed snapshot at index ${rec.index}, but the newest readable snapshot file is at index ${snapshotIndex}`,
                { file: seg.file, markerIndex: rec.index, snapshotIndex },
              );
            }
            entries = [];
          }
          break;
        case "entry": {
          const e = rec.entry;
          if (e.index <= snapshotIndex) break;
          const last = entries.length === 0 ? snapshotIndex : (entries[entries.length - 1]?.index ?? snapshotIndex);
          if (e.index > last + 1) {
            throw new WalInconsistentError(
              `${seg.file}: entry ${e.index} follows ${last} (gap; snapshot index ${snapshotIndex})`,
              { file: seg.file, index: e.index, last, snapshotIndex },
            );
          }
          if (e.index <= last) entries.length = e.index - snapshotIndex - 1;
          entries.push(e);
          break;
        }
      }
    }
  }
  return { entries, hardState, lastMarkerIndex };
}
