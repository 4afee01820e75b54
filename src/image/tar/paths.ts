/**
 * Archive path rules (pure). A member path is normalized to a clean relative form ("a/b/c") and refused
 * when it could leave the directory it is unpacked into: absolute paths, `..` components, NUL bytes.
 * Symlink escapes are checked by the unpacker, which knows what it has created.
 */
import { UnsafeEntryError } from "../errors.js";

/**
 * Normalizes a tar member path: strips "./" and trailing "/", collapses "//" and "."; returns "" for the
 * archive root. Throws UnsafeEntryError for absolute paths, `..` components and NUL bytes.
 */
export function normalizeEntryPath(raw: string): string {
  if (raw.includes("\0")) throw new UnsafeEntryError(raw, "path contains a NUL byte");
  if (raw.startsWith("/")) throw new UnsafeEntryError(raw, "absolute path is not allowed");
  const parts: string[] = [];
  for (const part of raw.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") throw new UnsafeEntryError(raw, "path with a '..' component escapes the archive root");
    parts.push(part);
  }
  return parts.join("/");
}

/** The parent of a normalized path ("" for top-level names). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/** The last component of a normalized path. */
export function baseOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** All proper ancestors of a normalized path, shallowest first ("a/b/c" → ["a", "a/b"]). */
export function ancestorsOf(path: string): string[] {
  const parts = path.split("/");
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join("/"));
  return out;
}

/**
 * Resolves a link target inside an archive: relative targets are taken from the link's directory;
 * the result is normalized, and refused when it leaves the root. Used for archive-internal symlinks
 * (docker save de-duplicates layers with them) and hard links.
 */
export function resolveInArchive(linkEntry: string, target: string, base: "link-dir" | "root"): string {
  if (target.startsWith("/")) throw new UnsafeEntryError(linkEntry, `link target ${JSON.stringify(target)} is absolute`);
  const start = base === "link-dir" ? parentOf(linkEntry) : "";
  const parts = start === "" ? [] : start.split("/");
  for (const part of target.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) throw new UnsafeEntryError(linkEntry, `link target ${JSON.stringify(target)} points outside the archive`);
      parts.pop();
    } else parts.push(part);
  }
  return parts.join("/");
}
