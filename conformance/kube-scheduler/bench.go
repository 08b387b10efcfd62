package main

import (
	"context"
	"encoding/json"
	"os"
	"sort"
	"syscall"
	"time"

	v1 "k8s.io/api/core/v1"
	internalcache "k8s.io/kubernetes/pkg/scheduler/backend/cache"
	"k8s.io/kubernetes/pkg/scheduler/framework"
)

// runBench schedules the candidates one after another as schedule_one.go does for one pod
// (RunPreFilterPlugins, RunFilterPlugins on every node — no percentageOfNodesToScore cut-off —,
// RunPreScorePlugins, RunScorePlugins, the highest total wins, ties to the first node by name),
// then assumes the pod on its node (NodeInfo.AddPod on the snapshot, close to the cache's
// AssumePod followed by UpdateSnapshot, except that the snapshot's lists of nodes with pods with
// (anti-)affinity are not refreshed), and prints how long it took.
func runBench(ctx context.Context, fw framework.Framework, lister *swappableLister, bound []*v1.Pod, nodes []*v1.Node, candidates []v1.Pod, rounds int) {
	type result struct {
		Nodes, BoundPods, Candidates, Rounds int
		Scheduled, Unschedulable             int
		BestMs                               float64
		PodsPerSecond                        float64
		RoundsMs                             []float64
		// CPU time of the process (every thread: the GC's too) over each round: on a shared
		// machine, closer to the work done than the wall clock
		RoundsCPUMs      []float64
		PodsPerCPUSecond float64
	}
	res := result{Nodes: len(nodes), BoundPods: len(bound), Candidates: len(candidates), Rounds: rounds}
	for r := 0; r < rounds; r++ {
		snap := internalcache.NewSnapshot(bound, nodes)
		lister.set(snap)
		scheduled, unschedulable := 0, 0
		cpu0 := cpuMs()
		start := time.Now()
		for i := range candidates {
			pod := candidates[i].DeepCopy()
			state := framework.NewCycleState()
			preRes, status, _ := fw.RunPreFilterPlugins(ctx, state, pod)
			if !status.IsSuccess() {
				unschedulable++
				continue
			}
			infos, _ := snap.NodeInfos().List()
			feasible := infos[:0:0]
			for _, ni := range infos {
				if !preRes.AllNodes() && !preRes.NodeNames.Has(ni.Node().Name) {
					continue
				}
				if fw.RunFilterPlugins(ctx, state, pod, ni).IsSuccess() {
					feasible = append(feasible, ni)
				}
			}
			if len(feasible) == 0 {
				unschedulable++
				continue
			}
			best := feasible[0]
			if len(feasible) > 1 {
				if s := fw.RunPreScorePlugins(ctx, state, pod, feasible); !s.IsSuccess() && !s.IsSkip() {
					fail("PreScore: %v", s.AsError())
				}
				scores, s := fw.RunScorePlugins(ctx, state, pod, feasible)
				if !s.IsSuccess() {
					fail("Score: %v", s.AsError())
				}
				sort.SliceStable(scores, func(a, b int) bool { return scores[a].TotalScore > scores[b].TotalScore })
				name := scores[0].Name
				for _, ni := range feasible {
					if ni.Node().Name == name {
						best = ni
					}
				}
			}
			pod.Spec.NodeName = best.Node().Name
			best.(*framework.NodeInfo).AddPod(pod)
			scheduled++
		}
		ms := float64(time.Since(start).Microseconds()) / 1000
		cpu := cpuMs() - cpu0
		res.RoundsMs = append(res.RoundsMs, ms)
		res.RoundsCPUMs = append(res.RoundsCPUMs, cpu)
		if res.PodsPerCPUSecond == 0 || float64(len(candidates))/(cpu/1000) > res.PodsPerCPUSecond {
			res.PodsPerCPUSecond = float64(len(candidates)) / (cpu / 1000)
		}
		if r == 0 || ms < res.BestMs {
			res.BestMs = ms
		}
		res.Scheduled, res.Unschedulable = scheduled, unschedulable
	}
	if res.BestMs > 0 {
		res.PodsPerSecond = float64(len(candidates)) / (res.BestMs / 1000)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	_ = enc.Encode(res)
}

// cpuMs is the process's user + system CPU time (getrusage RUSAGE_SELF), in milliseconds.
func cpuMs() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}
