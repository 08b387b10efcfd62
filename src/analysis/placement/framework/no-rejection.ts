import type { Rejection } from "../types.js";

/**
 * What a filter returns for a node it passes: one shared, frozen empty list (feasibility judges
 * millions of nodes; most of them pass).
 */
export const NO_REJECTION: readonly Rejection[] = Object.freeze([]);
