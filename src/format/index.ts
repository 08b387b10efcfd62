/**
 * The one place a formatter is picked: per question, one renderer per output format it supports.
 * `-o json` is the question's typed result (its JSON contract) stringified; text and Markdown
 * render the analysis report the answer carries. A renderer yields chunks, so `place -o json` at
 * real scale is written piece by piece instead of as one string.
 */
import { UserError } from "../model/errors.js";
import type { EgressAnswer } from "../questions/egress.js";
import type { FixPlaceAnswer } from "../questions/fix-place.js";
import type { LintAnswer } from "../questions/lint.js";
import type { PlaceAnswer } from "../questions/place.js";
import type { QuestionName } from "../questions/question.js";
import type { ReportAnswer } from "../questions/report.js";
import type { SnapshotShowAnswer } from "../questions/snapshot-show.js";
import type { TraceAnswer } from "../questions/trace.js";
import { formatEgressJson, formatEgressMarkdown, formatEgressText } from "./egress.js";
import { formatFixPlaceJson, formatFixPlaceMarkdown, formatFixPlaceText } from "./fix-place.js";
import { formatPlacementBriefMarkdown, formatPlacementBriefText } from "./place-brief.js";
import { formatLintJson, formatLintMarkdown, formatLintText } from "./lint.js";
import { formatPlacementMarkdown, formatPlacementText, placementResultChunks } from "./place.js";
import { formatLintSarif } from "./sarif.js";
import { formatReportMarkdown } from "./report/index.js";
import { formatSnapshotJson, formatSnapshotMarkdown, formatSnapshotText } from "./snapshot-show.js";
import { formatTraceJson, formatTraceMarkdown, formatTraceText } from "./trace.js";

export type OutputFormat = "text" | "json" | "md" | "sarif";

/** `sarif`: SARIF 2.1.0, for the questions whose answers are findings (lint) */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["text", "json", "md", "sarif"];

/** The answer each question gives (src/questions/<question>.ts). */
export interface AnswerOf {
  "snapshot show": SnapshotShowAnswer;
  place: PlaceAnswer;
  "fix place": FixPlaceAnswer;
  trace: TraceAnswer;
  egress: EgressAnswer;
  lint: LintAnswer;
  report: ReportAnswer;
}

type Renderer<A> = (answer: A) => Iterable<string>;

export type Renderers = { readonly [Q in QuestionName]: { readonly [F in OutputFormat]?: Renderer<AnswerOf[Q]> } };

/** Every question's formatters, by output format; `render` is the only reader. */
export const RENDERERS: Renderers = {
  "snapshot show": {
    text: (a) => [formatSnapshotText(a.analysis)],
    json: (a) => [formatSnapshotJson(a.result)],
    md: (a) => [formatSnapshotMarkdown(a.analysis)],
  },
  place: {
    text: (a) =>
      a.input.brief
        ? [formatPlacementBriefText(a.analysis)]
        : [formatPlacementText(a.analysis, a.input.node, { allPods: a.input.workload !== undefined })],
    // chunk by chunk: at real scale the whole answer is longer than a JavaScript string can be
    json: (a) => placementResultChunks(a.result),
    md: (a) => [
      a.input.brief
        ? formatPlacementBriefMarkdown(a.analysis)
        : formatPlacementMarkdown(a.analysis, { allPods: a.input.workload !== undefined }),
    ],
  },
  "fix place": {
    text: (a) => [formatFixPlaceText(a.analysis)],
    json: (a) => [formatFixPlaceJson(a.result)],
    md: (a) => [formatFixPlaceMarkdown(a.analysis)],
  },
  trace: {
    text: (a) => [formatTraceText(a.analysis)],
    json: (a) => [formatTraceJson(a.result)],
    md: (a) => [formatTraceMarkdown(a.analysis)],
  },
  egress: {
    text: (a) => [formatEgressText(a.analysis)],
    json: (a) => [formatEgressJson(a.result)],
    md: (a) => [formatEgressMarkdown(a.analysis)],
  },
  lint: {
    text: (a) => [formatLintText(a.result)],
    json: (a) => [formatLintJson(a.result)],
    md: (a) => [formatLintMarkdown(a.result)],
    sarif: (a) => [formatLintSarif(a.result)],
  },
  // Markdown only for now (an HTML page is planned: src/cli/commands/report.ts says so)
  report: { md: (a) => [formatReportMarkdown(a.analysis)] },
};

/** The output formats `question` can be rendered in. */
export function formatsOf(question: QuestionName): OutputFormat[] {
  return OUTPUT_FORMATS.filter((f) => RENDERERS[question][f] !== undefined);
}

/** A format the question has no renderer for: bad usage, exit 2. */
export class UnsupportedFormatError extends UserError {
  constructor(question: QuestionName, format: string) {
    super(`podpath ${question} has no ${format} output (formats: ${formatsOf(question).join(", ")})`);
    this.name = "UnsupportedFormatError";
  }
}

/** `answer` of `question` in `format`, as chunks to write in order. */
export function render<Q extends QuestionName>(
  question: Q,
  answer: AnswerOf[Q],
  format: OutputFormat,
): Iterable<string> {
  const renderer: Renderer<AnswerOf[Q]> | undefined = RENDERERS[question][format];
  if (!renderer) throw new UnsupportedFormatError(question, format);
  return renderer(answer);
}
