import { describe, expect, it } from "vitest";
import { registryOf } from "../reference.js";
import { isInsecure, parseInsecureRegistries, registryUrl } from "./registries.js";

describe("registry references and access", () => {
  it("names the registry only when the first component has a dot, a port or is localhost", () => {
    expect(registryOf("10.0.0.5:5000/demo/web:1")).toEqual({ registry: "10.0.0.5:5000", repository: "demo/web:1" });
    expect(registryOf("registry.example/demo/web:1@sha256:" + "a".repeat(64))).toEqual({ registry: "registry.example", repository: `demo/web:1@sha256:${"a".repeat(64)}` });
    expect(registryOf("localhost/web")).toEqual({ registry: "localhost", repository: "web" });
    expect(registryOf("demo/web:1")).toBeUndefined();
    expect(registryOf("web:1")).toBeUndefined();
    expect(registryOf("10.0.0.5:5000/")).toBeUndefined();
  });

  it("speaks plain http only to listed registries (host:port, or a host for every port)", () => {
    const access = { insecure: ["10.0.0.5:5000", "reg.test"] };
    expect(isInsecure("10.0.0.5:5000", access)).toBe(true);
    expect(isInsecure("10.0.0.5:5001", access)).toBe(false);
    expect(isInsecure("reg.test:443", access)).toBe(true);
    expect(registryUrl("10.0.0.5:5000", access)).toBe("http://10.0.0.5:5000");
    expect(registryUrl("registry.example", access)).toBe("https://registry.example");
  });

  it("refuses --insecure-registry values that are not HOST[:PORT]", () => {
    expect(parseInsecureRegistries(["10.0.0.5:5000", "reg.test", "[::1]:5000"])).toEqual(["10.0.0.5:5000", "reg.test", "[::1]:5000"]);
    expect(() => parseInsecureRegistries(["http://10.0.0.5:5000"])).toThrow(/--insecure-registry: "http:\/\/10\.0\.0\.5:5000" is not HOST\[:PORT\]/);
    expect(() => parseInsecureRegistries(["10.0.0.5:5000/v2"])).toThrow(/no scheme, no path/);
    expect(() => parseInsecureRegistries(["10.0.0.5:70000"])).toThrow(/is not HOST\[:PORT\]/);
  });
});
