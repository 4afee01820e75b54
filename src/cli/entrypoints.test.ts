import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = new URL("../..", import.meta.url).pathname;

// `npm ci` builds dist/ (prepare → build); these run the real launchers from bin/ as a user would.
describe("entry points", () => {
  it.each(["swarmctl", "swarmd"])("%s --help prints usage and exits 0", async (name) => {
    expect(existsSync(`${root}/dist/src/cli/swarmctl.js`), "dist/ missing: run `npm run build`").toBe(true);
    const { stdout } = await run(process.execPath, [`${root}/bin/${name}.js`, "--help"]);
    expect(stdout).toContain(`Usage: ${name}`);
  });

  it("swarmctl rejects an unknown command with an error and exit 1", async () => {
    await expect(run(process.execPath, [`${root}/bin/swarmctl.js`, "frobnicate"])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/error: (unknown command|too many arguments)/) as unknown,
    });
  });

  it("swarmd refuses an --insecure-registry that is not HOST[:PORT] before creating anything", async () => {
    const dir = mkdtempSync(join(tmpdir(), "swarmd-flags-"));
    try {
      await expect(run(process.execPath, [`${root}/bin/swarmd.js`, "--data-dir", join(dir, "data"), "--log-level", "silent", "--insecure-registry", "http://10.0.0.5:5000"])).rejects.toMatchObject({
        code: 1,
        stderr: 'swarmd: --insecure-registry: "http://10.0.0.5:5000" is not HOST[:PORT] (no scheme, no path; e.g. 10.0.0.5:5000)\n',
      });
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
