import type { SourceRef } from "./source.js";

/**
 * Stable codes for everything the loader reports. Tests assert codes, not prose
 * (typescript-eslint's message IDs, TypeScript's diagnostic catalogue).
 */
export type DiagnosticCode =
  | "invalid-object" //       an object parsed but is malformed; it was skipped
  | "invalid-field" //        one field is malformed; the object was kept without it
  | "unrecognised-file" //    a file in a scanned directory is neither Kubernetes nor AWS output
  | "binary-file" //          a file in a scanned directory is not UTF-8 text
  | "duplicate-object" //     the same kind/namespace/name appears twice; the later one wins
  | "what-if" //              an object given with --with replaces its namesake
  | "unjoined-node" //        a node has no matching EC2 instance though instances were given
  | "unresolved-reference" // an object names another that the snapshot does not hold
  | "missing-target-group" // target health whose target group could not be determined
  | "missing-prefix-list" //  prefix list entries whose list could not be determined
  | "missing-layer" //        a layer the snapshot's objects need is not in it (the file to add is named)
  | "absent-layer" //         info: the snapshot has no AWS data at all (a Kubernetes-only snapshot)
  | "ignored-document" //     a document that is not an object (a bare scalar or list)
  | "derived-object" //       an object the snapshot lacks, derived as its controller would create it (calico-node's default IP pool)
  | "assumed-ready" //        pods without status.conditions (a trimmed capture) taken as ready Service endpoints
  | "duplicate-node-ip" //    two nodes report the same InternalIP
  | "unrendered-application" // an Argo CD Application: its objects are not in the snapshot (render it: the message says how)
  | "terraform-skipped" //    info: Terraform state resources podpath does not model (data sources, other types), counted by type
  | "terraform-overridden" // info: an object both the Terraform state and AWS CLI output describe; the CLI output is used
  | "capture-warning"; //    what podpath snapshot capture could not read (its index's warnings:)

export type Severity = "warning" | "info";

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly source?: SourceRef;
}
