import { describe, it, expect, afterAll } from "vitest";
import http2 from "node:http2";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { loadSync, type ServiceDefinition } from "@grpc/proto-loader";
import { PROTO_DIR, PROTO_LOADER_OPTIONS } from "../../lib/proto.js";
import { UnaryGrpcServer, UnaryStatusError, encodeGrpcMessage, parseUnaryBody } from "./unary-server.js";
import { KvClient } from "./client.js";

const service = loadSync(join(PROTO_DIR, "kv.proto"), PROTO_LOADER_OPTIONS)["swarm.kv.KV"] as ServiceDefinition;
const server = new UnaryGrpcServer(service, {
  Status: async () => ({ id: 7, leader: 3, term: 2, commit: 9, applied: 9, voters: [1, 2, 3] }),
  Put: async (req: { key: string; value: Buffer }) => {
    if (req.key === "bad") throw new UnaryStatusError(grpc.status.INVALID_ARGUMENT, "kv.key: bad is reserved");
    return { revision: req.value.length, existed: false };
  },
  Get: async () => {
    throw new Error("boom");
  },
});
afterAll(() => server.close());

async function raw(port: number, path: string, body: Buffer, contentType = "application/grpc"): Promise<{ status: number; trailers: http2.IncomingHttpHeaders }> {
  const c = http2.connect(`http://127.0.0.1:${port}`);
  try {
    return await new Promise((resolve, reject) => {
      const req = c.request({ ":method": "POST", ":path": path, "content-type": contentType, te: "trailers" });
      let status = 0;
      let trailers: http2.IncomingHttpHeaders = {};
      req.on("response", (h) => {
        status = Number(h[":status"]);
        if (h["grpc-status"] !== undefined) trailers = h; // trailers-only response
      });
      req.on("trailers", (t: http2.IncomingHttpHeaders) => {
        trailers = t;
      });
      req.on("data", () => undefined);
      req.on("end", () => resolve({ status, trailers }));
      req.on("error", reject);
      req.end(body);
    });
  } finally {
    c.close();
  }
}

describe("unary gRPC server on node:http2", () => {
  it("serves a grpc-js client: responses, status errors with their message, handler crashes as INTERNAL", async () => {
    const port = await server.listen("127.0.0.1:0");
    const client = new KvClient(`127.0.0.1:${port}`);
    try {
      expect(await client.status()).toMatchObject({ id: 7, leader: 3, voters: [1, 2, 3] });
      expect(await client.put("k", Buffer.alloc(256))).toEqual({ revision: 256, existed: false });
      await expect(client.put("bad", Buffer.alloc(1))).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: "kv.key: bad is reserved" });
      await expect(client.get("x")).rejects.toMatchObject({ code: grpc.status.INTERNAL });
      await expect(client.delete("x")).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    } finally {
      client.close();
    }
  });

  it("answers malformed requests with a clear status instead of crashing", async () => {
    const port = server.port;
    expect((await raw(port, "/swarm.kv.KV/Put", Buffer.from([0, 0, 0]))).trailers["grpc-message"]).toMatch(/shorter than the 5-byte message prefix/);
    const lie = await raw(port, "/swarm.kv.KV/Put", Buffer.from([0, 0, 0, 0, 9, 1, 2]));
    expect(lie.trailers["grpc-status"]).toBe(String(grpc.status.INTERNAL));
    expect(String(lie.trailers["grpc-message"])).toMatch(/message length 9 does not match 2 bytes/);
    const compressed = await raw(port, "/swarm.kv.KV/Put", Buffer.from([1, 0, 0, 0, 0]));
    expect(compressed.trailers["grpc-status"]).toBe(String(grpc.status.UNIMPLEMENTED));
    expect((await raw(port, "/nope/Nope", Buffer.from([0, 0, 0, 0, 0]))).trailers["grpc-status"]).toBe(String(grpc.status.UNIMPLEMENTED));
    expect((await raw(port, "/swarm.kv.KV/Put", Buffer.from("hi"), "text/plain")).status).toBe(415);
    expect(encodeGrpcMessage("50% ünïcode")).toBe("50%25 %C3%BCn%C3%AFcode");
    expect(() => parseUnaryBody(Buffer.from([0, 0, 0, 0, 1]))).toThrow(/message length 1 does not match 0/);
    // still serving
    const client = new KvClient(`127.0.0.1:${port}`);
    expect((await client.status()).id).toBe(7);
    client.close();
  });
});
