/**
 * Attacks by a registry (issue [10], "Registry client"): the attacker runs a hostile registry on its own
 * host (the worker) and gets the leader to pull from it with `service create <attacker>/…`. The leader must
 * refuse with a clear error, without reading the body it is fed, and stay leader.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import type { Attack, AttackContext, AttackOutcome } from "../lib/attacks.js";

const PORT = 5001;
const SCRIPT = new URL("../../src/image/distribution/testing/hostile-registry-main.ts", import.meta.url).pathname;
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx/package.json").replace(/package\.json$/, "dist/loader.mjs")).href;

/** Starts the hostile registry on the worker host and waits until the leader's host reaches it. */
async function withHostileRegistry(ctx: AttackContext, run: (hostPort: string, leader: string) => Promise<AttackOutcome>): Promise<AttackOutcome> {
  const attacker = ctx.roles.worker;
  const hostPort = `${ctx.c.host(attacker).ip}:${PORT}`;
  await ctx.c.start(attacker, [process.execPath, "--import", TSX, SCRIPT, ctx.c.host(attacker).ip, String(PORT)], { name: "hostile-registry" });
  try {
    const leader = await ctx.leader();
    await ctx.c.waitFor(
      async () => (await ctx.c.host(leader).exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", `http://${hostPort}/v2/`])).stdout,
      (code) => code === "200",
      { timeoutMs: 20_000, describe: `hostile registry answering on http://${hostPort}/v2/ from ${leader}` },
    );
    const outcome = await run(hostPort, leader);
    const after = await ctx.leader();
    if (after !== leader) return { refused: false, detail: `${outcome.detail}; but leadership moved from ${leader} to ${after}` };
    return outcome;
  } finally {
    await ctx.c.terminate(attacker, "hostile-registry");
  }
}

/** `service create NAME REF` on the leader; refused when it fails with an error matching `expected`. */
async function createFrom(ctx: AttackContext, leader: string, ref: string, expected: RegExp): Promise<AttackOutcome> {
  const t0 = Date.now();
  const r = await ctx.c.host(leader).swarmctl("service", "create", "--name", `evil-image-${Date.now()}`, ref);
  const ms = Date.now() - t0;
  const said = `${r.stdout}${r.stderr}`.trim().split("\n").pop() ?? "";
  return { refused: r.code !== 0 && expected.test(said), detail: `exit ${r.code} after ${ms} ms: ${said}` };
}

export const attacks: Attack[] = [
  {
    area: "image",
    name: "leader pulls a manifest that claims 3 GiB from the attacker's registry",
    timeoutMs: 90_000,
    run: (ctx) => withHostileRegistry(ctx, (hostPort, leader) => createFrom(ctx, leader, `${hostPort}/huge:1`, /manifest for huge:1 is larger than 4 MiB \(Content-Length 3221225472\)/)),
  },
  {
    area: "image",
    name: "leader pulls a manifest with an endless error body from the attacker's registry",
    timeoutMs: 90_000,
    run: (ctx) => withHostileRegistry(ctx, (hostPort, leader) => createFrom(ctx, leader, `${hostPort}/errbody:1`, /manifest errbody:1: registry http:\/\/[0-9.:]+ answered HTTP 500/)),
  },
];
