import { describe, expect, it } from "vitest";
import { inodesForPort } from "./port-holder.js";

// Shape of /proc/net/tcp: header line, then sl local rem st tx:rx tr:when retrnsmt uid timeout inode.
const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 4243 1 0000000000000000 20 4 30 10 -1
   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99 1 0000000000000000 100 0 0 10 0
`;

describe("inodesForPort", () => {
  it("finds the listening socket's inode for the port and ignores established ones", () => {
    expect(inodesForPort(TABLE, 8080, "tcp")).toEqual(["4242"]);
    expect(inodesForPort(TABLE, 22, "tcp")).toEqual(["99"]);
    expect(inodesForPort(TABLE, 9999, "tcp")).toEqual([]);
  });

  it("matches unconnected UDP sockets (state 07)", () => {
    const udp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  12: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 777 2 0000000000000000 0
`;
    expect(inodesForPort(udp, 53, "udp")).toEqual(["777"]);
    expect(inodesForPort(udp, 53, "tcp")).toEqual([]);
  });
});
