/**
 * What a PreScore returns when its plugin has nothing to do for the pod (framework.Skip, as in
 * pkg/scheduler/framework/runtime/framework.go RunPreScorePlugins): the framework then leaves the
 * plugin out of Score and NormalizeScore for that pod, which is the same as adding 0 to every
 * node. Every plugin that returns it also scores 0 and normalizes nothing when called anyway, so a
 * caller that ignores SKIP gets the same totals.
 */
export const SKIP: unique symbol = Symbol("Skip");
export type Skip = typeof SKIP;
