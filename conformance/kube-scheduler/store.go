package main

// How the API server stores a pod it is asked to create, with kubernetes' own code (v1.34.4):
//
//  1. decode: the core/v1 defaults (pkg/apis/core/v1/defaults.go SetDefaults_Pod and friends:
//     requests from limits, hostPort from containerPort under hostNetwork, pod-level requests
//     from pod-level limits, ...) — legacyscheme.Scheme.Default;
//  2. the mutating admission plugins a kube-apiserver enables by default, in the order of
//     pkg/kubeapiserver/options/plugins.go AllOrderedPlugins: LimitRanger, Priority,
//     DefaultTolerationSeconds, RuntimeClass (plugin/pkg/admission/{limitranger,priority,
//     defaulttolerationseconds,runtimeclass}), each with listers over the generated LimitRanges,
//     PriorityClasses and RuntimeClasses; then their validating halves (a pod they refuse is an
//     error: the generator must write only pods the API server accepts);
//  3. the pod registry's PrepareForCreate (pkg/registry/core/pod/strategy.go: matchLabelKeys and
//     mismatchLabelKeys of pod (anti-)affinity merged into the labelSelector, KEP-3633, and
//     those of spread constraints, KEP-3243's selector merge).
//
// Mutating webhooks (Istio's, Linkerd's sidecar injectors) are not kubernetes code and are not run.

import (
	"context"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	core "k8s.io/kubernetes/pkg/apis/core"
	podregistry "k8s.io/kubernetes/pkg/registry/core/pod"
	dts "k8s.io/kubernetes/plugin/pkg/admission/defaulttolerationseconds"
	"k8s.io/kubernetes/plugin/pkg/admission/limitranger"
	"k8s.io/kubernetes/plugin/pkg/admission/priority"
	"k8s.io/kubernetes/plugin/pkg/admission/runtimeclass"
)

type namedPlugin struct {
	name string
	p    admission.Interface
}

// apiServer is the create path of pods: the admission chain over the cluster's objects.
type apiServer struct {
	chain []namedPlugin
}

func newAPIServer(client kubernetes.Interface, factory informers.SharedInformerFactory) *apiServer {
	lr, err := limitranger.NewLimitRanger(&limitranger.DefaultLimitRangerActions{})
	if err != nil {
		fail("LimitRanger: %v", err)
	}
	lr.SetExternalKubeClientSet(client)
	lr.SetExternalKubeInformerFactory(factory)
	pr := priority.NewPlugin()
	pr.SetExternalKubeClientSet(client)
	pr.SetExternalKubeInformerFactory(factory)
	tol := dts.NewDefaultTolerationSeconds()
	tol.InspectFeatureGates(nil)
	rc := runtimeclass.NewRuntimeClass()
	rc.SetExternalKubeClientSet(client)
	rc.SetExternalKubeInformerFactory(factory)
	chain := []namedPlugin{{"LimitRanger", lr}, {"Priority", pr}, {"DefaultTolerationSeconds", tol}, {"RuntimeClass", rc}}
	for _, c := range chain {
		if v, ok := c.p.(admission.InitializationValidator); ok {
			if err := v.ValidateInitialization(); err != nil {
				fail("%s: %v", c.name, err)
			}
		}
	}
	return &apiServer{chain: chain}
}

// create returns the pod as the API server stores it on create. Metadata (uid, deletionTimestamp)
// and status given in the input are kept: they stand for what happened after the create.
func (s *apiServer) create(pod *v1.Pod) {
	legacyscheme.Scheme.Default(pod)
	internal := &core.Pod{}
	if err := legacyscheme.Scheme.Convert(pod, internal, nil); err != nil {
		fail("pod %s/%s: %v", pod.Namespace, pod.Name, err)
	}
	ctx := context.Background()
	attrs := func() admission.Attributes {
		return admission.NewAttributesRecord(internal, nil, core.Kind("Pod").WithVersion("v1"), pod.Namespace, pod.Name,
			core.Resource("pods").WithVersion("v1"), "", admission.Create, &metav1.CreateOptions{}, false, nil)
	}
	for _, c := range s.chain {
		if m, ok := c.p.(admission.MutationInterface); ok && m.Handles(admission.Create) {
			if err := m.Admit(ctx, attrs(), nil); err != nil {
				fail("pod %s/%s: %s admission refuses it: %v", pod.Namespace, pod.Name, c.name, err)
			}
		}
	}
	status := internal.Status
	podregistry.Strategy.PrepareForCreate(ctx, internal)
	if errs := podregistry.Strategy.Validate(ctx, internal); len(errs) > 0 {
		fail("pod %s/%s: the API server refuses it: %v", pod.Namespace, pod.Name, errs.ToAggregate())
	}
	internal.Status = status
	for _, c := range s.chain {
		if v, ok := c.p.(admission.ValidationInterface); ok && v.Handles(admission.Create) {
			if err := v.Validate(ctx, attrs(), nil); err != nil {
				fail("pod %s/%s: %s admission refuses it: %v", pod.Namespace, pod.Name, c.name, err)
			}
		}
	}
	out := &v1.Pod{}
	if err := legacyscheme.Scheme.Convert(internal, out, nil); err != nil {
		fail("pod %s/%s: %v", pod.Namespace, pod.Name, err)
	}
	// as kubectl prints a stored pod (the conversion leaves the type empty)
	out.APIVersion, out.Kind = "v1", "Pod"
	*pod = *out
}
