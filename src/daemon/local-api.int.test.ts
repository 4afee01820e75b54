// The local socket (issue [10]): root only from creation; a non-root user's connect(2) is refused by the
// kernel; `--socket-group` lets exactly that group in. Real sockets, a real unprivileged process (setpriv).
import type { Server } from "@grpc/grpc-js";
import { execFileSync } from "node:child_process";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../lib/logger.js";
import { serveLocalApi } from "./local-api.js";
import { groupId } from "./socket-access.js";

const base = mkdtempSync(join(tmpdir(), "swarm-sock-"));
chmodSync(base, 0o711); // others may enter: a refusal below comes from the socket's own mode
const NOBODY = 65534;
const servers: Server[] = [];
const log = createLogger({ level: "silent" });
const handlers = { Info: (_c: unknown, cb: (e: null, r: object) => void) => cb(null, { state: "INACTIVE" }) } as never;

afterAll(() => {
  for (const s of servers) s.forceShutdown();
  rmSync(base, { recursive: true, force: true });
});

/** Connects to `path` as uid/gid 65534 with no supplementary groups; "connected" or the errno code. */
function connectAsNobody(path: string): string {
  const script = `require("net").connect(${JSON.stringify(path)}).on("connect", function () { console.log("connected"); this.destroy(); }).on("error", (e) => console.log(e.code));`;
  return execFileSync("setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", process.execPath, "-e", script], { encoding: "utf8" }).trim();
}

async function serve(name: string, socketGid?: number): Promise<string> {
  const dir = join(base, name);
  mkdirSync(dir);
  chmodSync(dir, 0o711); // not through mkdir's mode: the daemon's umask 077 would take the x bits off
  const path = join(dir, "swarmd.sock");
  servers.push(await serveLocalApi(path, handlers, () => undefined, log, socketGid === undefined ? {} : { socketGid }));
  return path;
}

describe("the local socket", () => {
  it("is root-only from creation, even under umask 022, and refuses a non-root caller", async () => {
    process.umask(0o022);
    const path = await serve("root-only");
    const st = lstatSync(path);
    expect({ uid: st.uid, groupOther: (st.mode & 0o077).toString(8) }).toEqual({ uid: 0, groupOther: "0" });
    expect(connectAsNobody(path)).toBe("EACCES");
    expect(execFileSync(process.execPath, ["-e", `require("net").connect(${JSON.stringify(path)}).on("connect", function () { console.log("connected"); this.destroy(); })`], { encoding: "utf8" }).trim()).toBe("connected");
  });

  it("--socket-group lets that group connect (0660 root:group)", async () => {
    const path = await serve("group", NOBODY);
    const st = lstatSync(path);
    expect({ gid: st.gid, mode: (st.mode & 0o777).toString(8) }).toEqual({ gid: NOBODY, mode: "660" });
    expect(connectAsNobody(path)).toBe("connected");
  });

  it("--socket-group refuses a socket directory the group cannot enter, naming it", async () => {
    const dir = join(base, "closed");
    mkdirSync(dir, { mode: 0o700 });
    await expect(serveLocalApi(join(dir, "swarmd.sock"), handlers, () => undefined, log, { socketGid: NOBODY })).rejects.toThrow(`--socket-group: group ${NOBODY} cannot enter ${dir} (mode 700)`);
  });
});

describe("groupId", () => {
  const groups = "root:x:0:\ndocker:x:998:alice,bob\nbroken:x:notanumber:\n";
  it("resolves a name, takes a number as a gid, and knows no other", () => {
    expect(groupId(groups, "docker")).toBe(998);
    expect(groupId(groups, "1234")).toBe(1234);
    expect(groupId(groups, "broken")).toBeUndefined();
    expect(groupId(groups, "dock")).toBeUndefined();
  });
});
