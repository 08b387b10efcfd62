/**
 * The question layer: one entry point per question podpath answers (`src/questions/<question>.ts`),
 * each with a typed input (the options the question takes, plain data) and a typed result that is
 * the JSON contract of PRODUCT.md (`-o json` prints `JSON.stringify(result)`).
 *
 * After Batfish's questions: a `Question` is typed parameters (batfish
 * projects/batfish-common-protocol/src/main/java/org/batfish/datamodel/questions/Question.java) and
 * an `Answerer` turns it into a typed answer (…/org/batfish/common/Answerer.java, `answer()` →
 * `AnswerElement`). Here `answer<Question>(snapshot, input)` is the answerer and `Answer` the
 * answer element: the contract object, plus the analysis report the text and Markdown formatters
 * render, plus whether the answer is a finding (exit 1 where the command asks for that). Batfish's
 * `Answerer.answerDiff` runs the same answerer on two snapshots and diffs the answers: the shape
 * the coming `diff` question can take over these typed results.
 */

/** The questions podpath answers today; `src/format/index.ts` keeps one formatter table per name. */
export type QuestionName =
  | "snapshot show"
  | "place"
  | "fix place"
  | "trace"
  | "egress"
  | "lint"
  | "report"
  | "connlist"
  | "exposure"
  | "intended"
  | "diff";

export interface Answer<Input, Result, Analysis> {
  /** the question's parameters, as asked */
  readonly input: Input;
  /** the JSON contract (PRODUCT.md): `-o json` is this object, stringified */
  readonly result: Result;
  /** the analysis' own report, which the text and Markdown formatters render */
  readonly analysis: Analysis;
  /**
   * the answer is a finding: a trace or egress row dropped or unknown, a fix that cannot be
   * verified. Commands turn it into exit 1 where they are asked to (`--fail-on-drop`).
   */
  readonly finding: boolean;
}
