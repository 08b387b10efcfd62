package main

// A pod that sets spec.nodeName never reaches kube-scheduler: the node's kubelet admits it or
// rejects it (status.phase Failed, status.reason and message = the first failure). This runs the
// kubelet's own admission of kubernetes v1.34.4: pkg/kubelet/lifecycle/predicate.go
// predicateAdmitHandler.Admit (the OS checks, removeMissingExtendedResources, then generalFilter:
// the scheduler's AdmissionCheck — NodeResourcesFit, NodeName, NodeAffinity, NodePorts, every
// failure — and untolerated NoExecute taints only), with the other pods bound to the node as
// OtherPods and no device plugins (pluginResourceUpdateFunc does nothing). The admission failure
// handler is the stub's (no critical-pod preemption) that also records every failure
// generalFilter found: Admit reports only the first, podpath lists them all.

import (
	"context"
	"fmt"

	v1 "k8s.io/api/core/v1"
	"k8s.io/kubernetes/pkg/kubelet/lifecycle"
	"k8s.io/kubernetes/pkg/scheduler/framework"
)

type kubeletReason struct {
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

type kubeletVerdict struct {
	Node    string `json:"node"`
	Admit   bool   `json:"admit"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
	// every failure generalFilter found, in its order, each as Admit words the first
	Reasons []kubeletReason `json:"reasons"`
}

// recordingFailureHandler is lifecycle.AdmissionFailureHandlerStub, keeping the failures.
type recordingFailureHandler struct {
	reasons []lifecycle.PredicateFailureReason
}

func (h *recordingFailureHandler) HandleAdmissionFailure(_ context.Context, _ *v1.Pod, reasons []lifecycle.PredicateFailureReason) ([]lifecycle.PredicateFailureReason, error) {
	h.reasons = reasons
	return reasons, nil
}

// words is Admit's switch (predicate.go): a failure as the pod's status.reason and message.
func words(r lifecycle.PredicateFailureReason) kubeletReason {
	switch re := r.(type) {
	case *lifecycle.PredicateFailureError:
		return kubeletReason{re.PredicateName, re.Error()}
	case *lifecycle.InsufficientResourceError:
		reason := fmt.Sprintf("%s%s", lifecycle.InsufficientResourcePrefix, re.ResourceName)
		switch re.ResourceName {
		case v1.ResourceCPU:
			reason = lifecycle.OutOfCPU
		case v1.ResourceMemory:
			reason = lifecycle.OutOfMemory
		case v1.ResourceEphemeralStorage:
			reason = lifecycle.OutOfEphemeralStorage
		case v1.ResourcePods:
			reason = lifecycle.OutOfPods
		}
		return kubeletReason{reason, re.Error()}
	}
	return kubeletReason{"UnexpectedPredicateFailureType", fmt.Sprint(r)}
}

func kubeletAdmit(pod *v1.Pod, node *v1.Node, bound []*v1.Pod) *kubeletVerdict {
	var others []*v1.Pod
	for _, p := range bound {
		if p.Spec.NodeName == node.Name && !(p.Namespace == pod.Namespace && p.Name == pod.Name) {
			others = append(others, p)
		}
	}
	failures := &recordingFailureHandler{}
	h := lifecycle.NewPredicateAdmitHandler(
		func() (*v1.Node, error) { return node, nil },
		failures,
		func(*framework.NodeInfo, *lifecycle.PodAdmitAttributes) error { return nil },
	)
	r := h.Admit(&lifecycle.PodAdmitAttributes{Pod: pod, OtherPods: others})
	v := &kubeletVerdict{Node: node.Name, Admit: r.Admit, Reason: r.Reason, Message: r.Message, Reasons: []kubeletReason{}}
	for _, f := range failures.reasons {
		v.Reasons = append(v.Reasons, words(f))
	}
	if !r.Admit && len(v.Reasons) == 0 {
		// refused before generalFilter (the OS checks): that one reason
		v.Reasons = append(v.Reasons, kubeletReason{r.Reason, r.Message})
	}
	return v
}
