/**
 * A streaming tar parser (pure: bytes in, events out, no I/O). Understands ustar, GNU long names
 * (`L`/`K`) and pax extended headers (`x` local, `g` global). It validates structure only — checksums,
 * numbers, truncation, sizes of metadata records — and leaves path safety to the consumer
 * ({@link normalizeEntryPath}), because what is safe depends on what the entries are written into.
 *
 * Usage: `for (const ev of parser.push(chunk)) …` for every chunk, then `parser.finish()` at EOF.
 * `data` events are views into the pushed chunk: copy them if they must outlive the call.
 */
import { TarFormatError } from "../errors.js";
import {
  BLOCK_SIZE,
  decodeHeader,
  entryTypeOfFlag,
  isZeroBlock,
  parsePaxRecords,
  type RawHeader,
  type TarEntry,
  TypeFlag,
} from "./header.js";

/** What the parser reports, in archive order. */
export type TarEvent =
  | { readonly type: "entry"; readonly entry: TarEntry }
  | { readonly type: "data"; readonly chunk: Uint8Array }
  | { readonly type: "entryEnd"; readonly entry: TarEntry }
  | { readonly type: "end" };

/** Options for {@link TarParser}. */
export interface TarParserOptions {
  /** Largest pax / GNU long-name record accepted, in bytes (default 1 MiB): bounds memory on hostile input. */
  readonly maxMetadataSize?: number;
}

type State =
  | { readonly kind: "header" }
  | { kind: "data"; remaining: number; padding: number; readonly entry: TarEntry; readonly emit: boolean }
  | { kind: "meta"; remaining: number; padding: number; readonly flag: string; readonly parts: Buffer[] }
  | { kind: "padding"; remaining: number; readonly entry: TarEntry | undefined }
  | { readonly kind: "ended" };

const padOf = (size: number): number => (BLOCK_SIZE - (size % BLOCK_SIZE)) % BLOCK_SIZE;

/** Incremental tar parser; see the module comment. */
export class TarParser {
  private state: State = { kind: "header" };
  private readonly header = Buffer.alloc(BLOCK_SIZE);
  private headerFill = 0;
  private zeroBlocks = 0;
  private entries = 0;
  private bytes = 0;
  private globalPax = new Map<string, string>();
  private localPax: Map<string, string> | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;
  private readonly maxMetadataSize: number;

  constructor(options: TarParserOptions = {}) {
    this.maxMetadataSize = options.maxMetadataSize ?? 1 << 20;
  }

  /** True once the end-of-archive marker has been read. */
  get ended(): boolean {
    return this.state.kind === "ended";
  }

  /** Feeds the next bytes of the archive; returns the events they complete. */
  push(chunk: Uint8Array): TarEvent[] {
    const events: TarEvent[] = [];
    let pos = 0;
    this.bytes += chunk.length;
    while (pos < chunk.length) {
      const state = this.state;
      switch (state.kind) {
        case "ended":
          return events; // trailing bytes after the marker (record padding) are ignored
        case "header": {
          const n = Math.min(BLOCK_SIZE - this.headerFill, chunk.length - pos);
          this.header.set(chunk.subarray(pos, pos + n), this.headerFill);
          this.headerFill += n;
          pos += n;
          if (this.headerFill === BLOCK_SIZE) {
            this.headerFill = 0;
            this.onHeader(events);
          }
          break;
        }
        case "data": {
          const n = Math.min(state.remaining, chunk.length - pos);
          if (n > 0 && state.emit) events.push({ type: "data", chunk: chunk.subarray(pos, pos + n) });
          state.remaining -= n;
          pos += n;
          if (state.remaining === 0) {
            this.state = { kind: "padding", remaining: state.padding, entry: state.entry };
            if (state.padding === 0) this.endPadding(events);
          }
          break;
        }
        case "meta": {
          const n = Math.min(state.remaining, chunk.length - pos);
          state.parts.push(Buffer.from(chunk.subarray(pos, pos + n)));
          state.remaining -= n;
          pos += n;
          if (state.remaining === 0) {
            this.onMetadata(state.flag, Buffer.concat(state.parts));
            this.state = { kind: "padding", remaining: state.padding, entry: undefined };
            if (state.padding === 0) this.endPadding(events);
          }
          break;
        }
        case "padding": {
          const n = Math.min(state.remaining, chunk.length - pos);
          state.remaining -= n;
          pos += n;
          if (state.remaining === 0) this.endPadding(events);
          break;
        }
      }
    }
    return events;
  }

  /** Declares end of input; throws TarFormatError when the archive is truncated or empty. */
  finish(): TarEvent[] {
    const state = this.state;
    if (state.kind === "ended") return [];
    if (state.kind === "header" && this.headerFill === 0 && this.zeroBlocks === 1) {
      this.state = { kind: "ended" };
      return [{ type: "end" }];
    }
    if (this.bytes === 0) throw new TarFormatError("tar archive is empty");
    if (state.kind === "data") {
      throw new TarFormatError(
        `tar archive truncated: entry ${JSON.stringify(state.entry.path)} has ${state.entry.size - state.remaining} of ${state.entry.size} bytes`,
      );
    }
    if (state.kind === "header" && this.headerFill > 0) {
      throw new TarFormatError(`tar archive truncated: partial header (${this.headerFill} of ${BLOCK_SIZE} bytes) after ${this.entries} entries`);
    }
    throw new TarFormatError(`tar archive truncated: no end-of-archive marker after ${this.entries} entries`);
  }

  private endPadding(events: TarEvent[]): void {
    const state = this.state;
    if (state.kind === "padding" && state.entry !== undefined) events.push({ type: "entryEnd", entry: state.entry });
    this.state = { kind: "header" };
  }

  private onHeader(events: TarEvent[]): void {
    if (isZeroBlock(this.header)) {
      this.zeroBlocks++;
      if (this.zeroBlocks === 2) {
        if (this.localPax !== undefined || this.longName !== undefined || this.longLink !== undefined) {
          throw new TarFormatError("tar archive ends after an extended header without its entry");
        }
        this.state = { kind: "ended" };
        events.push({ type: "end" });
      }
      return;
    }
    if (this.zeroBlocks > 0) throw new TarFormatError(`tar archive: a header follows a zero block after ${this.entries} entries`);
    const raw = decodeHeader(this.header);
    const flag = raw.typeFlag;
    if (flag === TypeFlag.PaxLocal || flag === TypeFlag.PaxGlobal || flag === TypeFlag.GnuLongName || flag === TypeFlag.GnuLongLink) {
      if (raw.size > this.maxMetadataSize) {
        throw new TarFormatError(`tar extended header ${JSON.stringify(flag)} of ${raw.size} bytes exceeds the ${this.maxMetadataSize}-byte limit`);
      }
      this.state = { kind: "meta", remaining: raw.size, padding: padOf(raw.size), flag, parts: [] };
      if (raw.size === 0) {
        this.onMetadata(flag, Buffer.alloc(0));
        this.state = { kind: "header" };
      }
      return;
    }
    const { entry, dataSize } = this.applyExtensions(raw);
    this.entries++;
    events.push({ type: "entry", entry });
    // Only regular files carry content; any other member's declared size is skipped unread.
    this.state = { kind: "data", remaining: dataSize, padding: padOf(dataSize), entry, emit: entry.type === "file" };
    if (dataSize === 0) {
      this.state = { kind: "header" };
      events.push({ type: "entryEnd", entry });
    }
  }

  private onMetadata(flag: string, data: Buffer): void {
    switch (flag) {
      case TypeFlag.PaxLocal:
        this.localPax = new Map([...(this.localPax ?? new Map<string, string>()), ...parsePaxRecords(data)]);
        return;
      case TypeFlag.PaxGlobal:
        this.globalPax = new Map([...this.globalPax, ...parsePaxRecords(data)]);
        return;
      case TypeFlag.GnuLongName:
        this.longName = cString(data);
        return;
      case TypeFlag.GnuLongLink:
        this.longLink = cString(data);
        return;
    }
  }

  private applyExtensions(raw: RawHeader): { entry: TarEntry; dataSize: number } {
    const type = entryTypeOfFlag(raw.typeFlag);
    if (type === undefined) {
      throw new TarFormatError(`tar entry ${JSON.stringify(raw.name)}: unsupported type flag ${JSON.stringify(raw.typeFlag)}`);
    }
    const pax = new Map([...this.globalPax, ...(this.localPax ?? [])]);
    this.localPax = undefined;
    let path = this.longName ?? raw.name;
    let linkPath = this.longLink ?? raw.linkName;
    this.longName = undefined;
    this.longLink = undefined;
    const num = (key: string, fallback: number, allowFraction = false): number => {
      const text = pax.get(key);
      if (text === undefined) return fallback;
      const ok = allowFraction ? /^-?[0-9]+(\.[0-9]+)?$/.test(text) : /^[0-9]+$/.test(text);
      const value = Number(text);
      if (!ok || !Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
        throw new TarFormatError(`pax header ${key}: ${JSON.stringify(text)} is not a valid number`);
      }
      return value;
    };
    path = pax.get("path") ?? path;
    linkPath = pax.get("linkpath") ?? linkPath;
    const xattrs: Record<string, string> = {};
    for (const [key, value] of pax) {
      if (key.startsWith("SCHILY.xattr.")) xattrs[key.slice("SCHILY.xattr.".length)] = value;
    }
    // The data length on the wire is the pax size when one is given.
    const size = num("size", raw.size);
    const entry: TarEntry = {
      path,
      type,
      mode: raw.mode,
      uid: num("uid", raw.uid),
      gid: num("gid", raw.gid),
      size: type === "file" ? size : 0,
      mtime: num("mtime", raw.mtime, true),
      linkPath,
      uname: pax.get("uname") ?? raw.uname,
      gname: pax.get("gname") ?? raw.gname,
      devMajor: raw.devMajor,
      devMinor: raw.devMinor,
      xattrs,
    };
    return { entry, dataSize: size };
  }
}

function cString(data: Buffer): string {
  const nul = data.indexOf(0);
  return data.toString("utf8", 0, nul < 0 ? data.length : nul);
}
