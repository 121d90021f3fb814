/**
 * Helpers shared by the built-in processors (not processors themselves).
 *
 * @module
 */
export * from "./files.ts";
export * from "./envelope.ts";
