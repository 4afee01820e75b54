/**
 * The image reference grammar (pure): `name[:tag]`, `name[:tag]@sha256:…`, `sha256:…` and short
 * image-id prefixes, following Docker's grammar for names (lowercase path components, optional
 * registry host[:port]). One grammar for the image store (src/image/reference.ts, whose errors are
 * ImageErrors) and for service spec validation (src/spec, ValidationErrors naming the spec field):
 * {@link readImageReference} returns the reference or the reason it is not one, and each side words
 * its own error around that reason. It lives in src/lib because src/image reaches src/spec through
 * src/ca and src/store, so src/spec cannot import src/image.
 */

/** A validated `sha256:<hex>` digest string. */
export type Digest = `sha256:${string}`;

/** A parsed reference. `named` refs always carry a tag (default `latest`). */
export type ImageReference =
  | { readonly kind: "named"; readonly name: string; readonly tag: string }
  | { readonly kind: "digest"; readonly digest: Digest; readonly name?: string }
  | { readonly kind: "idPrefix"; readonly prefix: string };

/** A parsed reference, or why the text is not one (a phrase such as `tag "-x" is invalid (…)`). */
export type ImageReferenceResult = { readonly ok: true; readonly ref: ImageReference } | { readonly ok: false; readonly why: string };

/** Default tag when none is given. */
export const DEFAULT_TAG = "latest";

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const DOMAIN = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?";
const NAME_RE = new RegExp(`^${DOMAIN}${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;

/** True when `s` is a well-formed sha256 digest. */
export function isDigest(s: string): s is Digest {
  return DIGEST_RE.test(s);
}

const invalid = (why: string): ImageReferenceResult => ({ ok: false, why });
const badTag = (tag: string): ImageReferenceResult => invalid(`tag ${JSON.stringify(tag)} is invalid (letters, digits, _ . -, at most 128)`);

/** Why `name` is not a repository name; Docker's "must be lowercase" when lowercasing would make it one. */
function badName(name: string): ImageReferenceResult {
  const shown = `${JSON.stringify(name)} is not a valid repository name`;
  if (NAME_RE.test(name.toLowerCase())) return invalid(`repository name must be lowercase (${shown})`);
  return invalid(`${shown} (lowercase letters, digits, separators . _ - /)`);
}

/**
 * Reads any reference a user may type. Short hex strings are id prefixes only when they are not
 * also valid names — the resolver tries names first, as Docker does.
 */
export function readImageReference(ref: string): ImageReferenceResult {
  if (ref === "") return invalid("is empty");
  if (ref.startsWith("sha256:")) {
    if (isDigest(ref)) return { ok: true, ref: { kind: "digest", digest: ref } };
    const hex = ref.slice(7);
    if (/^[0-9a-f]{1,63}$/.test(hex)) return { ok: true, ref: { kind: "idPrefix", prefix: hex } };
    return invalid("is not a valid sha256 digest");
  }
  const at = ref.indexOf("@");
  if (at >= 0) {
    // Docker's pinned form `name:tag@sha256:…` names the tag it was resolved from; the digest decides.
    let name = ref.slice(0, at);
    const tagAt = name.lastIndexOf(":");
    if (tagAt > name.lastIndexOf("/")) {
      if (!TAG_RE.test(name.slice(tagAt + 1))) return badTag(name.slice(tagAt + 1));
      name = name.slice(0, tagAt);
    }
    const digest = ref.slice(at + 1);
    if (!isDigest(digest)) return invalid(`${JSON.stringify(digest)} is not a sha256 digest`);
    if (!NAME_RE.test(name)) return badName(name);
    return { ok: true, ref: { kind: "digest", digest, name } };
  }
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  let name = ref;
  let tag = DEFAULT_TAG;
  if (colon > slash) {
    name = ref.slice(0, colon);
    tag = ref.slice(colon + 1);
    if (!TAG_RE.test(tag)) return badTag(tag);
  }
  if (!NAME_RE.test(name)) {
    if (/^[0-9a-f]{4,64}$/.test(ref)) return { ok: true, ref: { kind: "idPrefix", prefix: ref } };
    return badName(name);
  }
  return { ok: true, ref: { kind: "named", name, tag } };
}
