// failStream: a server stream ended with an error reaches the client as that error (call.destroy would
// leave the client waiting forever). A real grpc-js server on loopback.
import { credentials, makeGenericClientConstructor, Server, ServerCredentials, type ServerWritableStream, type ServiceError } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { failStream, RemoteCallError } from "./grpc.js";
import { NotLeaderError, leaderAddrOf } from "./leader.js";

const json = { serialize: (x: unknown) => Buffer.from(JSON.stringify(x)), deserialize: (b: Buffer): unknown => JSON.parse(b.toString()) };
const def = {
  Watch: { path: "/test.T/Watch", requestStream: false, responseStream: true, requestSerialize: json.serialize, requestDeserialize: json.deserialize, responseSerialize: json.serialize, responseDeserialize: json.deserialize },
};

describe("failStream", () => {
  it("sends the error status and the leader address to the client", async () => {
    const server = new Server();
    server.addService(def, { Watch: (call: ServerWritableStream<unknown, unknown>) => failStream(call, new NotLeaderError("10.0.0.2:2377")) });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    const Client = makeGenericClientConstructor(def, "T");
    const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
    try {
      const stream = (client as unknown as { Watch(req: unknown): NodeJS.EventEmitter }).Watch({});
      const err = await new Promise<ServiceError | "silent">((resolve) => {
        stream.on("error", (e: ServiceError) => resolve(e));
        setTimeout(() => resolve("silent"), 3_000).unref();
      });
      expect(err).not.toBe("silent");
      const remote = new RemoteCallError(err as ServiceError);
      expect(remote.message).toMatch(/not the leader/);
      expect(leaderAddrOf(remote)).toBe("10.0.0.2:2377");
    } finally {
      client.close();
      server.forceShutdown();
    }
  });
});
