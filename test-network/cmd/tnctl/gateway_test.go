package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/network/consortium"
)

func TestGatewayConfigCommand(t *testing.T) {
	consortiumFile := filepath.Join("..", "..", "..", "network", "consortium.yaml")
	c, err := consortium.Load(consortiumFile)
	if err != nil {
		t.Fatal(err)
	}
	run0 := t.TempDir()
	org := c.Orgs[1]
	run := consortium.RunFolder(run0)
	base := run.Org(org.MSPID)
	os.MkdirAll(run.PeerTLS(org, org.Peers[0]), 0o755)
	os.WriteFile(filepath.Join(run.PeerTLS(org, org.Peers[0]), "ca.crt"), []byte("ca"), 0o644)
	os.MkdirAll(filepath.Join(base, "msp", "tlscacerts"), 0o755)
	os.WriteFile(filepath.Join(base, "msp", "tlscacerts", "ca.pem"), []byte("ca"), 0o644)
	for i := -1; i <= org.Users; i++ {
		user := "Admin"
		switch {
		case i < 0:
			user = "Registrar"
		case i > 0:
			user = fmt.Sprintf("User%d", i)
		}
		msp := run.UserMSP(org, user)
		os.MkdirAll(filepath.Join(msp, "signcerts"), 0o755)
		os.MkdirAll(filepath.Join(msp, "keystore"), 0o700)
		os.WriteFile(filepath.Join(msp, "signcerts", "cert.pem"), []byte("cert"), 0o644)
	}

	out := filepath.Join(t.TempDir(), "org2.yaml")
	var stdout bytes.Buffer
	if err := gatewayConfigCmd(c, run0, org.MSPID, out, &stdout); err != nil {
		t.Fatal(err)
	}
	var printed gatewayConfigResult
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
