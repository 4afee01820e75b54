/**
 * Image references (pure): `name[:tag]`, `name@sha256:…`, `sha256:…` and short image-id prefixes,
 * following Docker's grammar for names (lowercase path components, optional registry host[:port]).
 */
import { ImageError, ImageErrorCode } from "./errors.js";
import { type Digest, isDigest } from "./digest.js";

/** A parsed reference. `named` refs always carry a tag (default `latest`). */
export type ImageReference =
  | { readonly kind: "named"; readonly name: string; readonly tag: string }
  | { readonly kind: "digest"; readonly digest: Digest; readonly name?: string }
  | { readonly kind: "idPrefix"; readonly prefix: string };

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const DOMAIN = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?";
const NAME_RE = new RegExp(`^${DOMAIN}${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;

/** Default tag when none is given. */
export const DEFAULT_TAG = "latest";

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

/**
 * Parses any reference a user may type. Short hex strings are id prefixes only when they are not
 * also valid names — the resolver tries names first, as Docker does.
 */
export function parseReference(ref: string): ImageReference {
  const bad = (why: string): ImageError => new ImageError(ImageErrorCode.BadReference, `image reference ${JSON.stringify(ref)}: ${why}`);
  if (ref === "") throw bad("is empty");
  if (ref.startsWith("sha256:")) {
    if (isDigest(ref)) return { kind: "digest", digest: ref };
    const hex = ref.slice(7);
    if (/^[0-9a-f]{1,63}$/.test(hex)) return { kind: "idPrefix", prefix: hex };
    throw bad("is not a valid sha256 digest");
  }
  const at = ref.indexOf("@");
  if (at >= 0) {
    // Docker's pinned form `name:tag@sha256:…` names the tag it was resolved from; the digest decides.
    let name = ref.slice(0, at);
    const tagAt = name.lastIndexOf(":");
    if (tagAt > name.lastIndexOf("/")) {
      if (!TAG_RE.test(name.slice(tagAt + 1))) throw bad(`tag ${JSON.stringify(name.slice(tagAt + 1))} is invalid (letters, digits, _ . -, at most 128)`);
      name = name.slice(0, tagAt);
    }
    const digest = ref.slice(at + 1);
    if (!isDigest(digest)) throw bad(`${JSON.stringify(digest)} is not a sha256 digest`);
    if (!NAME_RE.test(name)) throw bad(`${JSON.stringify(name)} is not a valid repository name`);
    return { kind: "digest", digest, name };
  }
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  let name = ref;
  let tag = DEFAULT_TAG;
  if (colon > slash) {
    name = ref.slice(0, colon);
    tag = ref.slice(colon + 1);
    if (!TAG_RE.test(tag)) throw bad(`tag ${JSON.stringify(tag)} is invalid (letters, digits, _ . -, at most 128)`);
  }
  if (!NAME_RE.test(name)) {
    if (/^[0-9a-f]{4,64}$/.test(ref)) return { kind: "idPrefix", prefix: ref };
    throw bad(`${JSON.stringify(name)} is not a valid repository name (lowercase letters, digits, separators . _ - /)`);
  }
  return { kind: "named", name, tag };
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
