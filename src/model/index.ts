export * from "./source.js";
export * from "./diagnostics.js";
export * from "./errors.js";
export * from "./net.js";
export type * from "./kubernetes.js";
export type * from "./aws.js";
export type * from "./snapshot.js";
export * from "./selectors.js";
