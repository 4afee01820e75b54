import { describe, expect, it } from "vitest";
import { cidrContains, formatCidr, formatIpv4, parseCidr, parseIpv4, pickNodeSubnet, pickTaskAddress } from "./ipam.js";

const ip = (s: string): number => parseIpv4(s);

describe("ipam", () => {
  it("parses and formats addresses and blocks", () => {
    expect(formatIpv4(ip("10.0.3.7"))).toBe("10.0.3.7");
    expect(formatIpv4(ip("255.255.255.255"))).toBe("255.255.255.255");
    expect(formatCidr(parseCidr("10.1.2.3/16"))).toBe("10.1.0.0/16");
    expect(cidrContains(parseCidr("10.0.3.0/24"), ip("10.0.3.200"))).toBe(true);
    expect(cidrContains(parseCidr("10.0.3.0/24"), ip("10.0.4.1"))).toBe(false);
  });

  it.each([
    ["10.0.0/8", 'pool: invalid IPv4 address "10.0.0"'],
    ["10.0.0.0/33", 'pool: invalid CIDR "10.0.0.0/33"'],
    ["10.0.0.0", 'pool: invalid CIDR "10.0.0.0"'],
    ["10.0.0.256/24", 'pool: invalid IPv4 address "10.0.0.256"'],
  ])("rejects %j naming the field", (text, message) => {
    expect(() => parseCidr(text, "pool")).toThrow(message);
  });

  it("gives node subnets in pool order, skipping taken ones and ones holding an underlay address", () => {
    const pool = [parseCidr("10.0.0.0/22"), parseCidr("10.9.0.0/24")];
    const taken = [parseCidr("10.0.0.0/24")];
    expect(formatCidr(pickNodeSubnet(pool, 24, taken, [ip("10.0.1.11")])!)).toBe("10.0.2.0/24");
    const all = [0, 1, 2, 3].map((i) => parseCidr(`10.0.${String(i)}.0/24`));
    expect(formatCidr(pickNodeSubnet(pool, 24, all, [])!)).toBe("10.9.0.0/24");
    expect(pickNodeSubnet(pool, 24, [...all, parseCidr("10.9.0.0/24")], [])).toBeUndefined();
  });

  it("never gives the network, gateway or broadcast address; prefers never-used addresses after the highest used", () => {
    const subnet = parseCidr("10.0.3.0/29"); // hosts .1-.6; .1 is the gateway
    expect(formatIpv4(pickTaskAddress(subnet, new Set(), new Set())!)).toBe("10.0.3.2");
    const used = new Set([ip("10.0.3.2"), ip("10.0.3.3")]);
    // .2 was freed (not live) but was used: the next never-used address comes first.
    expect(formatIpv4(pickTaskAddress(subnet, new Set([ip("10.0.3.3")]), used)!)).toBe("10.0.3.4");
    // Every address used once: reuse the first free one after the highest.
    const every = new Set([2, 3, 4, 5, 6].map((n) => ip(`10.0.3.${String(n)}`)));
    expect(formatIpv4(pickTaskAddress(subnet, new Set([ip("10.0.3.6"), ip("10.0.3.2")]), every)!)).toBe("10.0.3.3");
    expect(pickTaskAddress(subnet, every, every)).toBeUndefined();
  });
});
