import type { Catalog } from "./catalog.js";

/** `podpath report` in Korean: the seed document's own terms (배치, Taint, Toleration, 응답 경로, SNAT, 역변환). */
export const KO: Catalog = {
  title: "podpath 분석 보고서",
  intro: (p) =>
    `스냅샷(파일 ${p.files}개)만으로 작성했습니다. 모든 판단에 근거 객체와 file:line을 붙였습니다. 배치 분석은 Kubernetes ${p.version} 기준입니다 (${p.versionFrom}, ${p.versionSource}).`,
  namespaceOnly: (ns) =>
    `이 보고서는 네임스페이스 ${ns}(-n)로 한정했습니다: 그 워크로드, 그곳으로 가는 경로, 그 객체에 대한 발견 사항입니다. egress 표는 모든 노드 그룹을 다룹니다.`,
  howToRead:
    "스케줄러 메시지와 hop 설명은 kube-scheduler와 podpath trace의 원문 그대로 인용합니다. 각 줄의 상세 근거는 `podpath place`, `podpath trace`, `podpath egress`로 확인할 수 있습니다.",

  secPlacement: "1. Pod 배치 현황",
  placementLead:
    "스케줄러 입장에서 동일한 Node끼리 묶었습니다 (같은 Taint, 같은 role/node group 레이블). Workload × Node 그룹마다 실제 배치 위치, 배치 가능 여부, 배치되지 않는 이유를 정리했습니다.",
  nodeGroupsHeading: "Node 그룹",
  colGroup: "그룹",
  colNodes: "Node",
  colDefinedBy: "Taint 및 레이블",
  taintAt: (p) => `Taint \`${p.taint}\` (${p.source})`,
  noTaints: "Taint 없음",
  placementHeading: "Workload × Node 그룹",
  colWorkload: "Workload",
  cellRuns: (p) => `배치됨 (Pod ${p.pods}개: ${p.nodes})`,
  cellPredicted: (p) => `배치 예정 (아직 실행 전인 Pod ${p.pods}개, 예측: ${p.nodes})`,
  cellCanRun: (p) => `배치 가능 (${p.nodes})`,
  cellCannot: (p) => `배치 불가: ${p.refs}`,
  cellNotTargeted: (p) => `대상 아님: ${p.refs}`,
  reasonsHeading: "배치 불가 이유 (표의 번호)",
  reasonOnNodes: (p) => `Node ${p.nodes}개`,
  unschedulable: (p) => `${p.workload} (${p.source})의 Pod 중 어느 Node에도 배치되지 않는 Pod가 있습니다: ${p.message}`,
  staticPods: (p) => `Static Pod (스케줄러를 거치지 않고 각 Node의 kubelet이 직접 실행): ${p.pods}.`,
  staticPod: (p) => `${p.pod} → ${p.node} (${p.source})`,

  secQuestions: "2. 질문별 답변",
  questionsLead:
    "이 클러스터에 대해 자주 묻는 질문에 위 배치 분석으로 답합니다: Taint가 있는 Node 그룹마다, 각 namespace의 Workload가 그 Node에 배치되어 있는가?",
  question: (p) => `namespace ${p.namespace}의 Workload는 ${p.group} Node 그룹(${p.nodes})에 배치되어 있나?`,
  answerYes: "예",
  answerNo: "아니요",
  answerPartly: "일부만",
  noneRunThere: (p) =>
    p.count === 1 ? "해당 Workload의 Pod가 없습니다" : `Workload ${p.count}개 모두 해당 Node에 Pod가 없습니다`,
  runThere: (p) => `배치된 Workload: ${p.workloads}`,
  cannotThere: (p) => `배치 불가: ${p.workloads} — ${p.reason}`,
  canRunThere: (p) => `배치 가능하지만 다른 Node에 배치됨: ${p.workloads}`,
  runElsewhere: (p) => `실제 배치 위치: ${p.groups}`,
  noTaintedGroups: "Taint가 있는 Node 그룹이 없습니다: 다른 필터가 허용하는 모든 Node에 배치될 수 있습니다.",
  staticThere: (p) => `해당 Node의 Static Pod (kubelet이 직접 실행, 스케줄링 대상 아님): ${p.pods}`,
  egressQuestionsHeading: "목적지에서 보이는 Source IP",
  egressQuestion: (p) => `${p.group} Node의 Pod가 보낸 패킷은 ${p.destination}에서 어떤 Source IP로 보이나?`,
  egressAnswerSnat: (p) => `\`${p.ip}\` — 경로상 변환: ${p.steps}.`,
  egressAnswerKept: (p) => `\`${p.ip}\` (Pod 자신의 IP): 경로상 SNAT가 없습니다.`,

  secExposed: "3. 외부 노출 서비스: 요청 경로와 응답 경로",
  exposedLead:
    "로드밸런서 규칙마다 인터넷에서 요청 하나를 보내 hop 단위로 왕복 경로를 추적했습니다. 다이어그램은 각 hop을 지난 뒤의 패킷(출발지 → 목적지)을, Note는 NAT 지점을 보여줍니다.",
  noExposed: "스냅샷에 internet-facing 로드밸런서나 type LoadBalancer Service가 없습니다.",
  pathTitle: (p) => `${p.lb} ${p.listener}: ${p.rule}`,
  ruleLine: (p) => `규칙: ${p.rule} (${p.ruleSource}), ${p.lbType} ${p.lb} (${p.source})`,
  notForwarded: (p) => `클러스터로 전달되지 않음: ${p.action}`,
  tracedLine: (p) => `추적: \`internet\` → \`${p.to}\``,
  traceError: (p) => `추적하지 못함: ${p.message}`,
  backendLine: (p) => `백엔드: ${p.backend} (${p.source})`,
  questionReply: (p) => `${p.backend}의 응답이 클라이언트까지 돌아가나?`,
  replyYes: (p) =>
    `예 — Pod가 보는 출발지는 ${p.sourceSeen}이고, 응답은 정상적으로 돌아가며 클라이언트는 ${p.replySource}에서 온 응답으로 받습니다.`,
  replyNoForward: (p) =>
    `아니요 — 요청이 ${p.at}에서 차단됩니다: ${p.code}, ${p.message}${p.source ? ` (${p.source})` : ""}.`,
  replyUnknownForward: (p) =>
    `판단 불가 — ${p.at}에서 스냅샷만으로 판단할 수 없습니다. ${p.capture}를 수집하면 확인할 수 있습니다.`,
  replyDropped: (p) =>
    `아니요 — 요청은 도착하지만 응답이 ${p.at}에서 차단됩니다: ${p.code}, ${p.message}${p.source ? ` (${p.source})` : ""}.`,
  replyUnknown: (p) =>
    `판단 불가 — 요청은 도착하지만, 응답 복귀 여부를 ${p.at}에서 판단할 수 없습니다 (${p.capture} 수집 필요).`,
  natForward: "요청 방향 NAT",
  natReply: "응답 방향 (conntrack이 각 NAT를 역변환)",
  natNone: "없음",
  natReplyCalico: (p) =>
    `응답 패킷은 해당 연결의 conntrack 상태로만 변환됩니다 (${p.components}). Calico natOutgoing은 응답에 관여하지 않습니다 — Pod가 먼저 여는 연결에만 적용됩니다.`,
  diagramLead: "hop별 패킷 흐름:",
  mermaid: { drop: "차단", unknown: "판단 불가", delivered: (source) => `전달됨, 출발지 ${source}` },

  secEgress: "4. Egress: 목적지별로 보이는 Source IP",
  egressLead: (p) => `Node 그룹 × 목적지 유형마다, 그룹 첫 Node의 Pod에서 패킷 하나를 추적했습니다. CNI: ${p.cni}.`,
  colTracedFrom: "출발 Pod",
  colDestination: "목적지",
  colTracedTo: "추적 대상",
  colSnat: "SNAT 단계 (순서대로)",
  colSourceSeen: "최종 Source IP",
  colVerdict: "결과",
  colReply: "응답",
  destination: (p) =>
    ({
      "same-node-pod": "같은 Node의 Pod",
      "other-node-pod": "다른 Node의 Pod",
      "cluster-ip": "ClusterIP 서비스",
      vpc: "VPC 내부 주소 (다른 Node의 kubelet)",
      internet: "외부 인터넷",
    })[p.cls] ?? p.cls,
  snatNone: "없음",
  snatThen: ", 이후 ",
  verdictDelivered: "전달됨",
  verdictDropped: (p) => `차단: ${p.code} (${p.at})`,
  verdictUnknown: (p) => `판단 불가 (${p.at})`,
  verdictSkipped: (p) => `생략: ${p.note}`,
  replyReturns: "복귀 (conntrack)",
  hairpin: "hairpin (자기 자신의 서비스)",
  egressDiagram: (p) => `${p.group}: Pod → 외부 인터넷`,
  noNodes: "스냅샷에 Node가 없어 출발할 Pod가 없습니다.",

  secLint: "5. Lint 결과",
  lintNone: "Lint에서 발견된 문제가 없습니다.",
  colSeverity: "심각도",
  colRule: "규칙",
  colMessage: "내용",
  colObjects: "대상 객체",
  colFix: "수정 제안",

  secRecommendations: "6. 권장 사항",
  recommendationsLead:
    '아래 변경은 모두 스냅샷 사본에 적용한 뒤 분석을 다시 실행해 확인했습니다. 재실행 결과로 확인된 경우에만 "검증됨"으로 표시합니다.',
  noRecommendations: "권장 사항이 없습니다: 재실행으로 확인할 수 있는 변경을 찾지 못했습니다.",
  recPlacementTitle: (p) => `${p.workload}를 ${p.group} Node 그룹에 배치하려면 (필요한 경우에만)`,
  recPlacementWhy: (p) =>
    `${p.workload} (${p.source})는 외부에 노출된 서비스이며 ${p.group}(${p.nodes})에는 배치되지 않습니다. 그 Node로 옮기려면 Toleration과 Node 지정이 모두 필요합니다.`,
  recTolerationOnly: (p) =>
    `Toleration만으로는 부족합니다: Toleration만 추가해 재실행하면 배치 가능한 Node는 ${p.nodes}입니다. 즉 Pod가 여전히 ${p.others}에 배치될 수 있습니다. Toleration은 Taint가 있는 Node를 허용할 뿐, 그 Node로 끌어당기지 않습니다.`,
  recChange: "변경 내용 (Toleration과 nodeSelector):",
  recPatch: (p) => `${p.kind} 패치: \`${p.command}\``,
  recHelm: "Helm으로 적용 (다음 upgrade에도 유지):",
  recVerifiedPlacement: (p) => `**검증됨**: 변경을 적용해 재실행한 결과, 배치 가능한 Node는 ${p.nodes}뿐입니다.`,
  recNotVerified: (p) => `**검증 안 됨**: ${p.why}`,
  recOtherRejections: (p) => `다른 이유로 여전히 거부됨: ${p.list}`,
  recPolicyTitle: (p) => `namespace ${p.namespace}에 Egress NetworkPolicy 추가`,
  recPolicyWhy: (p) =>
    `namespace ${p.namespace}는 외부에 노출된 서비스를 운영하지만 Pod의 외부 연결을 제한하는 NetworkPolicy가 없습니다. 아래 정책은 클러스터 내부의 모든 Pod(DNS 포함)와 VPC(${p.cidrs})만 허용합니다:`,
  colCheck: "재실행한 trace (정책 적용)",
  colExpected: "기대 결과",
  colResult: "결과",
  colHolds: "확인",
  expectDelivered: "전달 및 응답 복귀",
  expectDropped: "차단",
  checkHolds: "기대대로",
  checkFails: "기대와 다름",
  recVerifiedPolicy: "**검증됨**: 재실행한 모든 trace가 정책의 의도대로 동작합니다.",
  recNotVerifiedPolicy: "**검증 안 됨**: 재실행한 trace 중 정책의 의도와 다른 결과가 있습니다 (표 참고).",
  recInternetCaveat: (p) =>
    `적용하면 ${p.namespace}의 모든 Pod에서 외부 인터넷 통신이 차단됩니다. 외부에 접속해야 하는 대상(Git 서버, 외부 API 등)이 있다면 적용 전에 egress 규칙을 추가하세요.`,
  recNameLabel: (p) =>
    `클러스터 내부는 DNS만 허용하려면 kube-system을 \`kubernetes.io/metadata.name\` 레이블로 선택하세요 (API 서버가 모든 namespace에 자동으로 붙입니다). \`name: kube-system\` namespaceSelector는 이 클러스터의 어떤 namespace와도 일치하지 않습니다 — 그 셀렉터로 재실행하면 DNS가 차단됩니다 (${p.code}, ${p.at}).`,
};
