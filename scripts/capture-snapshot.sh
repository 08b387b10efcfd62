#!/usr/bin/env bash
# Capture a podpath snapshot: the Kubernetes objects (kubectl get -o yaml) and the AWS network
# around the cluster (aws ec2/elbv2 describe-* JSON), in the layout of examples/ecoeco/, plus the
# podpath.yaml index that ties them together.
#
# It never reads Secrets or ConfigMaps.
set -euo pipefail

PROG=${0##*/}

usage() {
  cat <<EOF
Usage: $PROG OUTPUT_DIR [options]

Writes a podpath snapshot of the current cluster and its AWS network into OUTPUT_DIR:
  OUTPUT_DIR/k8s/*.yaml      one file per kind: kubectl get KIND -A -o yaml
  OUTPUT_DIR/aws/*.json      aws ec2 / elbv2 describe-* output, unchanged (and the entries of
                             each managed prefix list a security group rule or route names; the
                             target health of each target group, the attributes of each NLB one)
  OUTPUT_DIR/podpath.yaml    the index: podpath --snapshot OUTPUT_DIR

Options:
  --context NAME       kubectl context (default: the current context)
  --namespace NS       capture namespaced kinds only from NS (repeatable; default: all
                       namespaces). Cluster-scoped kinds (Nodes, Namespaces, IngressClasses,
                       PriorityClasses, RuntimeClasses, Calico pools) are always captured.
  --region REGION      AWS region (default: the AWS CLI's configured region)
  --profile NAME       AWS CLI profile
  --vpc-id VPC_ID      only the cluster's VPC: ec2 describes get --filters Name=vpc-id,Values=VPC_ID,
                       load balancers and target groups are filtered by VpcId
  --no-kubernetes      skip the kubectl part
  --no-aws             skip the AWS part
  -h, --help           this help

Kinds captured: Namespace, Node, PriorityClass, Deployment, ReplicaSet, StatefulSet, DaemonSet,
Job, CronJob, Pod, Service, EndpointSlice, IngressClass, Ingress, NetworkPolicy, Calico IPPool /
FelixConfiguration / BlockAffinity (crd.projectcalico.org/v1, and projectcalico.org/v3 where the
Calico API server serves it), Prometheus / Alertmanager (monitoring.coreos.com), and what
admission and drains read: LimitRange, RuntimeClass (node.k8s.io), PodDisruptionBudget (policy).
Kinds the cluster does not serve (a CRD that is not installed) are skipped with a note; a kind
your credentials may not list (RBAC denies it) is left out with a note, and the rest is captured.

Never captured: Secrets, ConfigMaps. Workload specs still hold literal environment values as the
cluster stores them; treat a snapshot as you would treat the cluster's manifests.

Needs kubectl and/or the AWS CLI v2 on PATH, with read access (get/list; ec2:Describe*,
ec2:GetManagedPrefixListEntries, elasticloadbalancing:Describe*).
EOF
}

die() { echo "$PROG: $*" >&2; exit 2; }
note() { echo "$PROG: $*" >&2; }

OUT=""
CONTEXT=""
REGION=""
PROFILE=""
VPC_ID=""
NAMESPACES=()
DO_K8S=1
DO_AWS=1

while (($#)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --context) [[ $# -ge 2 ]] || die "--context needs a value"; CONTEXT=$2; shift 2 ;;
    --context=*) CONTEXT=${1#*=}; shift ;;
    --namespace | -n) [[ $# -ge 2 ]] || die "--namespace needs a value"; NAMESPACES+=("$2"); shift 2 ;;
    --namespace=*) NAMESPACES+=("${1#*=}"); shift ;;
    --region) [[ $# -ge 2 ]] || die "--region needs a value"; REGION=$2; shift 2 ;;
    --region=*) REGION=${1#*=}; shift ;;
    --profile) [[ $# -ge 2 ]] || die "--profile needs a value"; PROFILE=$2; shift 2 ;;
    --profile=*) PROFILE=${1#*=}; shift ;;
    --vpc-id) [[ $# -ge 2 ]] || die "--vpc-id needs a value"; VPC_ID=$2; shift 2 ;;
    --vpc-id=*) VPC_ID=${1#*=}; shift ;;
    --no-kubernetes) DO_K8S=0; shift ;;
    --no-aws) DO_AWS=0; shift ;;
    --) shift; break ;;
    -*) die "unknown option: $1 (see --help)" ;;
    *) [[ -z $OUT ]] || die "more than one output directory: $OUT, $1"; OUT=$1; shift ;;
  esac
done
if (($#)); then
  [[ -z $OUT && $# -eq 1 ]] || die "unexpected arguments: $*"
  OUT=$1
fi
[[ -n $OUT ]] || { usage >&2; exit 2; }
[[ -z $VPC_ID || $VPC_ID =~ ^vpc-[0-9a-zA-Z]+$ ]] || die "not a VPC id: $VPC_ID"
((DO_K8S || DO_AWS)) || die "--no-kubernetes and --no-aws: nothing to capture"

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

K8S_FILES=()   # paths relative to OUT
AWS_FILES=()
TG_ENTRIES=()  # "path<TAB>target group ARN": target health and attributes, which do not name their group
PL_ENTRIES=()  # "path<TAB>prefix list id"

# Write command output to a file only when the command succeeds.
capture_to() { # file cmd...
  local file=$1 tmp
  shift
  tmp=$(mktemp "$file.XXXXXX")
  if "$@" >"$tmp"; then
    mv "$tmp" "$file"
  else
    rm -f "$tmp"
    return 1
  fi
}

# ------------------------------------------------------------------------------------------------
# Kubernetes

KUBECTL=(kubectl)
[[ -z $CONTEXT ]] || KUBECTL+=(--context "$CONTEXT")
API_RESOURCES=""

# The guard every kubectl get goes through: Secrets and ConfigMaps are never read.
refuse_sensitive() { # comma-separated resource list
  local r
  local IFS=,
  for r in $1; do
    case ${r%%.*} in
      secret | secrets | configmap | configmaps | cm)
        die "refusing to capture $r: Secrets and ConfigMaps are never captured" ;;
    esac
  done
}

has_resource() { grep -qxF -- "$1" <<<"$API_RESOURCES"; }

capture_k8s() { # file scope(cluster|namespaced) resource...
  local file=$1 scope=$2 r list ns first
  shift 2
  local present=()
  for r in "$@"; do
    if has_resource "$r"; then present+=("$r"); else note "skipping $r: not served by this cluster"; fi
  done
  ((${#present[@]})) || return 0
  list=$(IFS=,; echo "${present[*]}")
  refuse_sensitive "$list"
  if [[ $scope == cluster ]]; then
    capture_to "$OUT/k8s/$file" "${KUBECTL[@]}" get "$list" -o yaml || { note "kubectl get $list failed; $file not written"; return 0; }
  elif ((${#NAMESPACES[@]} == 0)); then
    capture_to "$OUT/k8s/$file" "${KUBECTL[@]}" get "$list" --all-namespaces -o yaml || { note "kubectl get $list failed; $file not written"; return 0; }
  else
    # one kind: List per namespace, as a multi-document file
    : >"$OUT/k8s/$file"
    first=1
    for ns in "${NAMESPACES[@]}"; do
      ((first)) || echo "---" >>"$OUT/k8s/$file"
      first=0
      "${KUBECTL[@]}" get "$list" --namespace "$ns" -o yaml >>"$OUT/k8s/$file" || { note "kubectl get $list -n $ns failed; $file not written"; rm -f "$OUT/k8s/$file"; return 0; }
    done
  fi
  K8S_FILES+=("k8s/$file")
}

capture_kubernetes() {
  command -v kubectl >/dev/null || die "kubectl not found (or use --no-kubernetes)"
  "${KUBECTL[@]}" version >/dev/null 2>&1 || die "cannot reach the cluster with: ${KUBECTL[*]} (check --context)"
  # api-resources exits non-zero when one aggregated API is down, yet prints the rest
  API_RESOURCES=$("${KUBECTL[@]}" api-resources --verbs=list -o name 2>/dev/null || true)
  [[ -n $API_RESOURCES ]] || die "kubectl api-resources returned nothing"
  mkdir -p "$OUT/k8s"

  capture_k8s namespaces.yaml          cluster    namespaces
  capture_k8s nodes.yaml               cluster    nodes
  capture_k8s priorityclasses.yaml     cluster    priorityclasses.scheduling.k8s.io
  # what the API server's admission plugins read (LimitRanger, RuntimeClass; Priority above) and
  # what a drain honours (the eviction API's PodDisruptionBudgets)
  capture_k8s limitranges.yaml         namespaced limitranges
  capture_k8s runtimeclasses.yaml      cluster    runtimeclasses.node.k8s.io
  capture_k8s poddisruptionbudgets.yaml namespaced poddisruptionbudgets.policy
  capture_k8s deployments.yaml         namespaced deployments.apps
  capture_k8s replicasets.yaml         namespaced replicasets.apps
  capture_k8s statefulsets.yaml        namespaced statefulsets.apps
  capture_k8s daemonsets.yaml          namespaced daemonsets.apps
  capture_k8s jobs.yaml                namespaced jobs.batch
  capture_k8s cronjobs.yaml            namespaced cronjobs.batch
  capture_k8s pods.yaml                namespaced pods
  capture_k8s services.yaml            namespaced services
  capture_k8s endpointslices.yaml      namespaced endpointslices.discovery.k8s.io
  capture_k8s ingressclasses.yaml      cluster    ingressclasses.networking.k8s.io
  capture_k8s ingresses.yaml           namespaced ingresses.networking.k8s.io
  capture_k8s networkpolicies.yaml     namespaced networkpolicies.networking.k8s.io
  # Calico: the CRDs every install has, and the v3 API where the Calico API server serves it
  capture_k8s calico.yaml              cluster    ippools.crd.projectcalico.org felixconfigurations.crd.projectcalico.org blockaffinities.crd.projectcalico.org
  capture_k8s calico-v3.yaml           cluster    ippools.projectcalico.org felixconfigurations.projectcalico.org
  capture_k8s prometheus-operator.yaml namespaced prometheuses.monitoring.coreos.com alertmanagers.monitoring.coreos.com
}

# ------------------------------------------------------------------------------------------------
# AWS

AWS=(aws)
[[ -z $REGION ]] || AWS+=(--region "$REGION")
[[ -z $PROFILE ]] || AWS+=(--profile "$PROFILE")
export AWS_PAGER=""

aws_json() { "${AWS[@]}" "$@" --output json; }
aws_text() { "${AWS[@]}" "$@" --output text; }

capture_aws_file() { # relative-path aws-args...
  local rel=$1
  shift
  if capture_to "$OUT/$rel" aws_json "$@"; then
    AWS_FILES+=("$rel")
  else
    note "aws $* failed; $rel not written"
  fi
}

# a filename-safe form of a name (load balancer and target group names already are)
safe() { tr -c 'A-Za-z0-9._\n-' '_' <<<"$1"; }

capture_aws() {
  command -v aws >/dev/null || die "aws CLI not found (or use --no-aws)"
  aws_json sts get-caller-identity >/dev/null 2>&1 || die "the AWS CLI has no working credentials (check --profile / --region)"
  mkdir -p "$OUT/aws"

  local vpc_filter=() igw_filter=() vpc_ids=() in_vpc="[]"
  if [[ -n $VPC_ID ]]; then
    vpc_filter=(--filters "Name=vpc-id,Values=$VPC_ID")
    igw_filter=(--filters "Name=attachment.vpc-id,Values=$VPC_ID")
    vpc_ids=(--vpc-ids "$VPC_ID")
    in_vpc="[?VpcId=='$VPC_ID']"
  fi

  capture_aws_file aws/ec2-describe-vpcs.json               ec2 describe-vpcs ${vpc_ids[@]+"${vpc_ids[@]}"}
  capture_aws_file aws/ec2-describe-subnets.json            ec2 describe-subnets ${vpc_filter[@]+"${vpc_filter[@]}"}
  capture_aws_file aws/ec2-describe-route-tables.json       ec2 describe-route-tables ${vpc_filter[@]+"${vpc_filter[@]}"}
  capture_aws_file aws/ec2-describe-internet-gateways.json  ec2 describe-internet-gateways ${igw_filter[@]+"${igw_filter[@]}"}
  # describe-nat-gateways spells the option --filter
  if [[ -n $VPC_ID ]]; then
    capture_aws_file aws/ec2-describe-nat-gateways.json     ec2 describe-nat-gateways --filter "Name=vpc-id,Values=$VPC_ID"
  else
    capture_aws_file aws/ec2-describe-nat-gateways.json     ec2 describe-nat-gateways
  fi
  capture_aws_file aws/ec2-describe-network-acls.json       ec2 describe-network-acls ${vpc_filter[@]+"${vpc_filter[@]}"}
  capture_aws_file aws/ec2-describe-security-groups.json    ec2 describe-security-groups ${vpc_filter[@]+"${vpc_filter[@]}"}
  # Managed prefix lists (not VPC-scoped: the account's own and the AWS-managed ones), and the
  # entries of each list a security group rule or a route names. get-managed-prefix-list-entries
  # does not print the list's id: the file is named after it and podpath.yaml says prefixListId.
  capture_aws_file aws/ec2-describe-managed-prefix-lists.json ec2 describe-managed-prefix-lists
  local pl pl_rel referenced
  referenced=$(cat "$OUT/aws/ec2-describe-security-groups.json" "$OUT/aws/ec2-describe-route-tables.json" 2>/dev/null |
    grep -oE '"(PrefixListId|DestinationPrefixListId)": *"pl-[0-9a-f]+"' | grep -oE 'pl-[0-9a-f]+' | sort -u || true)
  for pl in $referenced; do
    mkdir -p "$OUT/aws/prefix-list-entries"
    pl_rel="aws/prefix-list-entries/$pl.json"
    if capture_to "$OUT/$pl_rel" aws_json ec2 get-managed-prefix-list-entries --prefix-list-id "$pl"; then
      PL_ENTRIES+=("$pl_rel"$'\t'"$pl")
    else
      note "get-managed-prefix-list-entries for $pl failed; $pl_rel not written"
    fi
  done
  capture_aws_file aws/ec2-describe-instances.json          ec2 describe-instances ${vpc_filter[@]+"${vpc_filter[@]}"}
  capture_aws_file aws/ec2-describe-network-interfaces.json ec2 describe-network-interfaces ${vpc_filter[@]+"${vpc_filter[@]}"}

  # --query keeps the CLI's own shape ({"LoadBalancers": [...]}) while filtering by VPC
  capture_aws_file aws/elbv2-describe-load-balancers.json   elbv2 describe-load-balancers --query "{LoadBalancers: LoadBalancers$in_vpc}"

  # describe-listeners and describe-rules take one load balancer / listener per call: one file
  # per call. With a single load balancer the files are not prefixed with its name.
  local lbs lb_count lb_arn lb_name prefix listeners l_arn l_proto l_port
  lbs=$(aws_text elbv2 describe-load-balancers --query "LoadBalancers$in_vpc.[LoadBalancerArn,LoadBalancerName]" 2>/dev/null || true)
  lb_count=$(grep -c '^arn:' <<<"$lbs" || true)
  while IFS=$'\t' read -r lb_arn lb_name; do
    [[ ${lb_arn:-} == arn:* ]] || continue
    if ((lb_count > 1)); then prefix="-$(safe "$lb_name")"; else prefix=""; fi
    capture_aws_file "aws/elbv2-describe-listeners$prefix.json" elbv2 describe-listeners --load-balancer-arn "$lb_arn"
    listeners=$(aws_text elbv2 describe-listeners --load-balancer-arn "$lb_arn" --query "Listeners[].[ListenerArn,Protocol,Port]" 2>/dev/null || true)
    while IFS=$'\t' read -r l_arn l_proto l_port; do
      [[ ${l_arn:-} == arn:* ]] || continue
      case $l_proto in
        HTTP | HTTPS) ;;
        *) continue ;; # only ALB listeners have rules
      esac
      capture_aws_file "aws/elbv2-describe-rules$prefix-$(tr '[:upper:]' '[:lower:]' <<<"$l_proto")-$l_port.json" \
        elbv2 describe-rules --listener-arn "$l_arn"
    done <<<"$listeners"
  done <<<"$lbs"

  capture_aws_file aws/elbv2-describe-target-groups.json    elbv2 describe-target-groups --query "{TargetGroups: TargetGroups$in_vpc}"

  # describe-target-health and describe-target-group-attributes output do not name their target
  # group: podpath.yaml does (targetGroupArn). The attributes podpath reads are an NLB target
  # group's (preserve_client_ip.enabled, load_balancing.cross_zone.enabled), so they are captured
  # for the target groups of a network load balancer (protocol TCP, UDP, TCP_UDP, TLS), not for
  # HTTP/HTTPS (ALB) ones.
  local tgs tg_arn tg_name tg_proto rel
  tgs=$(aws_text elbv2 describe-target-groups --query "TargetGroups$in_vpc.[TargetGroupArn,TargetGroupName,Protocol]" 2>/dev/null || true)
  while IFS=$'\t' read -r tg_arn tg_name tg_proto; do
    [[ ${tg_arn:-} == arn:* ]] || continue
    capture_tg_file "aws/elbv2-target-health/$(safe "$tg_name").json" "$tg_arn" describe-target-health
    case ${tg_proto:-} in
      TCP | UDP | TCP_UDP | TLS)
        capture_tg_file "aws/elbv2-target-group-attributes/$(safe "$tg_name").json" "$tg_arn" describe-target-group-attributes ;;
    esac
  done <<<"$tgs"
  rmdir "$OUT/aws/elbv2-target-health" "$OUT/aws/elbv2-target-group-attributes" 2>/dev/null || true
}

capture_tg_file() { # relative-path target-group-arn elbv2-command
  local rel=$1 arn=$2 command=$3
  mkdir -p "$OUT/$(dirname "$rel")"
  if capture_to "$OUT/$rel" aws_json elbv2 "$command" --target-group-arn "$arn"; then
    TG_ENTRIES+=("$rel"$'\t'"$arn")
  else
    note "$command for ${rel##*/} failed; $rel not written"
  fi
}

# ------------------------------------------------------------------------------------------------

write_index() {
  local f entry rel arn
  {
    echo "# podpath snapshot index, written by scripts/capture-snapshot.sh"
    echo "# captured: $(date -u +%Y-%m-%dT%H:%M:%SZ)${CONTEXT:+, kubectl context: $CONTEXT}${REGION:+, region: $REGION}${VPC_ID:+, vpc: $VPC_ID}"
    echo "# Paths are relative to this file. Secrets and ConfigMaps are never captured."
    if ((${#K8S_FILES[@]})); then
      echo "kubernetes:"
      for f in "${K8S_FILES[@]}"; do echo "  - path: $f"; done
    fi
    if ((${#AWS_FILES[@]} + ${#TG_ENTRIES[@]} + ${#PL_ENTRIES[@]})); then
      echo "aws:"
      for f in ${AWS_FILES[@]+"${AWS_FILES[@]}"}; do echo "  - path: $f"; done
      for entry in ${TG_ENTRIES[@]+"${TG_ENTRIES[@]}"}; do
        rel=${entry%%$'\t'*}
        arn=${entry#*$'\t'}
        echo "  - path: $rel"
        echo "    targetGroupArn: $arn"
      done
      for entry in ${PL_ENTRIES[@]+"${PL_ENTRIES[@]}"}; do
        rel=${entry%%$'\t'*}
        echo "  - path: $rel"
        echo "    prefixListId: ${entry#*$'\t'}"
      done
    fi
  } >"$OUT/podpath.yaml"
}

if ((DO_K8S)); then capture_kubernetes; fi
if ((DO_AWS)); then capture_aws; fi
write_index

note "wrote ${#K8S_FILES[@]} Kubernetes and $((${#AWS_FILES[@]} + ${#TG_ENTRIES[@]} + ${#PL_ENTRIES[@]})) AWS files to $OUT"
note "next: podpath snapshot show --snapshot $OUT"
