package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestPprofOnLoopbackOnly(t *testing.T) {
	if err := servePprof(""); err != nil {
		t.Fatalf("unset: %v", err)
	}
	for _, bad := range []string{"0.0.0.0:6060", "10.1.2.3:6060", "localhost", "example.com:6060"} {
		if err := servePprof(bad); err == nil || !strings.Contains(err.Error(), "CHAINCODE_PPROF_ADDRESS") {
			t.Errorf("%s: got %v, want a refusal", bad, err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := l.Addr().String()
	l.Close()
	if err := servePprof(address); err != nil {
		t.Fatal(err)
	}
	res, err := http.Get("http://" + address + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine") {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
}
