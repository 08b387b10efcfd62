/** podpath as a library: load a snapshot into the model, then ask it questions. */
export * from "./model/index.js";
export { loadSnapshot, type LoadOptions, type LoadProgress } from "./load/load-snapshot.js";
export { InputError } from "./load/errors.js";
export { DEFAULT_LIMITS, type LoadLimits } from "./load/limits.js";
export { summarizeSnapshot, type SnapshotSummary } from "./analysis/snapshot-summary.js";
// the questions (src/questions/): answer<Question>(snapshot, input) → Answer, whose `result` is the JSON contract
export type { Answer, QuestionName } from "./questions/question.js";
export {
  answerSnapshotShow,
  type SnapshotShowAnswer,
  type SnapshotShowInput,
  type SnapshotShowJson,
  type LoadErrorJson,
  type SnapshotFileJson,
  type LayerJson,
  type NodeSummaryJson,
  type WorkloadSummaryJson,
  type UnresolvedOwnerJson,
  type JoinJson,
  type DiagnosticJson,
} from "./questions/snapshot-show.js";
export {
  answerPlace,
  placementJson,
  type PlaceAnswer,
  type PlaceInput,
  type PlacementJson,
  type WorkloadPlacementJson,
  type KnownFromPodsJson,
  type NodeJson,
  type ReasonJson,
  type PodJson,
  type NotTargetedJson,
  type PlacementFindingJson,
  type StaticPodJson,
  type MutationJson,
  type ControllerLabelsJson,
  type KubeletAdmissionJson,
  type AdmissionNoteJson,
  type WhatIfJson,
  type WhyHereJson,
  type SpreadCountsJson,
} from "./questions/place.js";
export {
  answerFixPlace,
  fixPlaceJson,
  type FixPlaceAnswer,
  type FixPlaceInput,
  type FixPlaceJson,
  type FixPlacementJson,
  type ChangeJson,
  type ChangeStepJson,
  type ReplacedPartJson,
  type OtherRejectionJson,
  type PatchTargetJson,
  type HelmReleaseJson,
  type ReplicasAfterJson,
} from "./questions/fix-place.js";
export type { KubernetesVersionJson } from "./questions/kubernetes-version.js";
export { KubernetesVersionError } from "./analysis/placement/version.js";
export {
  answerTrace,
  traceJson,
  type TraceAnswer,
  type TraceInput,
  type TraceJson,
  type TraceAnswerJson,
  type StepJson,
  type PacketJson,
  type OuterHeaderJson,
  type DropJson,
  type UnknownJson,
  type EndpointJson,
  type AnsweredByJson,
  type ReturnJson,
} from "./questions/trace.js";
export {
  answerEgress,
  egressJson,
  type EgressAnswer,
  type EgressInput,
  type EgressJson,
  type EgressRowJson,
  type EgressReturnJson,
  type NodeGroupJson,
  type SnatStepJson,
} from "./questions/egress.js";
// lint: findings with the contract's FindingJson; place and trace findings on the same severity scale
export { answerLint, failsOn, type LintAnswer, type LintInput, type LintJson } from "./questions/lint.js";
export { placeFindings, traceFindings } from "./questions/findings.js";
export {
  answerReport,
  REPORT_LANGUAGES,
  type ReportAnswer,
  type ReportInput,
  type ReportLanguage,
  type ReportAnalysis,
} from "./questions/report.js";
export {
  answerConnlist,
  connlistJson,
  type ConnlistAnswer,
  type ConnlistInput,
  type ConnlistJson,
  type ConnectionJson,
  type ConnlistWorkloadJson,
  type ConnlistNoteJson,
} from "./questions/connlist.js";
export {
  answerExposure,
  exposureJson,
  type ExposureAnswer,
  type ExposureInput,
  type ExposureJson,
  type ExposureWorkloadJson,
  type InternetExposureJson,
  type ExposureChainLinkJson,
} from "./questions/exposure.js";
export {
  answerDiff,
  diffJson,
  DIFF_FAIL_ON,
  type DiffAnswer,
  type DiffFailOn,
  type DiffInput,
  type DiffJson,
} from "./questions/diff.js";
export {
  answerIntended,
  intendedJson,
  type IntendedAnswer,
  type IntendedInput,
  type IntendedJson,
  type IntendedDependencyJson,
} from "./questions/intended.js";
// what a trace's input is made of: `parseEndpoint("workload:NS/NAME")` and friends
export { parseEndpoint, EndpointError, ENDPOINT_FORMS, type EndpointSpec } from "./analysis/paths/endpoints.js";
export type { Protocol } from "./analysis/paths/trace-model.js";
// answers as the CLI prints them
export {
  render,
  formatsOf,
  UnsupportedFormatError,
  OUTPUT_FORMATS,
  type OutputFormat,
  type AnswerOf,
} from "./format/index.js";
export { runCli } from "./cli/program.js";
