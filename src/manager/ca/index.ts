/** The cluster CA: root CA, node certificates, join tokens. */
export * from "./certs.js";
export * from "./tokens.js";
