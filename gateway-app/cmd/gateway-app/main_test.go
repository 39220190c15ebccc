package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/gateway-app/config"
)

func TestTokenCommand(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"token"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	var v struct{ Token, TokenSHA256 string }
	if err := json.Unmarshal(out.Bytes(), &v); err != nil || config.HashToken(v.Token) != v.TokenSHA256 || !strings.HasPrefix(v.Token, config.TokenPrefix) {
		t.Fatalf("%s %v", out.String(), err)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{nil, {"fly"}, {"serve"}, {"testnet-config", "-org", "Org1MSP"}, {"serve", "-nope"}} {
		var out bytes.Buffer
		if err := run(args, &out, &out); !errors.Is(err, errUsage) {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
	var out bytes.Buffer
	run([]string{"help"}, &out, &out)
	if !strings.Contains(out.String(), "TRANCHENET_GATEWAY_PEER_ENDPOINT") {
		t.Error("help does not list the environment overrides")
	}
}
