module podpath.local/bench/netpol-analyzer

go 1.24

require github.com/np-guard/netpol-analyzer v1.4.3
