import type { Ingress } from "../../../../model/kubernetes.js";
import type { Snapshot } from "../../../../model/snapshot.js";
import type { IngressRouteSketch } from "../types.js";
import type { Classification } from "./group-loader.js";
import { pathPatterns } from "./model-build-listener-rules.js";

/** Route sketches: every Ingress path as the rule it would become, errors or not. */

export function routeSketches(snapshot: Snapshot, classification: Classification): IngressRouteSketch[] {
  const groupOf = new Map<Ingress, string>();
  for (const list of classification.members.values()) for (const m of list) groupOf.set(m.ingress, m.group);
  for (const r of classification.refused) {
    for (const i of r.ingresses) {
      const ing = snapshot.kubernetes.ingresses.find((x) => x.namespace === i.namespace && x.name === i.name);
      if (ing) groupOf.set(ing, r.group);
    }
  }
  const out: IngressRouteSketch[] = [];
  for (const ing of snapshot.kubernetes.ingresses) {
    const group = groupOf.get(ing);
    for (const rule of ing.rules) {
      for (const path of rule.paths) {
        out.push({
          namespace: ing.namespace,
          name: ing.name,
          group,
          managed: group !== undefined,
          host: rule.host,
          paths: pathPatterns(path.path, path.pathType).values,
          source: path.source,
        });
      }
    }
    if (ing.defaultBackend)
      out.push({
        namespace: ing.namespace,
        name: ing.name,
        group,
        managed: group !== undefined,
        host: undefined,
        paths: ["/*"],
        source: ing.meta.source,
      });
  }
  return out;
}
