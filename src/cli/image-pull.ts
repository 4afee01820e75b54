/**
 * `swarmctl image pull [--insecure] [--user U [--password-stdin]] HOST[:PORT]/REPO[:TAG|@DIGEST]`: pulls from a Distribution
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

/** The warning `-u USER:PASSWORD` prints (as `docker login -p` does): argv is readable by every local user. */
export const ARGV_PASSWORD_WARNING = "WARNING! Using --password via the CLI is insecure. Use --password-stdin.";

/**
 * Credentials from `--user` and `--password-stdin` (pure apart from `readStdin`, called only when the
 * flag is given). `-u USER:PASSWORD` still works but returns a warning; `-u USER --password-stdin` reads
 * the password from stdin, without its final newline (as `docker login --password-stdin`).
 */
export async function resolveCredentials(
  user: string | undefined,
  passwordStdin: boolean,
  readStdin: () => Promise<string>,
): Promise<{ auth?: RegistryAuth; warning?: string }> {
  if (!passwordStdin) {
    if (user === undefined) return {};
    const i = user.indexOf(":");
    if (i <= 0) throw new ValidationError("--user", `${JSON.stringify(user)} is not USER:PASSWORD (or give USER with --password-stdin)`);
    return { auth: { username: user.slice(0, i), password: user.slice(i + 1) }, warning: ARGV_PASSWORD_WARNING };
  }
  if (user === undefined || user === "") throw new ValidationError("--password-stdin", "needs --user USER (the password is read from stdin)");
  // The user name is echoed, never the part after a colon: it may be a password typed by habit.
  if (user.includes(":")) throw new ValidationError("--user", `${JSON.stringify(user.slice(0, user.indexOf(":")))}:… carries a password; with --password-stdin give only USER`);
  const password = (await readStdin()).replace(/\r?\n$/, "");
  if (password === "") throw new ValidationError("--password-stdin", "stdin gave an empty password");
  return { auth: { username: user, password } };
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString("utf8");
}

/** Registers `image pull` on the program's `image` command. */
export function registerImagePullCommand(program: Command): void {
  const image = program.commands.find((x) => x.name() === "image") ?? program.command("image");
  image
    .command("pull")
    .description("Pull an image from a registry (Distribution API v2) into the node-local store")
    .argument("<image>", "HOST[:PORT]/REPOSITORY[:TAG] or …@sha256:DIGEST")
    .option("--insecure", "plain http (a registry on loopback or a test host)")
    .option("-u, --user <user[:password]>", "basic credentials (also used for a bearer token service on the registry's host); USER:PASSWORD on the command line is insecure")
    .option("--password-stdin", "read the password of --user from stdin")
    .option("--store <dir>", "image store directory (default: $SWARM_IMAGE_STORE or /var/lib/swarmd/images)")
    .action(async (ref: string, o: { insecure?: boolean; user?: string; passwordStdin?: boolean; store?: string }) => {
      const { registry } = splitRegistryRef(ref);
      const { auth, warning } = await resolveCredentials(o.user, o.passwordStdin === true, readAllStdin);
      if (warning !== undefined) process.stderr.write(`${warning}\n`);
      const store = ImageStore.open({ root: o.store ?? process.env.SWARM_IMAGE_STORE ?? DEFAULT_IMAGE_STORE });
      const res = await pullReference({
        ref,
        store,
        access: { insecure: o.insecure === true ? [registry] : [] },
        insecureHint: () => `swarmctl image pull --insecure ${ref}`,
        ...(auth !== undefined ? { auth } : {}),
      });
      process.stdout.write(`${ref}: pulled ${res.image.manifestDigest} (${res.downloaded.length} blobs downloaded)\n`);
    });
}
