/**
 * `swarmctl image pull [--insecure] [--user U:P] HOST[:PORT]/REPO[:TAG|@DIGEST]`: pulls from a Distribution
 * v2 registry into the node-local store (`--store`, like the other image commands) and names the image
 * with the full reference, so `service create HOST:PORT/REPO:TAG` pins it on a manager that pulled it.
 */
import type { Command } from "commander";
import { ValidationError } from "../lib/errors.js";
import { pullReference } from "../image/distribution/registries.js";
import type { RegistryAuth } from "../image/distribution/registry-auth.js";
import { registryOf } from "../image/reference.js";
import { DEFAULT_IMAGE_STORE, ImageStore } from "../image/store.js";

/**
 * Splits `host[:port]/repo…` into the registry and the repository reference (Docker's rule: the first
 * component is a registry when it has a "." or ":" or is "localhost"). There is no default registry.
 */
export function splitRegistryRef(ref: string): { registry: string; repository: string } {
  const where = registryOf(ref);
  if (where !== undefined) return where;
  if (/^[^/]+\/$/.test(ref)) throw new ValidationError("image", `${JSON.stringify(ref)} names no repository after the registry`);
  throw new ValidationError("image", `${JSON.stringify(ref)} names no registry: give HOST[:PORT]/REPOSITORY[:TAG] (there is no default registry)`);
}

function parseUser(text: string): RegistryAuth {
  const i = text.indexOf(":");
  if (i <= 0) throw new ValidationError("--user", `${JSON.stringify(text)} is not USER:PASSWORD`);
  return { username: text.slice(0, i), password: text.slice(i + 1) };
}

/** Registers `image pull` on the program's `image` command. */
export function registerImagePullCommand(program: Command): void {
  const image = program.commands.find((x) => x.name() === "image") ?? program.command("image");
  image
    .command("pull")
    .description("Pull an image from a registry (Distribution API v2) into the node-local store")
    .argument("<image>", "HOST[:PORT]/REPOSITORY[:TAG] or …@sha256:DIGEST")
    .option("--insecure", "plain http (a registry on loopback or a test host)")
    .option("-u, --user <user:password>", "basic credentials (also used for a bearer token service)")
    .option("--store <dir>", "image store directory (default: $SWARM_IMAGE_STORE or /var/lib/swarmd/images)")
    .action(async (ref: string, o: { insecure?: boolean; user?: string; store?: string }) => {
      const { registry } = splitRegistryRef(ref);
      const store = ImageStore.open({ root: o.store ?? process.env.SWARM_IMAGE_STORE ?? DEFAULT_IMAGE_STORE });
      const res = await pullReference({
        ref,
        store,
        access: { insecure: o.insecure === true ? [registry] : [] },
        insecureHint: () => `swarmctl image pull --insecure ${ref}`,
        ...(o.user !== undefined ? { auth: parseUser(o.user) } : {}),
      });
      process.stdout.write(`${ref}: pulled ${res.image.manifestDigest} (${res.downloaded.length} blobs downloaded)\n`);
    });
}
