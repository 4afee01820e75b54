/**
 * Mount parsing, Docker's `--mount` syntax: "type=bind,source=/a,target=/b,readonly",
 * "type=tmpfs,target=/tmp,tmpfs-size=64m". Keys: type, source|src, target|destination|dst,
 * readonly|ro[=true|false], tmpfs-size.
 */
import { ValidationError } from "../lib/errors.js";
import type { Mount__Output } from "../gen/swarm/api/Mount.js";
import { parseMemoryBytes } from "./units.js";

function parseBool(field: string, key: string, value: string): boolean {
  const v = value.toLowerCase();
  if (v === "" || v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  throw new ValidationError(field, `invalid value ${JSON.stringify(value)} for ${key} (expected true or false)`);
}

/** Parses one `--mount` value and checks it (see checkMount). */
export function parseMount(field: string, text: string): Mount__Output {
  const mount: Mount__Output = { type: "VOLUME", source: "", target: "", readOnly: false, tmpfsSizeBytes: 0 };
  let typeSeen = false;
  for (const item of text.split(",")) {
    const eq = item.indexOf("=");
    const key = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? "" : item.slice(eq + 1).trim();
    switch (key) {
      case "type": {
        const t = value.toLowerCase();
        if (t !== "bind" && t !== "tmpfs" && t !== "volume") {
          throw new ValidationError(field, `invalid mount type ${JSON.stringify(value)} (expected bind, tmpfs or volume)`);
        }
        mount.type = t === "bind" ? "BIND" : t === "tmpfs" ? "TMPFS" : "VOLUME";
        typeSeen = true;
        break;
      }
      case "source":
      case "src":
        mount.source = value;
        break;
      case "target":
      case "destination":
      case "dst":
        mount.target = value;
        break;
      case "readonly":
      case "ro":
        mount.readOnly = parseBool(field, key, eq < 0 ? "" : value);
        break;
      case "tmpfs-size":
        mount.tmpfsSizeBytes = parseMemoryBytes(field, value);
        break;
      default:
        throw new ValidationError(field, `unknown mount option ${JSON.stringify(key)} in ${JSON.stringify(text)}`);
    }
  }
  if (!typeSeen) mount.type = "VOLUME";
  checkMount(field, mount);
  return mount;
}

/** Checks a mount: absolute target; absolute source for bind; no source for tmpfs. */
export function checkMount(field: string, mount: Pick<Mount__Output, "type" | "source" | "target" | "tmpfsSizeBytes">): void {
  if (mount.target === "") throw new ValidationError(`${field}.target`, "a mount needs a target");
  if (!mount.target.startsWith("/")) throw new ValidationError(`${field}.target`, `${JSON.stringify(mount.target)} is not an absolute path`);
  switch (mount.type) {
    case "BIND":
      if (mount.source === "") throw new ValidationError(`${field}.source`, "a bind mount needs a source");
      if (!mount.source.startsWith("/")) throw new ValidationError(`${field}.source`, `${JSON.stringify(mount.source)} is not an absolute path`);
      break;
    case "TMPFS":
      if (mount.source !== "") throw new ValidationError(`${field}.source`, `a tmpfs mount takes no source (got ${JSON.stringify(mount.source)})`);
      if (mount.tmpfsSizeBytes < 0) throw new ValidationError(`${field}.tmpfsSizeBytes`, `${mount.tmpfsSizeBytes} is not ≥ 0`);
      break;
    case "VOLUME":
      if (mount.source !== "" && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(mount.source)) {
        throw new ValidationError(`${field}.source`, `invalid volume name ${JSON.stringify(mount.source)}`);
      }
      break;
  }
}
