// Command netpol-analyzer-bench runs np-guard netpol-analyzer's connlist (the library behind
// `k8snetpolicy list --dirpath DIR`) on DIR, writes its txt output to OUT, and prints its wall
// time in seconds and its peak RSS in kB (getrusage maxrss) on stdout, for podpath's
// `npm run bench` (bench/connlist.ts).
package main

import (
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/np-guard/netpol-analyzer/pkg/netpol/connlist"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: netpol-analyzer-bench DIR OUT")
		os.Exit(2)
	}
	start := time.Now()
	analyzer := connlist.NewConnlistAnalyzer(connlist.WithOutputFormat("txt"), connlist.WithMuteErrsAndWarns())
	conns, _, err := analyzer.ConnlistFromDirPath(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := analyzer.ConnectionsListToString(conns)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	seconds := time.Since(start).Seconds()
	if err := os.WriteFile(os.Args[2], []byte(out+"\n"), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var usage syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &usage)
	fmt.Printf("%.3f %d\n", seconds, usage.Maxrss)
}
