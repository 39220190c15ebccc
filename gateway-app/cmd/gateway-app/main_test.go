package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/gateway-app/internal/config"
	"github.com/tranchenet/tranchenet/network/consortium"
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

func TestTestnetConfigCommand(t *testing.T) {
	consortiumFile := filepath.Join("..", "..", "..", "network", "consortium.yaml")
	c, err := consortium.Load(consortiumFile)
	if err != nil {
		t.Fatal(err)
	}
	run0 := t.TempDir()
	org := c.Orgs[1]
	base := filepath.Join(run0, "crypto", "peerOrganizations", org.Domain)
	os.MkdirAll(filepath.Join(base, "peers", org.PeerHost(org.Peers[0]), "tls"), 0o755)
	os.WriteFile(filepath.Join(base, "peers", org.PeerHost(org.Peers[0]), "tls", "ca.crt"), []byte("ca"), 0o644)
	for i := 0; i <= org.Users; i++ {
		user := "Admin"
		if i > 0 {
			user = fmt.Sprintf("User%d", i)
		}
		msp := filepath.Join(base, "users", user+"@"+org.Domain, "msp")
		os.MkdirAll(filepath.Join(msp, "signcerts"), 0o755)
		os.MkdirAll(filepath.Join(msp, "keystore"), 0o700)
		os.WriteFile(filepath.Join(msp, "signcerts", "cert.pem"), []byte("cert"), 0o644)
	}

	out := filepath.Join(t.TempDir(), "org2.yaml")
	var stdout, stderr bytes.Buffer
	if err := run([]string{"testnet-config", "-run", run0, "-org", org.MSPID, "-out", out, "-consortium", consortiumFile}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	var printed struct {
		Config string               `json:"config"`
		Listen string               `json:"listen"`
		Tokens []config.IssuedToken `json:"tokens"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &printed); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if printed.Config != out || printed.Listen != cfg.Listen || len(printed.Tokens) != len(cfg.Users) {
		t.Fatalf("printed %+v for config with %d users", printed, len(cfg.Users))
	}
	for i, tok := range printed.Tokens {
		if config.HashToken(tok.Token) != cfg.Users[i].TokenSHA256 {
			t.Errorf("token of %s does not match the stored hash", tok.User)
		}
	}
}
