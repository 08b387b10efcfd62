// Command kube-scheduler-verdicts runs kube-scheduler's own framework (k8s.io/kubernetes, the
// in-tree registry, the default profile of KubeSchedulerConfiguration v1) over a cluster given as
// JSON on stdin and prints, for each candidate pod and each node, whether the node is feasible
// and which Filter plugins reject it, with the plugins' own status reasons.
//
// Input (stdin): {"nodes": [v1.Node], "pods": [v1.Pod bound with spec.nodeName],
// "namespaces": [v1.Namespace], "candidates": [v1.Pod]} in Kubernetes JSON, as kubectl prints it.
// A candidate is evaluated against a snapshot of every bound pod except itself (same namespace and
// name), so a candidate that sets spec.nodeName may also be listed among the bound pods.
//
// What it follows (k8s.io/kubernetes v1.34):
//   - pkg/scheduler/scheduler.go New: frameworkplugins.NewInTreeRegistry, the profiles of the
//     defaulted configuration (pkg/scheduler/apis/config/latest.Default, v1 defaults:
//     pkg/scheduler/apis/config/v1/default_plugins.go), frameworkruntime.NewFramework with an
//     informer factory and the snapshot as SharedLister;
//   - pkg/scheduler/schedule_one.go findNodesThatFitPod: RunPreFilterPlugins once per pod; a
//     rejection there applies to every node; a PreFilterResult node subset rejects the other nodes
//     as UnschedulableAndUnresolvable "node(s) didn't satisfy plugin(s) [...]"; the Skip statuses
//     of PreFilter skip the coupled Filter (CycleState.SkipFilterPlugins);
//   - pkg/scheduler/framework/runtime/framework.go RunFilterPlugins: the first rejecting plugin
//     (what the scheduler records). Every rejecting plugin is also listed ("plugins"), each Filter
//     called on its own with the same CycleState, because podpath reports every rejection.
//
// Every pod of the input (bound, candidate, a DaemonSet's) is created as the API server creates it
// (store.go: core/v1 defaults, the default mutating admission plugins LimitRanger, Priority,
// DefaultTolerationSeconds and RuntimeClass over the input's LimitRanges, PriorityClasses and
// RuntimeClasses, the pod registry's PrepareForCreate), unless -defaults=false; the stored pods
// are printed ("stored") for the snapshot podpath reads, so both sides see the same objects.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/klog/v2"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	_ "k8s.io/kubernetes/pkg/apis/apps/install"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	"k8s.io/kubernetes/pkg/controller/daemon"
	daemonutil "k8s.io/kubernetes/pkg/controller/daemon/util"
	"k8s.io/kubernetes/pkg/scheduler/apis/config"
	"k8s.io/kubernetes/pkg/scheduler/apis/config/latest"
	internalcache "k8s.io/kubernetes/pkg/scheduler/backend/cache"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	frameworkplugins "k8s.io/kubernetes/pkg/scheduler/framework/plugins"
	frameworkruntime "k8s.io/kubernetes/pkg/scheduler/framework/runtime"
	"k8s.io/kubernetes/pkg/scheduler/metrics"
)

type input struct {
	Nodes      []v1.Node      `json:"nodes"`
	Pods       []v1.Pod       `json:"pods"`
	Namespaces []v1.Namespace `json:"namespaces"`
	Candidates []v1.Pod       `json:"candidates"`
	// DaemonSets: a daemon pod per node the controller targets (NodeShouldRunDaemonPod), built
	// as the controller builds it (CreatePodTemplate, ReplaceDaemonSetPodNodeNameNodeAffinity)
	DaemonSets []appsv1.DaemonSet `json:"daemonSets"`
	// what the admission plugins read (store.go)
	LimitRanges     []v1.LimitRange              `json:"limitRanges"`
	PriorityClasses []schedulingv1.PriorityClass `json:"priorityClasses"`
	RuntimeClasses  []nodev1.RuntimeClass        `json:"runtimeClasses"`
}

// stored: the input's pods as the API server stores them (store.go), for the snapshot podpath reads
type stored struct {
	Pods       []v1.Pod `json:"pods"`
	Candidates []v1.Pod `json:"candidates"`
}

type daemonSetVerdict struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// per node: whether the controller makes a pod for it, and whether a pod there keeps running
	Targeting []daemonTargeting `json:"targeting"`
	// the daemon pod of each targeted node, on that node
	Nodes []nodeVerdict `json:"nodes"`
}

type daemonTargeting struct {
	Node            string `json:"node"`
	ShouldRun       bool   `json:"shouldRun"`
	ContinueRunning bool   `json:"continueRunning"`
}

type pluginStatus struct {
	Plugin  string   `json:"plugin"`
	Code    string   `json:"code"`
	Reasons []string `json:"reasons"`
}

type nodeVerdict struct {
	Node     string `json:"node"`
	Feasible bool   `json:"feasible"`
	// the plugin RunFilterPlugins (or PreFilter) stops at: what the scheduler records for the node
	First *pluginStatus `json:"first"`
	// every rejecting plugin, in the profile's Filter order
	Plugins []pluginStatus `json:"plugins"`
	// left out by a PreFilterResult (matchFields metadata.name, ...): never given to Filter
	ExcludedByPreFilter bool `json:"excludedByPreFilter"`
}

type candidateVerdict struct {
	Namespace     string        `json:"namespace"`
	Name          string        `json:"name"`
	PreFilter     *pluginStatus `json:"preFilter"`
	PreFilterSkip []string      `json:"preFilterSkip"`
	FeasibleNodes []string      `json:"feasibleNodes"`
	Nodes         []nodeVerdict `json:"nodes"`
	// a pod not yet created that sets spec.nodeName: its node's kubelet admits it, the scheduler
	// never sees it (kubelet.go); null otherwise
	Kubelet *kubeletVerdict `json:"kubelet"`
}

type output struct {
	KubernetesVersion string             `json:"kubernetesVersion"`
	Profile           string             `json:"profile"`
	FilterPlugins     []string           `json:"filterPlugins"`
	PreFilterPlugins  []string           `json:"preFilterPlugins"`
	Candidates        []candidateVerdict `json:"candidates"`
	DaemonSets        []daemonSetVerdict `json:"daemonSets"`
	Stored            stored             `json:"stored"`
	ElapsedMs         float64            `json:"elapsedMs"`
}

// swappableLister is the framework's SharedLister whose snapshot changes per candidate (each
// candidate is evaluated without itself among the bound pods).
type swappableLister struct {
	mu   sync.RWMutex
	snap *internalcache.Snapshot
}

func (s *swappableLister) current() *internalcache.Snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.snap
}
func (s *swappableLister) set(snap *internalcache.Snapshot) {
	s.mu.Lock()
	s.snap = snap
	s.mu.Unlock()
}
func (s *swappableLister) NodeInfos() framework.NodeInfoLister {
	return s.current().NodeInfos()
}
func (s *swappableLister) StorageInfos() framework.StorageInfoLister {
	return s.current().StorageInfos()
}

const kubernetesVersion = "v1.34.4"

func main() {
	applyDefaults := flag.Bool("defaults", true, "create pods as the API server does: core/v1 defaults, the default admission plugins, PrepareForCreate (store.go)")
	bench := flag.Int("bench", 0, "instead of verdicts: schedule the candidates one by one (PreFilter, Filter, Score, pick, assume), this many times, and print timings")
	flag.Parse()
	klog.SetOutput(io.Discard)
	klog.LogToStderr(false)

	var in input
	dec := json.NewDecoder(os.Stdin)
	if err := dec.Decode(&in); err != nil {
		fail("reading stdin: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	metrics.Register()

	cfg, err := latest.Default()
	if err != nil {
		fail("default configuration: %v", err)
	}
	profile := cfg.Profiles[0]

	client := fake.NewClientset()
	for i := range in.Namespaces {
		if _, err := client.CoreV1().Namespaces().Create(ctx, &in.Namespaces[i], metav1.CreateOptions{}); err != nil {
			fail("namespace %s: %v", in.Namespaces[i].Name, err)
		}
	}
	for i := range in.LimitRanges {
		lr := &in.LimitRanges[i]
		legacyscheme.Scheme.Default(lr)
		if _, err := client.CoreV1().LimitRanges(lr.Namespace).Create(ctx, lr, metav1.CreateOptions{}); err != nil {
			fail("limitrange %s: %v", lr.Name, err)
		}
	}
	for i := range in.PriorityClasses {
		if _, err := client.SchedulingV1().PriorityClasses().Create(ctx, &in.PriorityClasses[i], metav1.CreateOptions{}); err != nil {
			fail("priorityclass %s: %v", in.PriorityClasses[i].Name, err)
		}
	}
	for i := range in.RuntimeClasses {
		if _, err := client.NodeV1().RuntimeClasses().Create(ctx, &in.RuntimeClasses[i], metav1.CreateOptions{}); err != nil {
			fail("runtimeclass %s: %v", in.RuntimeClasses[i].Name, err)
		}
	}
	informerFactory := informers.NewSharedInformerFactory(client, 0)
	registry := frameworkplugins.NewInTreeRegistry()
	lister := &swappableLister{snap: internalcache.NewEmptySnapshot()}
	fw, err := frameworkruntime.NewFramework(ctx, registry, &profile,
		frameworkruntime.WithClientSet(client),
		frameworkruntime.WithInformerFactory(informerFactory),
		frameworkruntime.WithSnapshotSharedLister(lister),
		frameworkruntime.WithPodNominator(nil),
		frameworkruntime.WithParallelism(1),
	)
	if err != nil {
		fail("NewFramework: %v", err)
	}
	api := newAPIServer(client, informerFactory)
	informerFactory.Start(ctx.Done())
	informerFactory.WaitForCacheSync(ctx.Done())
	// the bench's pods (150,000 at the bench's size) are only defaulted: its objects are podpath's
	// bench cluster, not the generator's, and the admission is not what it times
	create := api.create
	if *bench > 0 {
		create = func(pod *v1.Pod) { legacyscheme.Scheme.Default(pod) }
	}
	if *applyDefaults {
		for i := range in.Pods {
			create(&in.Pods[i])
		}
		for i := range in.Candidates {
			create(&in.Candidates[i])
		}
		for i := range in.Nodes {
			legacyscheme.Scheme.Default(&in.Nodes[i])
		}
		for i := range in.DaemonSets {
			legacyscheme.Scheme.Default(&in.DaemonSets[i])
		}
	}

	// every Filter plugin of the profile, built again from the registry with the profile's
	// arguments, to call each on its own (the framework's RunFilterPlugins stops at the first)
	plugins := fw.ListPlugins()
	args := map[string]config.PluginConfig{}
	for _, pc := range profile.PluginConfig {
		args[pc.Name] = pc
	}
	var filters []filter
	var filterNames, preFilterNames []string
	for _, p := range plugins.Filter.Enabled {
		factory, ok := registry[p.Name]
		if !ok {
			fail("plugin %s not in the registry", p.Name)
		}
		pl, err := factory(ctx, args[p.Name].Args, fw)
		if err != nil {
			fail("plugin %s: %v", p.Name, err)
		}
		fp, ok := pl.(framework.FilterPlugin)
		if !ok {
			fail("plugin %s is not a FilterPlugin", p.Name)
		}
		filters = append(filters, filter{p.Name, fp})
		filterNames = append(filterNames, p.Name)
	}
	for _, p := range plugins.PreFilter.Enabled {
		preFilterNames = append(preFilterNames, p.Name)
	}

	known := sets.New[string]()
	for i := range in.Nodes {
		known.Insert(in.Nodes[i].Name)
	}
	bound := make([]*v1.Pod, 0, len(in.Pods))
	for i := range in.Pods {
		// a pod bound to a node the input lacks is left out (the scheduler cache keeps no NodeInfo without its Node)
		if known.Has(in.Pods[i].Spec.NodeName) {
			bound = append(bound, &in.Pods[i])
		}
	}
	nodes := make([]*v1.Node, 0, len(in.Nodes))
	for i := range in.Nodes {
		nodes = append(nodes, &in.Nodes[i])
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].Name < nodes[j].Name })

	if *bench > 0 {
		runBench(ctx, fw, lister, bound, nodes, in.Candidates, *bench)
		return
	}

	start := time.Now()
	out := output{KubernetesVersion: kubernetesVersion, Profile: profile.SchedulerName, FilterPlugins: filterNames, PreFilterPlugins: preFilterNames, Candidates: []candidateVerdict{},
		Stored: stored{Pods: in.Pods, Candidates: in.Candidates}}
	// the pods the kubelet admits (manifests that set spec.nodeName) are on their node before the
	// scheduler places anything: each admitted one is bound, in the input's order, so the next and
	// every other candidate see it (a refused pod is Failed and holds nothing)
	kubeletVerdicts := map[int]*kubeletVerdict{}
	nodeByName := map[string]*v1.Node{}
	for _, n := range nodes {
		nodeByName[n.Name] = n
	}
	for i := range in.Candidates {
		pod := &in.Candidates[i]
		if n := nodeByName[pod.Spec.NodeName]; n != nil && pod.UID == "" {
			kv := kubeletAdmit(pod, n, bound)
			kubeletVerdicts[i] = kv
			if kv.Admit {
				bound = append(bound, pod)
			}
		}
	}
	for i := range in.Candidates {
		pod := &in.Candidates[i]
		others := make([]*v1.Pod, 0, len(bound))
		for _, p := range bound {
			if p.Namespace == pod.Namespace && p.Name == pod.Name {
				continue
			}
			others = append(others, p)
		}
		lister.set(internalcache.NewSnapshot(others, nodes))
		cv := evaluate(ctx, fw, lister, filters, pod)
		cv.Kubelet = kubeletVerdicts[i]
		out.Candidates = append(out.Candidates, cv)
	}
	out.DaemonSets = []daemonSetVerdict{}
	for i := range in.DaemonSets {
		ds := &in.DaemonSets[i]
		dv := daemonSetVerdict{Namespace: ds.Namespace, Name: ds.Name, Targeting: []daemonTargeting{}, Nodes: []nodeVerdict{}}
		generation := int64(1)
		template := daemonutil.CreatePodTemplate(ds.Spec.Template, &generation, "conformance")
		for _, node := range nodes {
			shouldRun, continueRunning := daemon.NodeShouldRunDaemonPod(node, ds)
			dv.Targeting = append(dv.Targeting, daemonTargeting{Node: node.Name, ShouldRun: shouldRun, ContinueRunning: continueRunning})
			if !shouldRun {
				continue
			}
			// pkg/controller/daemon syncNodes: the template, its node affinity replaced by the node's
			// matchFields metadata.name; the API server defaults the pod it creates
			pod := &v1.Pod{ObjectMeta: *template.ObjectMeta.DeepCopy(), Spec: *template.Spec.DeepCopy()}
			pod.Namespace = ds.Namespace
			pod.Name = ds.Name + "-" + node.Name
			pod.Spec.Affinity = daemonutil.ReplaceDaemonSetPodNodeNameNodeAffinity(pod.Spec.Affinity, node.Name)
			if *applyDefaults {
				api.create(pod)
			}
			lister.set(internalcache.NewSnapshot(bound, nodes))
			cv := evaluate(ctx, fw, lister, filters, pod)
			for _, nv := range cv.Nodes {
				if nv.Node == node.Name {
					dv.Nodes = append(dv.Nodes, nv)
				}
			}
		}
		out.DaemonSets = append(out.DaemonSets, dv)
	}
	out.ElapsedMs = float64(time.Since(start).Microseconds()) / 1000
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fail("writing: %v", err)
	}
}

type filter struct {
	name string
	pl   framework.FilterPlugin
}

func evaluate(ctx context.Context, fw framework.Framework, lister *swappableLister, filters []filter, pod *v1.Pod) candidateVerdict {
	cv := candidateVerdict{Namespace: pod.Namespace, Name: pod.Name, FeasibleNodes: []string{}, PreFilterSkip: []string{}}
	state := framework.NewCycleState()
	preRes, status, pluginsWithNodes := fw.RunPreFilterPlugins(ctx, state, pod)
	skip := state.GetSkipFilterPlugins()
	for name := range skip {
		cv.PreFilterSkip = append(cv.PreFilterSkip, name)
	}
	sort.Strings(cv.PreFilterSkip)
	nodeInfos, err := lister.NodeInfos().List()
	if err != nil {
		fail("listing nodes: %v", err)
	}
	if !status.IsSuccess() {
		if !status.IsRejected() {
			fail("candidate %s/%s: PreFilter error: %v", pod.Namespace, pod.Name, status.AsError())
		}
		ps := toStatus(status, pluginsWithNodes)
		cv.PreFilter = &ps
		for _, ni := range nodeInfos {
			cv.Nodes = append(cv.Nodes, nodeVerdict{Node: ni.Node().Name, Feasible: false, First: &ps, Plugins: []pluginStatus{ps}})
		}
		return cv
	}
	for _, ni := range nodeInfos {
		name := ni.Node().Name
		nv := nodeVerdict{Node: name, Plugins: []pluginStatus{}}
		if !preRes.AllNodes() && !preRes.NodeNames.Has(name) {
			// findNodesThatFitPod: the node is not evaluated; its status names the plugins whose
			// PreFilterResult left it out
			names := sets.List(pluginsWithNodes)
			nv.First = &pluginStatus{Plugin: strings.Join(names, ","), Code: fwk.UnschedulableAndUnresolvable.String(),
				Reasons: []string{fmt.Sprintf("node(s) didn't satisfy plugin(s) %v", names)}}
			nv.ExcludedByPreFilter = true
		} else if first := fw.RunFilterPlugins(ctx, state, pod, ni); first.IsSuccess() {
			nv.Feasible = true
			cv.FeasibleNodes = append(cv.FeasibleNodes, name)
		} else {
			if !first.IsRejected() {
				fail("candidate %s/%s on %s: Filter error: %v", pod.Namespace, pod.Name, name, first.AsError())
			}
			ps := toStatus(first, nil)
			nv.First = &ps
		}
		// every Filter on its own, also on the nodes PreFilter left out (podpath reports every
		// rejection, the scheduler the first)
		for _, f := range filters {
			if skip.Has(f.name) {
				continue
			}
			s := f.pl.Filter(ctx, state, pod, ni)
			if s.IsSuccess() {
				continue
			}
			if !s.IsRejected() {
				fail("candidate %s/%s on %s: %s Filter error: %v", pod.Namespace, pod.Name, name, f.name, s.AsError())
			}
			ps := toStatus(s, nil)
			ps.Plugin = f.name
			nv.Plugins = append(nv.Plugins, ps)
		}
		if nv.ExcludedByPreFilter && len(nv.Plugins) == 0 {
			for _, n := range sets.List(pluginsWithNodes) {
				nv.Plugins = append(nv.Plugins, pluginStatus{Plugin: n, Code: nv.First.Code, Reasons: nv.First.Reasons})
			}
		}
		if !nv.ExcludedByPreFilter && nv.Feasible == (len(nv.Plugins) > 0) {
			fail("candidate %s/%s on %s: the framework and the plugins one by one disagree", pod.Namespace, pod.Name, name)
		}
		cv.Nodes = append(cv.Nodes, nv)
	}
	return cv
}

func toStatus(s *fwk.Status, pluginsWithNodes sets.Set[string]) pluginStatus {
	plugin := s.Plugin()
	if plugin == "" && len(pluginsWithNodes) > 0 {
		plugin = strings.Join(sets.List(pluginsWithNodes), ",")
	}
	reasons := s.Reasons()
	if reasons == nil {
		reasons = []string{}
	}
	return pluginStatus{Plugin: plugin, Code: s.Code().String(), Reasons: reasons}
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "kube-scheduler-verdicts: "+format+"\n", a...)
	os.Exit(2)
}
