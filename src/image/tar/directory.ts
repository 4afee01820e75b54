/**
 * Tars a directory tree with the project's own writer: entries sorted by path, owner and mtime
 * normalized on request, so the same tree always gives the same bytes (stable digests for test images).
 * Regular files, directories and symlinks only (hard links are written as separate files).
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { ImageError, ImageErrorCode } from "../errors.js";
import { encodeTar, type TarWriteEntry } from "./writer.js";

/** Options for {@link tarDirectory}. */
export interface TarDirectoryOptions {
  /** Fixed mtime (seconds) for every entry; default: each file's own. */
  readonly mtime?: number;
  /** Fixed owner for every entry; default: each file's own. */
  readonly owner?: { readonly uid: number; readonly gid: number };
}

/** The entries of `dir`, depth-first in sorted order, paths relative to `dir`. */
export function directoryEntries(dir: string, options: TarDirectoryOptions = {}): TarWriteEntry[] {
  const out: TarWriteEntry[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(rel === "" ? dir : join(dir, rel)).sort()) {
      const path = rel === "" ? name : `${rel}/${name}`;
      const abs = join(dir, path);
      const st = lstatSync(abs);
      const common = {
        path,
        mode: st.mode & 0o7777,
        uid: options.owner?.uid ?? st.uid,
        gid: options.owner?.gid ?? st.gid,
        mtime: options.mtime ?? Math.floor(st.mtimeMs / 1000),
      };
      if (st.isDirectory()) {
        out.push({ ...common, type: "directory" });
        walk(path);
      } else if (st.isSymbolicLink()) out.push({ ...common, type: "symlink", linkPath: readlinkSync(abs) });
      else if (st.isFile()) out.push({ ...common, type: "file", data: readFileSync(abs) });
      else throw new ImageError(ImageErrorCode.BadArchive, `tar ${abs}: only files, directories and symlinks can be archived`);
    }
  };
  walk("");
  return out;
}

/** Tars `dir` in memory (see {@link directoryEntries}). */
export function tarDirectory(dir: string, options: TarDirectoryOptions = {}): Buffer {
  return encodeTar(directoryEntries(dir, options));
}
