/**
 * Published-port parsing, Docker's `--publish` syntax: the short form "8080:80", "8080:80/udp",
 * "80" (target only; the allocator picks the published port) and the long form
 * "published=53,target=53,protocol=udp,mode=host" (plus `proxy=v1|v2`: the routing mesh sends a PROXY
 * protocol header with the client's address ahead of its bytes).
 */
import { ValidationError } from "../lib/errors.js";
import type { PortConfig__Output } from "../gen/swarm/api/PortConfig.js";

type Protocol = PortConfig__Output["protocol"];
type PublishMode = PortConfig__Output["publishMode"];

function parsePort(field: string, text: string, what: string, allowZero: boolean): number {
  if (!/^\d{1,5}$/.test(text)) throw new ValidationError(field, `invalid ${what} port ${JSON.stringify(text)} (expected a number 1-65535)`);
  const port = Number(text);
  if (port > 65535 || (port === 0 && !allowZero)) {
    throw new ValidationError(field, `${what} port ${port} is out of range (expected 1-65535)`);
  }
  return port;
}

function parseProtocol(field: string, text: string): Protocol {
  const p = text.toLowerCase();
  if (p === "tcp") return "TCP";
  if (p === "udp") return "UDP";
  throw new ValidationError(field, `invalid protocol ${JSON.stringify(text)} (expected tcp or udp)`);
}

function parseMode(field: string, text: string): PublishMode {
  const m = text.toLowerCase();
  if (m === "ingress") return "INGRESS";
  if (m === "host") return "HOST";
  throw new ValidationError(field, `invalid publish mode ${JSON.stringify(text)} (expected ingress or host)`);
}

function parseProxy(field: string, text: string): PortConfig__Output["proxyProtocol"] {
  const v = text.toLowerCase();
  if (v === "v1") return "V1";
  if (v === "v2") return "V2";
  if (v === "none") return "NONE";
  throw new ValidationError(field, `invalid proxy protocol ${JSON.stringify(text)} (expected v1, v2 or none)`);
}

/** Parses one `--publish` value into a port config. */
export function parsePublish(field: string, text: string): PortConfig__Output {
  const spec = text.trim();
  if (spec === "") throw new ValidationError(field, "empty publish spec");
  if (spec.includes("=")) return parseLongPublish(field, spec);
  const [ports = "", proto, ...more] = spec.split("/");
  if (more.length > 0) throw new ValidationError(field, `invalid publish spec ${JSON.stringify(text)}: more than one "/"`);
  const parts = ports.split(":");
  if (parts.length > 2) {
    throw new ValidationError(field, `invalid publish spec ${JSON.stringify(text)}: expected "[published:]target[/protocol]" (an IP address is not supported)`);
  }
  const [first = "", second] = parts;
  if (first.includes("-") || (second?.includes("-") ?? false)) {
    throw new ValidationError(field, `invalid publish spec ${JSON.stringify(text)}: port ranges are not supported`);
  }
  const publishedPort = second === undefined ? 0 : parsePort(field, first, "published", false);
  const targetPort = parsePort(field, second ?? first, "target", false);
  return {
    name: "",
    protocol: proto === undefined ? "TCP" : parseProtocol(field, proto),
    targetPort,
    publishedPort,
    publishMode: "INGRESS",
    proxyProtocol: "NONE",
  };
}

function parseLongPublish(field: string, spec: string): PortConfig__Output {
  const out: PortConfig__Output = { name: "", protocol: "TCP", targetPort: 0, publishedPort: 0, publishMode: "INGRESS", proxyProtocol: "NONE" };
  for (const item of spec.split(",")) {
    const eq = item.indexOf("=");
    const key = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? "" : item.slice(eq + 1).trim();
    if (eq < 0 || value === "") throw new ValidationError(field, `invalid publish field ${JSON.stringify(item)}: expected key=value`);
    switch (key) {
      case "published":
        out.publishedPort = parsePort(field, value, "published", false);
        break;
      case "target":
        out.targetPort = parsePort(field, value, "target", false);
        break;
      case "protocol":
        out.protocol = parseProtocol(field, value);
        break;
      case "mode":
        out.publishMode = parseMode(field, value);
        break;
      case "name":
        out.name = value;
        break;
      case "proxy":
        out.proxyProtocol = parseProxy(field, value);
        break;
      default:
        throw new ValidationError(field, `unknown publish field ${JSON.stringify(key)} (expected published, target, protocol, mode, name, proxy)`);
    }
  }
  if (out.targetPort === 0) throw new ValidationError(field, `missing target port in ${JSON.stringify(spec)}`);
  if (out.proxyProtocol === "V1" && out.protocol === "UDP") throw new ValidationError(field, `proxy=v1 is TCP only (use proxy=v2 for UDP) in ${JSON.stringify(spec)}`);
  return out;
}

/** Formats a port config the way `service ls` shows it: "*:8080->80/tcp". */
export function formatPort(p: PortConfig__Output): string {
  const published = p.publishedPort === 0 ? "" : String(p.publishedPort);
  const host = p.publishMode === "HOST" ? "" : "*:";
  return `${host}${published}->${p.targetPort}/${p.protocol.toLowerCase()}`;
}
