/** The cluster CA: root CA, node certificates, join tokens. */
export * from "./certs.js";
export * from "./tokens.js";
export * from "./tls.js";
export * from "./issuer.js";
export * from "./join.js";
export * from "./service.js";
