/**
 * HTTP load through the routing mesh for cluster scenarios: ~100 GET/s from one test host to
 * `target`:8080 (a new connection each), counting every request that failed (connection error, time-out,
 * non-200) until stopped. Updates and rebalancing assert 0 failed requests with it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Cluster } from "./cluster.js";

// ~100 GET/s (a new connection each, 10 ms apart) to host:port until the file argv[3] exists; prints
// {sent, failed, errors}.
const HTTP_LOAD = `
const http = require("node:http"); const fs = require("node:fs");
const [host, port, stopFile] = [process.argv[1], Number(process.argv[2]), process.argv[3]];
let sent = 0, failed = 0; const errors = []; const inflight = new Set(); const t0 = Date.now();
const one = () => new Promise((resolve) => {
  sent++;
  const req = http.get({ host, port, path: "/", agent: false, timeout: 5000 }, (res) => {
    res.resume(); res.on("end", () => { if (res.statusCode !== 200) { failed++; errors.push("HTTP " + res.statusCode); } resolve(); });
  });
  req.on("timeout", () => req.destroy(new Error("TIMEOUT")));
  const at = Date.now() - t0;
  req.on("error", (e) => { failed++; if (errors.length < 10) errors.push((e.code || e.message) + " (sent at +" + at + " ms, " + new Date(t0 + at).toISOString() + ")"); resolve(); });
});
const timer = setInterval(() => {
  if (fs.existsSync(stopFile)) { clearInterval(timer); Promise.all(inflight).then(() => console.log(JSON.stringify({ sent, failed, errors }))); return; }
  const p = one().then(() => inflight.delete(p)); inflight.add(p);
}, 10);
`;

/** What a load run saw. */
export interface LoadResult {
  readonly sent: number;
  readonly failed: number;
  readonly errors: string[];
}

/** Starts ~100 req/s from `from` to `target`:8080; `stop()` ends it and returns the counts. */
export function loadFrom(c: Cluster, from: string, target: string, tag: string): { stop: () => Promise<LoadResult> } {
  const h = c.host(from);
  const stopFile = join(h.dataDir, `load-${tag}.stop`);
  const running = h.exec([h.node, "-e", HTTP_LOAD, target, "8080", stopFile], { timeoutMs: 600_000 });
  return {
    stop: async () => {
      writeFileSync(stopFile, "");
      const r = await running;
      if (r.code !== 0) throw new Error(`load from ${from} exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as LoadResult;
    },
  };
}

