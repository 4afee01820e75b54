/**
 * Image references (pure), the image store's side of the grammar in src/lib/image-reference.ts
 * (`name[:tag]`, `name@sha256:…`, `sha256:…`, short image-id prefixes): a malformed reference is an
 * ImageError (IMAGE_BAD_REFERENCE); `name:tag` tags; the registry a reference names.
 */
import { ImageError, ImageErrorCode } from "./errors.js";
import { type ImageReference, readImageReference } from "../lib/image-reference.js";

export type { ImageReference } from "../lib/image-reference.js";

/** Parses a `name:tag` (tag required or defaulted) used to tag an image; throws on bad syntax. */
export function parseTaggedName(ref: string): { name: string; tag: string } {
  const parsed = parseReference(ref);
  if (parsed.kind !== "named") throw new ImageError(ImageErrorCode.BadReference, `tag ${JSON.stringify(ref)}: expected name[:tag]`);
  return { name: parsed.name, tag: parsed.tag };
}

/** Formats a named reference as `name:tag`. */
export function formatTaggedName(name: string, tag: string): string {
  return `${name}:${tag}`;
}

/** Parses any reference a user may type (the grammar: src/lib/image-reference.ts); throws on bad syntax. */
export function parseReference(ref: string): ImageReference {
  const read = readImageReference(ref);
  if (!read.ok) throw new ImageError(ImageErrorCode.BadReference, `image reference ${JSON.stringify(ref)}: ${read.why}`);
  return read.ref;
}

/**
 * The registry a reference names and the repository reference on it (Docker's rule: the first path
 * component is a registry when it has a "." or ":" or is "localhost"); undefined when it names none
 * (`demo/web:1` is a local name here: there is no default registry).
 */
export function registryOf(ref: string): { readonly registry: string; readonly repository: string } | undefined {
  const slash = ref.indexOf("/");
  if (slash <= 0) return undefined;
  const first = ref.slice(0, slash);
  if (!(first.includes(".") || first.includes(":") || first === "localhost")) return undefined;
  const repository = ref.slice(slash + 1);
  return repository === "" ? undefined : { registry: first, repository };
}
