/**
 * kubernetes plugin/pkg/admission/priority/admission.go (the Priority plugin), admitPod: a pod
 * naming a PriorityClass gets its value and preemptionPolicy; one naming none gets the
 * globalDefault class's (getDefaultPriority: the lowest value when several are global defaults),
 * else priority 0 and PreemptLowerPriority. The two system classes exist in every cluster
 * (pkg/apis/scheduling SystemPriorityClasses).
 */
import type { PriorityClass } from "../../../model/kubernetes.js";
import type { AdmissionContext, PodDraft } from "./types.js";

const SOURCE = "admission:Priority";

/** pkg/apis/scheduling/types.go: SystemCriticalPriority and the two classes the API server creates */
const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, number>> = {
  "system-node-critical": 2000001000,
  "system-cluster-critical": 2000000000,
};

export function priority(d: PodDraft, ctx: AdmissionContext): void {
  const name = d.spec.priorityClassName;
  let value: number;
  let preemptionPolicy: string;
  let object: PriorityClass["meta"]["source"] | undefined;
  let reason: string;
  if (!name) {
    const def = ctx.defaultPriorityClass;
    value = def?.value ?? 0;
    preemptionPolicy = def?.preemptionPolicy ?? "PreemptLowerPriority";
    object = def?.meta.source;
    reason = def
      ? `no priorityClassName: PriorityClass ${def.name} is the globalDefault`
      : "no priorityClassName and no globalDefault PriorityClass: priority 0";
    if (def) d.mutations.push({ source: SOURCE, field: "spec.priorityClassName", value: def.name, reason, object });
  } else {
    const pc = ctx.priorityClasses.get(name);
    if (pc) {
      value = pc.value;
      preemptionPolicy = pc.preemptionPolicy;
      object = pc.meta.source;
      reason = `PriorityClass ${name}`;
    } else if (name in SYSTEM_PRIORITY_CLASSES) {
      value = SYSTEM_PRIORITY_CLASSES[name]!;
      preemptionPolicy = "PreemptLowerPriority";
      object = undefined;
      reason = `PriorityClass ${name}, built into the API server`;
    } else {
      d.notes.push({
        source: SOURCE,
        message: `PriorityClass ${name} is not in the snapshot: its priority is unknown (the API server rejects the pod if the class does not exist: "no PriorityClass with name ${name} was found"); capture \`kubectl get priorityclasses -o yaml\``,
        object: d.spec.source,
      });
      return;
    }
  }
  if (d.spec.priority !== undefined && d.spec.priority !== value) {
    d.notes.push({
      source: SOURCE,
      message: `the pod sets priority ${d.spec.priority}, which differs from ${value} of its PriorityClass: the API server rejects it ("the integer value of priority (${d.spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name")`,
      object,
    });
    return;
  }
  d.mutations.push({ source: SOURCE, field: "spec.priority", value: String(value), reason, object });
  d.mutations.push({ source: SOURCE, field: "spec.preemptionPolicy", value: preemptionPolicy, reason, object });
  d.spec = { ...d.spec, priority: value, preemptionPolicy };
}
