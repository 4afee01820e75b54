import { describe, expect, it } from "vitest";
import { basicHeader, parseChallenge, realmCredentialsRefusal, tokenFromResponse, tokenUrl } from "./registry-auth.js";

describe("registry auth challenges", () => {
  it("parses a Bearer challenge with quoted values containing commas and colons", () => {
    const c = parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:demo/web:pull,push"');
    expect(c).toEqual({ scheme: "bearer", realm: "https://auth.example/token", service: "registry.example", scope: "repository:demo/web:pull,push" });
  });

  it("parses Basic, case-insensitively", () => {
    expect(parseChallenge('basic realm="test-realm"')).toEqual({ scheme: "basic", realm: "test-realm" });
  });

  it("refuses unknown schemes and a Bearer challenge without a realm, naming the header", () => {
    expect(() => parseChallenge('Digest realm="x"')).toThrow(/WWW-Authenticate "Digest realm=\\"x\\"": unsupported scheme/);
    expect(() => parseChallenge('Bearer service="s"')).toThrow(/Bearer challenge without a realm/);
  });

  it("builds the token URL, defaulting the scope to pulling the repository", () => {
    const c = { scheme: "bearer", realm: "http://127.0.0.1:9/token?x=1", service: "reg" } as const;
    expect(tokenUrl(c, "demo/web")).toBe("http://127.0.0.1:9/token?x=1&service=reg&scope=repository%3Ademo%2Fweb%3Apull");
    expect(new URL(tokenUrl({ ...c, scope: "repository:a:pull" }, "demo/web")).searchParams.get("scope")).toBe("repository:a:pull");
  });

  it("reads token or access_token, and refuses an answer with neither", () => {
    expect(tokenFromResponse({ token: "t1" }, "e")).toBe("t1");
    expect(tokenFromResponse({ access_token: "t2" }, "e")).toBe("t2");
    expect(() => tokenFromResponse({ nope: 1 }, "http://e/token")).toThrow(/token endpoint http:\/\/e\/token: answer has neither token nor access_token/);
  });

  it("encodes basic credentials", () => {
    expect(basicHeader("alice", "s3:cret")).toBe(`Basic ${Buffer.from("alice:s3:cret").toString("base64")}`);
  });

  it("sends credentials to a realm only on the registry's host, and over http only for an http registry", () => {
    // Allowed: same host (any port) over https; same host over http when the registry is http too.
    expect(realmCredentialsRefusal("https://reg.example", "https://reg.example:5001/token")).toBeUndefined();
    expect(realmCredentialsRefusal("http://127.0.0.1:5000", "http://127.0.0.1:5001/token")).toBeUndefined();
    expect(realmCredentialsRefusal("http://127.0.0.1:5000", "https://127.0.0.1/token")).toBeUndefined();
    // Refused: another host (even over https), http for an https registry, other schemes, garbage.
    expect(realmCredentialsRefusal("https://reg.example", "https://auth.evil.example/token")).toBe("the realm is on host auth.evil.example, not on the registry's host reg.example");
    expect(realmCredentialsRefusal("http://127.0.0.1:5000", "http://127.0.0.2:5000/token")).toBe("the realm is on host 127.0.0.2, not on the registry's host 127.0.0.1");
    expect(realmCredentialsRefusal("https://reg.example", "http://reg.example/token")).toBe("the realm is plain http while the registry is https");
    expect(realmCredentialsRefusal("https://reg.example", "ftp://reg.example/token")).toBe("the realm uses ftp: (only https, or http for a plain-http registry)");
    expect(realmCredentialsRefusal("https://reg.example", "/token")).toBe('the realm "/token" is not a URL');
  });
});
