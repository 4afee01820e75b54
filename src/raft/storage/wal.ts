/**
 * The write-ahead log: segment files `wal/<seq>-<firstIndex>.wal` (16 hex digits each) holding
 * length-prefixed, CRC-checked records (see record.ts), plus snapshot files in `snap/`.
 *
 * Writes are group commits: `append()` only encodes into memory; `sync()` writes everything pending
 * with one write per segment and ONE fdatasync (calls made while one runs share the next), so a
 * server can batch a whole Ready (or several) into a single disk flush. A segment that grows past `segmentBytes` is closed and a new one starts with a header
 * and the current hard state, so old segments can be released once a snapshot covers them.
 *
 * Open = load the newest readable snapshot, scan every segment (a torn tail in the last segment is
 * truncated; damage anywhere else refuses to open), and replay (replay.ts).
 */
import { open, readdir, readFile, mkdir, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { Entry__Output } from "../../gen/swarm/raft/Entry.js";
import type { HardState__Output } from "../../gen/swarm/raft/HardState.js";
import type { Snapshot__Output } from "../../gen/swarm/raft/Snapshot.js";
import type { Logger } from "../../lib/logger.js";
import { silentLogger } from "../../lib/logger.js";
import { WalClosedError, WalCorruptError, WalInconsistentError, SnapshotCorruptError } from "./errors.js";
import { encodeEntry, encodeHardState, encodeSegmentHeader, encodeSnapshotMarker, scanSegment } from "./record.js";
import { replayWal, type ReplaySegment } from "./replay.js";
import { fsyncDir, listSnapshotFiles, pruneSnapshotFiles, readSnapshotFile, writeSnapshotFile } from "./snapshot-file.js";

/** Default segment size (64 MiB). */
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

/** Options for {@link Wal.open}. */
export interface WalOptions {
  /** Data directory; `wal/` and `snap/` are created inside. */
  readonly dir: string;
  /** Start a new segment once the current one reaches this size. */
  readonly segmentBytes?: number;
  /** Snapshot files kept (newest first). */
  readonly keepSnapshots?: number;
  readonly logger?: Logger;
}

/** What a WAL holds after open: feed it to a MemoryStorage. */
export interface WalState {
  readonly snapshot: Snapshot__Output | null;
  readonly hardState: HardState__Output;
  /** Entries after the snapshot, contiguous. */
  readonly entries: Entry__Output[];
  /** Set when a torn tail was cut off during open. */
  readonly truncatedTail: { readonly file: string; readonly offset: number; readonly reason: string } | null;
}

interface SegmentRef {
  readonly name: string;
  readonly seq: number;
  readonly firstIndex: number;
}

type Pending = { readonly kind: "bytes"; readonly buf: Buffer } | { readonly kind: "rotate"; readonly seg: SegmentRef; readonly head: Buffer };

const SEGMENT_RE = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

/** File name of a segment. */
export function segmentFileName(seq: number, firstIndex: number): string {
  return `${seq.toString(16).padStart(16, "0")}-${firstIndex.toString(16).padStart(16, "0")}.wal`;
}

async function listSegments(walDir: string): Promise<SegmentRef[]> {
  const out: SegmentRef[] = [];
  for (const name of await readdir(walDir)) {
    const m = SEGMENT_RE.exec(name);
    if (m?.[1] !== undefined && m[2] !== undefined) out.push({ name, seq: parseInt(m[1], 16), firstIndex: parseInt(m[2], 16) });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** A durable Raft log. Not safe for concurrent `sync()` callers beyond the built-in serialization. */
export class Wal {
  private readonly walDir: string;
  private readonly snapDir: string;
  private readonly segmentBytes: number;
  private readonly keepSnapshots: number;
  private readonly log: Logger;
  private segments: SegmentRef[];
  private fh: FileHandle;
  /** Bytes in the current segment including pending (not yet written) bytes. */
  private segSize: number;
  /** Bytes of the current segment already written to the file. */
  private writtenSize: number;
  private pending: Pending[] = [];
  private lastIndex: number;
  private hardState: HardState__Output;
  private queue: Promise<void> = Promise.resolve();
  /** The queued group commit that has not started yet (joined by further sync() calls). */
  private nextGroup: Promise<void> | null = null;
  /** Group commits run (write + fdatasync) and the milliseconds they took, for metrics. */
  readonly stats = { groups: 0, groupMs: 0 };
  private failed: unknown = null;
  private closed = false;

  private constructor(
    o: { walDir: string; snapDir: string; segmentBytes: number; keepSnapshots: number; log: Logger },
    segments: SegmentRef[],
    fh: FileHandle,
    size: number,
    lastIndex: number,
    hardState: HardState__Output,
  ) {
    this.walDir = o.walDir;
    this.snapDir = o.snapDir;
    this.segmentBytes = o.segmentBytes;
    this.keepSnapshots = o.keepSnapshots;
    this.log = o.log;
    this.segments = segments;
    this.fh = fh;
    this.segSize = size;
    this.writtenSize = size;
    this.lastIndex = lastIndex;
    this.hardState = hardState;
  }

  /** Opens (or creates) the WAL in `options.dir` and returns it with the recovered state. */
  static async open(options: WalOptions): Promise<{ wal: Wal; state: WalState }> {
    const walDir = join(options.dir, "wal");
    const snapDir = join(options.dir, "snap");
    const log = options.logger ?? silentLogger();
    await mkdir(walDir, { recursive: true, mode: 0o700 }); // the log holds every object and the CA key: owner only
    await mkdir(snapDir, { recursive: true, mode: 0o700 });

    let snapshot: Snapshot__Output | null = null;
    for (const ref of await listSnapshotFiles(snapDir)) {
      try {
        snapshot = await readSnapshotFile(snapDir, ref.name);
        break;
      } catch (err) {
        if (!(err instanceof SnapshotCorruptError)) throw err;
        log.error({ err, file: ref.name }, "snapshot file unreadable; trying an older one");
      }
    }
    const snapIndex = snapshot?.metadata?.index ?? 0;

    let segments = await listSegments(walDir);
    const o = { walDir, snapDir, segmentBytes: options.segmentBytes ?? DEFAULT_SEGMENT_BYTES, keepSnapshots: options.keepSnapshots ?? 2, log };
    if (segments.length === 0) {
      const seg = { name: segmentFileName(1, snapIndex + 1), seq: 1, firstIndex: snapIndex + 1 };
      const fh = await open(join(walDir, seg.name), "w+", 0o600);
      const head = encodeSegmentHeader(seg.seq, seg.firstIndex);
      await fh.write(head, 0, head.length, 0);
      await fh.datasync();
      await fsyncDir(walDir);
      const state: WalState = { snapshot, hardState: { term: 0, vote: 0, commit: 0 }, entries: [], truncatedTail: null };
      return { wal: new Wal(o, [seg], fh, head.length, snapIndex, state.hardState), state };
    }
    for (let i = 1; i < segments.length; i++) {
      const prev = segments[i - 1];
      const cur = segments[i];
      if (prev !== undefined && cur !== undefined && cur.seq !== prev.seq + 1) {
        throw new WalInconsistentError(`segment ${cur.name} follows ${prev.name} (missing sequence numbers)`, { walDir });
      }
    }

    const scanned: ReplaySegment[] = [];
    let truncatedTail: WalState["truncatedTail"] = null;
    let lastSize = 0;
    for (const [i, seg] of segments.entries()) {
      const path = join(walDir, seg.name);
      const isLast = i === segments.length - 1;
      const buf = await readFile(path);
      const scan = scanSegment(buf, path, isLast);
      const head = scan.records[0];
      if (head === undefined && isLast) {
        // Crashed while creating this segment: rewrite its header below.
        lastSize = 0;
      } else if (head?.type !== "segment" || head.seq !== seg.seq || head.firstIndex !== seg.firstIndex) {
        throw new WalCorruptError(path, 0, `first record is not a segment header for seq ${seg.seq}, first index ${seg.firstIndex}`);
      } else {
        lastSize = scan.validEnd;
      }
      if (scan.torn !== null) {
        truncatedTail = { file: path, offset: scan.torn.offset, reason: scan.torn.reason };
        log.warn({ file: path, offset: scan.torn.offset, reason: scan.torn.reason }, "WAL: truncating torn tail");
      }
      scanned.push({ file: path, records: scan.records });
    }
    const replay = replayWal(scanned, snapIndex);
    if (snapshot === null && replay.entries.length > 0 && replay.entries[0]?.index !== 1) {
      throw new WalInconsistentError(`log starts at index ${replay.entries[0]?.index} but no snapshot file is readable`, { walDir });
    }

    const last = segments[segments.length - 1] as SegmentRef;
    const fh = await open(join(walDir, last.name), "r+");
    let size = lastSize;
    if (size === 0) {
      const head = Buffer.concat([encodeSegmentHeader(last.seq, last.firstIndex), encodeHardState(replay.hardState)]);
      await fh.truncate(0);
      await fh.write(head, 0, head.length, 0);
      size = head.length;
      await fh.datasync();
    } else if (truncatedTail !== null) {
      await fh.truncate(size);
      await fh.datasync();
    }
    segments = [...segments];
    const lastIndex = replay.entries[replay.entries.length - 1]?.index ?? snapIndex;
    const wal = new Wal(o, segments, fh, size, lastIndex, replay.hardState);
    return { wal, state: { snapshot, hardState: replay.hardState, entries: replay.entries, truncatedTail } };
  }

  /** Index of the last entry appended (including pending ones). */
  get lastEntryIndex(): number {
    return this.lastIndex;
  }

  /** Number of segment files currently on disk (or pending creation). */
  get segmentCount(): number {
    return this.segments.length;
  }

  private checkUsable(): void {
    if (this.closed) throw new WalClosedError("closed");
    if (this.failed !== null) throw new WalClosedError("an earlier write failed", this.failed);
  }

  private push(buf: Buffer): void {
    if (this.segSize >= this.segmentBytes) this.rotate();
    this.pending.push({ kind: "bytes", buf });
    this.segSize += buf.length;
  }

  private rotate(): void {
    const last = this.segments[this.segments.length - 1] as SegmentRef;
    const seg = { name: segmentFileName(last.seq + 1, this.lastIndex + 1), seq: last.seq + 1, firstIndex: this.lastIndex + 1 };
    const head = Buffer.concat([encodeSegmentHeader(seg.seq, seg.firstIndex), encodeHardState(this.hardState)]);
    this.pending.push({ kind: "rotate", seg, head });
    this.segments.push(seg);
    this.segSize = head.length;
  }

  /**
   * Buffers a hard state (when not null) and entries for the next {@link sync}. Entries whose index is
   * ≤ the last index overwrite the log from that index on (replay truncates the suffix).
   */
  append(hardState: HardState__Output | null, entries: readonly Entry__Output[]): void {
    this.checkUsable();
    for (const e of entries) {
      this.push(encodeEntry(e));
      this.lastIndex = e.index;
    }
    if (hardState !== null) {
      this.hardState = { term: hardState.term, vote: hardState.vote, commit: hardState.commit };
      this.push(encodeHardState(this.hardState));
    }
  }

  /**
   * Makes everything appended so far durable. Group commit: calls made while a write+fdatasync runs
   * share the NEXT one, which takes every record appended until it starts — so a pipelined caller
   * gets one fdatasync per in-flight period, not one per call. Groups run one after another.
   */
  sync(): Promise<void> {
    if (this.nextGroup !== null) return this.nextGroup;
    const run = async (): Promise<void> => {
      this.nextGroup = null; // later calls start another group: their records may miss this one
      const batch = this.pending;
      this.pending = [];
      this.checkUsable();
      const t0 = performance.now();
      try {
        await this.writeBatch(batch);
        this.stats.groups++;
        this.stats.groupMs += performance.now() - t0;
      } catch (err) {
        this.failed = err;
        throw new WalClosedError("write or fdatasync failed", err);
      }
    };
    const p = this.queue.then(run);
    this.nextGroup = p;
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async writeBatch(batch: readonly Pending[]): Promise<void> {
    let chunks: Buffer[] = [];
    const flush = async (): Promise<void> => {
      if (chunks.length === 0) return;
      const buf = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      chunks = [];
      let off = 0;
      while (off < buf.length) {
        const { bytesWritten } = await this.fh.write(buf, off, buf.length - off, this.writtenSize);
        off += bytesWritten;
        this.writtenSize += bytesWritten;
      }
    };
    let dirty = false;
    for (const p of batch) {
      if (p.kind === "bytes") {
        chunks.push(p.buf);
        dirty = true;
        continue;
      }
      await flush();
      await this.fh.datasync();
      await this.fh.close();
      this.fh = await open(join(this.walDir, p.seg.name), "w+", 0o600);
      this.writtenSize = 0;
      chunks.push(p.head);
      await flush();
      await this.fh.datasync();
      await fsyncDir(this.walDir);
      dirty = false;
    }
    await flush();
    if (dirty) await this.fh.datasync();
  }

  /**
   * Makes a snapshot durable: writes the snapshot file, then a marker record, then syncs. With
   * `replaceLog` (a snapshot installed from the leader) replay discards entries written before it.
   * Older snapshot files beyond `keepSnapshots` are deleted.
   */
  async saveSnapshot(snap: Snapshot__Output, replaceLog: boolean): Promise<void> {
    this.checkUsable();
    const md = snap.metadata;
    if (md === null) throw new WalInconsistentError("snapshot without metadata");
    await writeSnapshotFile(this.snapDir, snap);
    this.push(encodeSnapshotMarker(md.term, md.index, replaceLog));
    if (replaceLog) this.lastIndex = md.index;
    await this.sync();
    await pruneSnapshotFiles(this.snapDir, this.keepSnapshots);
  }

  /**
   * Deletes segments that hold only entries ≤ `index` (call after a snapshot at `index` is durable).
   * The current segment is never released. Returns the number of files removed.
   */
  async releaseTo(index: number): Promise<number> {
    this.checkUsable();
    await this.sync(); // every pending rotation is on disk before an older segment goes
    let removed = 0;
    while (this.segments.length > 1) {
      const next = this.segments[1] as SegmentRef;
      const first = this.segments[0] as SegmentRef;
      if (next.firstIndex - 1 > index) break;
      await rm(join(this.walDir, first.name), { force: true });
      this.segments.shift();
      removed++;
    }
    if (removed > 0) await fsyncDir(this.walDir);
    return removed;
  }

  /** Flushes pending records and closes the file. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.failed === null && this.pending.length > 0) await this.sync().catch(() => undefined);
    await this.queue;
    this.closed = true;
    await this.fh.close();
  }
}
