package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
)

// servePprof serves Go's profiles on address when it is set, and only on
// a loopback address: a profile shows the code's hot paths and a heap
// profile can hold ledger data, so it is for the operator on the host.
func servePprof(address string) error {
	if address == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("CHAINCODE_PPROF_ADDRESS %q: %w", address, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("CHAINCODE_PPROF_ADDRESS %q: profiles are served on a loopback address only", address)
	}
	l, err := net.Listen("tcp", address)
	if err != nil {
		return fmt.Errorf("CHAINCODE_PPROF_ADDRESS: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	log.Printf("tranchenet-cc: profiles on http://%s/debug/pprof/", address)
	go func() { log.Printf("tranchenet-cc: pprof server stopped: %v", http.Serve(l, mux)) }()
	return nil
}
