/**
 * One error type (src/model/errors.ts): every error class a user can cause is a UserError, and the
 * CLI reports it in one place (reportError in src/cli/program.ts). Each class → its stderr lines and
 * exit code, first as thrown objects, then as real commands throw them.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CommanderError } from "commander";
import { EndpointError } from "../../src/analysis/paths/endpoints.js";
import { FixPlaceError } from "../../src/analysis/placement/fix/index.js";
import { reportError } from "../../src/cli/program.js";
import { InputError } from "../../src/load/errors.js";
import { USER_EXIT, UserError } from "../../src/model/errors.js";
import { UserError as LibraryUserError } from "../../src/index.js";
import { EXAMPLE, cli, tempDir } from "../support/helpers.js";

const BUG = "podpath: this is a bug in podpath; run again with --debug for the stack trace and report it\n";

interface Row {
  readonly name: string;
  readonly error: unknown;
  readonly stderr: string;
  readonly code: number;
}

const ROWS: readonly Row[] = [
  {
    name: "UserError",
    error: new UserError("no node zz in the snapshot"),
    stderr: "podpath: no node zz in the snapshot\n",
    code: 2,
  },
  {
    name: "UserError, a finding",
    error: new UserError("the change cannot be verified", { exitCode: USER_EXIT.finding }),
    stderr: "podpath: the change cannot be verified\n",
    code: 1,
  },
  {
    name: "UserError at file:line:col",
    error: new UserError("bad value", { location: { file: "a.yaml", line: 3, col: 5 } }),
    stderr: "podpath: a.yaml:3:5: bad value\n",
    code: 2,
  },
  {
    name: "UserError at file:line (column 1)",
    error: new UserError("bad value", { location: { file: "a.yaml", line: 3 } }),
    stderr: "podpath: a.yaml:3:1: bad value\n",
    code: 2,
  },
  {
    name: "UserError at a file",
    error: new UserError("no such file or directory", { location: { file: "nope" } }),
    stderr: "podpath: nope: no such file or directory\n",
    code: 2,
  },
  {
    name: "InputError",
    error: new InputError("JSON syntax error: expected a value", "x.json", 1, 7),
    stderr: "podpath: x.json:1:7: JSON syntax error: expected a value\n",
    code: 2,
  },
  {
    name: "InputError naming the files that could not be loaded",
    error: new InputError(
      "no Kubernetes objects or AWS CLI output found in snap: 2 files could not be loaded",
      undefined,
      undefined,
      undefined,
      [
        { code: "parse-error", file: "snap/a.json", line: 2, col: 1, message: "JSON syntax error: unexpected 'An'" },
        { code: "unreadable-file", file: "snap/b.yaml", line: undefined, col: undefined, message: "permission denied" },
      ],
    ),
    stderr:
      "podpath: snap/a.json:2:1: JSON syntax error: unexpected 'An'\npodpath: snap/b.yaml: permission denied\npodpath: no Kubernetes objects or AWS CLI output found in snap: 2 files could not be loaded\n",
    code: 2,
  },
  {
    name: "EndpointError",
    error: new EndpointError("no pod default/nope in the snapshot"),
    stderr: "podpath: no pod default/nope in the snapshot\n",
    code: 2,
  },
  {
    name: "FixPlaceError",
    error: new FixPlaceError('--onto "a=b=c": "a=b=c" has an invalid label value "b=c"'),
    stderr: 'podpath: --onto "a=b=c": "a=b=c" has an invalid label value "b=c"\n',
    code: 2,
  },
  {
    name: "a commander usage error (already printed)",
    error: new CommanderError(1, "commander.unknownOption", "error: unknown option '--nope'"),
    stderr: "",
    code: 2,
  },
  { name: "--help", error: new CommanderError(0, "commander.helpDisplayed", "(outputHelp)"), stderr: "", code: 0 },
  {
    name: "any other Error is a bug",
    error: new Error("boom"),
    stderr: `podpath: internal error: boom\n${BUG}`,
    code: 70,
  },
  { name: "a thrown non-Error is a bug", error: "boom", stderr: `podpath: internal error: boom\n${BUG}`, code: 70 },
];

describe("reportError: each error class → the CLI's stderr and exit code", () => {
  for (const row of ROWS) {
    test(row.name, () => {
      let stderr = "";
      const code = reportError(row.error, { stderr: { write: (s: string) => (stderr += s) } });
      assert.equal(stderr, row.stderr);
      assert.equal(code, row.code);
    });
  }
});

test("InputError, EndpointError and FixPlaceError are UserErrors; UserError is exported to library users", () => {
  for (const error of [new InputError("x"), new EndpointError("x"), new FixPlaceError("x")])
    assert.ok(error instanceof UserError, error.name);
  assert.equal(LibraryUserError, UserError);
  const located = new InputError("bad", "f.yaml", 2, 3);
  assert.deepEqual(
    [located.name, located.detail, located.message, located.location],
    ["InputError", "bad", "f.yaml:2:3: bad", { file: "f.yaml", line: 2, col: 3 }],
  );
});

interface CliRow {
  readonly thrown: string;
  readonly args: readonly string[];
  readonly stderr: string;
}

const CLI_ROWS: readonly CliRow[] = [
  {
    thrown: "InputError (a path that does not exist)",
    args: ["snapshot", "show", "--snapshot", "nope"],
    stderr: "podpath: nope: no such file or directory\n",
  },
  {
    thrown: "EndpointError (from trace)",
    args: ["trace", "--from", "pod:default/nope", "--to", "internet", "-s", EXAMPLE],
    stderr: "podpath: no pod default/nope in the snapshot\n",
  },
  {
    thrown: "EndpointError (url: as a source)",
    args: ["trace", "--from", "url:https://growbin.app/argocd", "--to", "internet", "-s", EXAMPLE],
    stderr: "podpath: url: is a destination only (the request goes through the Ingress and its load balancer)\n",
  },
  {
    thrown: "EndpointError (a malformed --from, reported by commander as a usage error)",
    args: ["trace", "--from", "nope", "--to", "internet", "-s", EXAMPLE],
    stderr:
      "podpath: error: option '--from <endpoint>' argument 'nope' is invalid. \"nope\" is not an endpoint; use one of pod:NS/NAME, workload:NS/NAME, service:NS/NAME, node:NAME, ip:ADDR, internet, url:https://HOST/PATH\n",
  },
  {
    thrown: "EndpointError (a malformed --to)",
    args: ["trace", "--from", "internet", "--to", "pod:Bad", "-s", EXAMPLE],
    stderr:
      "podpath: error: option '--to <endpoint>' argument 'pod:Bad' is invalid. pod: needs NAMESPACE/NAME, not \"Bad\"\n",
  },
  {
    thrown: "FixPlaceError (from fix place)",
    args: ["fix", "place", "monitoring/prometheus-grafana", "--onto", "a=b=c", "-s", EXAMPLE],
    stderr: 'podpath: --onto "a=b=c": "a=b=c" has an invalid label value "b=c"\n',
  },
  {
    thrown: "UserError (place --workload)",
    args: ["place", "--workload", "a/b", "-s", EXAMPLE],
    stderr:
      "podpath: no workload a/b in the snapshot (give it as NAMESPACE/NAME; `podpath snapshot show` lists them)\n",
  },
  {
    thrown: "UserError (place --node)",
    args: ["place", "--node", "zz", "-s", EXAMPLE],
    stderr: "podpath: no node zz in the snapshot\n",
  },
];

describe("the CLI: each error class as a command throws it → stderr and exit code 2, nothing on stdout", () => {
  for (const row of CLI_ROWS) {
    test(row.thrown, async () => {
      const r = await cli(row.args, tempDir());
      assert.deepEqual(r, { code: 2, stdout: "", stderr: row.stderr });
    });
  }
});
