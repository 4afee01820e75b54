import { describe, expect, it } from "vitest";
import { countEstablished } from "./task-connections.js";

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0000000000000000 100 0 0 10 0
   1: 0302000A:0050 0101000A:D3A2 01 00000000:00000000 00:00000000 00000000     0        0 1002 1 0000000000000000 20 4 30 10 -1
   2: 0302000A:0050 0101000A:D3A4 06 00000000:00000000 03:00000AB8 00000000     0        0 0 3 0000000000000000
   3: 0302000A:1F90 0101000A:D3A6 01 00000000:00000000 00:00000000 00000000     0        0 1003 1 0000000000000000 20 4 30 10 -1
   4: 0302000A:D3A8 0101000A:0050 01 00000000:00000000 00:00000000 00000000     0        0 1004 1 0000000000000000 20 4 30 10 -1
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0000000000000000FFFF00000302000A:0050 0000000000000000FFFF00000101000A:C000 01 00000000:00000000 00:00000000 00000000     0        0 2001 1 0000000000000000 20 4 30 10 -1
`;

describe("countEstablished", () => {
  it("counts ESTABLISHED sockets whose local port is a target port, IPv4 and IPv6", () => {
    // Line 0 listens (0A), 2 is TIME_WAIT (06), 3 is on another port, 4 is an outgoing connection to port 80.
    expect(countEstablished(TCP, new Set([80]))).toBe(1);
    expect(countEstablished(TCP + TCP6, new Set([80]))).toBe(2);
    expect(countEstablished(TCP, new Set([80, 8080]))).toBe(2);
    expect(countEstablished(TCP, new Set([443]))).toBe(0);
  });

  it("skips what does not parse", () => {
    expect(countEstablished("", new Set([80]))).toBe(0);
    expect(countEstablished("garbage\n  1: nonsense 01\n", new Set([80]))).toBe(0);
  });
});
