import { describe, expect, it } from "vitest";
import { encodeProxyV1, encodeProxyV2, encodeProxyV2Local, ipv6Bytes, PROXY_V2_SIGNATURE } from "./proxy-protocol.js";

const v4 = { sourceAddress: "192.168.0.1", sourcePort: 56324, destinationAddress: "192.168.0.11", destinationPort: 443 };

describe("PROXY protocol v1", () => {
  it("writes the TCP4 line of the spec's example", () => {
    expect(encodeProxyV1(v4).toString("latin1")).toBe("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n");
  });

  it("writes TCP6 for IPv6 endpoints and unmaps IPv4-mapped addresses", () => {
    const six = { sourceAddress: "2001:db8::1", sourcePort: 1234, destinationAddress: "2001:db8::2", destinationPort: 80 };
    expect(encodeProxyV1(six).toString("latin1")).toBe("PROXY TCP6 2001:db8::1 2001:db8::2 1234 80\r\n");
    const mapped = { ...v4, sourceAddress: "::ffff:10.0.0.5", destinationAddress: "::ffff:10.0.0.6" };
    expect(encodeProxyV1(mapped).toString("latin1")).toBe("PROXY TCP4 10.0.0.5 10.0.0.6 56324 443\r\n");
  });

  it("writes both as IPv6 when the families differ", () => {
    const mixed = { sourceAddress: "10.0.0.5", sourcePort: 1, destinationAddress: "::1", destinationPort: 2 };
    expect(encodeProxyV1(mixed).toString("latin1")).toBe("PROXY TCP6 ::ffff:10.0.0.5 ::1 1 2\r\n");
  });

  it("writes UNKNOWN when an address is missing, and never exceeds 107 bytes", () => {
    expect(encodeProxyV1({ ...v4, sourceAddress: undefined }).toString("latin1")).toBe("PROXY UNKNOWN\r\n");
    const widest = {
      sourceAddress: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
      sourcePort: 65535,
      destinationAddress: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
      destinationPort: 65535,
    };
    expect(encodeProxyV1(widest).length).toBe(104);
  });
});

describe("PROXY protocol v2", () => {
  it("lays out a TCP over IPv4 header byte for byte", () => {
    const h = encodeProxyV2(v4, "tcp");
    expect([...h]).toEqual([
      // signature
      0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
      0x21, // version 2, command PROXY
      0x11, // AF_INET, STREAM
      0x00, 0x0c, // 12 address bytes follow
      192, 168, 0, 1, // source address
      192, 168, 0, 11, // destination address
      0xdc, 0x04, // source port 56324
      0x01, 0xbb, // destination port 443
    ]);
  });

  it("lays out a UDP over IPv6 header with a 36-byte address block", () => {
    const h = encodeProxyV2({ sourceAddress: "2001:db8::1", sourcePort: 53, destinationAddress: "::1", destinationPort: 5353 }, "udp");
    expect(h.length).toBe(16 + 36);
    expect(h.subarray(0, 12).equals(PROXY_V2_SIGNATURE)).toBe(true);
    expect(h[12]).toBe(0x21);
    expect(h[13]).toBe(0x22); // AF_INET6, DGRAM
    expect(h.readUInt16BE(14)).toBe(36);
    expect(h.subarray(16, 32).toString("hex")).toBe("20010db8000000000000000000000001");
    expect(h.subarray(32, 48).toString("hex")).toBe("00000000000000000000000000000001");
    expect(h.readUInt16BE(48)).toBe(53);
    expect(h.readUInt16BE(50)).toBe(5353);
  });

  it("falls back to a LOCAL header with no address block when addresses are unknown", () => {
    const local = encodeProxyV2Local();
    expect(encodeProxyV2({ ...v4, destinationAddress: undefined }).equals(local)).toBe(true);
    expect([...local.subarray(12)]).toEqual([0x20, 0x00, 0x00, 0x00]);
  });

  it("parses IPv6 text forms into 16 bytes", () => {
    expect(ipv6Bytes("::").toString("hex")).toBe("0".repeat(32));
    expect(ipv6Bytes("fe80::1%eth0").toString("hex")).toBe("fe800000000000000000000000000001");
    expect(ipv6Bytes("::ffff:1.2.3.4").toString("hex")).toBe("00000000000000000000ffff01020304");
    expect(ipv6Bytes("1:2:3:4:5:6:7:8").toString("hex")).toBe("00010002000300040005000600070008");
    expect(() => ipv6Bytes("nope")).toThrow('ipv6 address: "nope" is not an IPv6 address');
  });
});
