import type { Command } from "commander";
import { Option } from "commander";
import { formatsOf } from "../../format/index.js";
import { answerIntended, INTENDED_FAIL_ON, type IntendedFailOn } from "../../questions/intended.js";
import type { CliIO } from "../io.js";
import { EXIT } from "../io.js";
import { loadFromOptions, withSnapshotOptions, writeAnswer, type SnapshotOptions } from "../snapshot-options.js";

interface IntendedOptions extends SnapshotOptions {
  failOn?: IntendedFailOn;
}

export function registerIntended(program: Command, io: CliIO, setExit: (code: number) => void): void {
  withSnapshotOptions(
    program
      .command("intended")
      .description(
        "the Services each workload's configuration names (env values, args, command, ConfigMaps it reads) and whether NetworkPolicy allows calling them",
      ),
    formatsOf("intended"),
  )
    .addOption(
      new Option(
        "--fail-on <what>",
        "exit 1 when a configured dependency is blocked or names a Service or port that does not exist",
      ).choices(INTENDED_FAIL_ON),
    )
    .addHelpText(
      "after",
      `
A dependency is a host a container's env value, args or command names, or the data of a ConfigMap
it reads (envFrom, configMapKeyRef, a mounted volume), that is a Service of the snapshot: NAME.NS,
NAME.NS.svc, NAME.NS.svc.cluster.local, or a bare NAME of the workload's own namespace where it
stands as a host (scheme://NAME[:port] or NAME:port), with an optional port. NAME.NS.svc… naming no
Service, or NAME.NS in a namespace of the snapshot, is reported as a missing Service. Without a
port, http:// and https:// give 80 and 443; otherwise every port of the Service is checked. Only
the matched host:port is printed, never the rest of a value; Secrets are never read.

Each dependency is checked as trace checks NetworkPolicy: the workload's egress to a backend of the
Service on its targetPort, and the backend's ingress. A blocked one says which side isolates and
the policy (file:line). Verdicts: allowed, BLOCKED, NO SERVICE, NO PORT, no backend (a Service
without a selector or without a workload behind it: nothing to check).

A command of its own, not a connlist option: connlist lists what policies allow between all
workloads in netpol-analyzer's format; this answers what the configuration asks for, with its own
JSON and exit code.

Examples:
  podpath intended -s ./capture
  podpath intended -s ./capture --with default-deny.yaml --fail-on blocked-dependency`,
    )
    .action((options: IntendedOptions) => {
      const answer = answerIntended(loadFromOptions(options, io), options.failOn ? { failOn: options.failOn } : {});
      writeAnswer(io, "intended", answer, options);
      setExit(answer.finding ? EXIT.finding : EXIT.ok);
    });
}
