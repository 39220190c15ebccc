package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeTokens writes the tokens.json of msp's gateway app under run.
func writeTokens(t *testing.T, run, msp, listen string, users map[string][]string) {
	t.Helper()
	tf := tokenFile{Listen: listen}
	for _, name := range slices.Sorted(maps.Keys(users)) {
		tf.Tokens = append(tf.Tokens, apiToken{User: name, Roles: users[name], Identity: "User1", Token: "tng_" + msp + "_" + name})
	}
	b, err := json.Marshal(tf)
	if err != nil {
		t.Fatal(err)
	}
	path := tokensFile(run, msp)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A consortium whose banks are named nothing like the test network's, in
// an order that is not trustee, servicer, investor.
func consortiumFixture(t *testing.T) string {
	run := t.TempDir()
	writeTokens(t, run, "ZetaBankMSP", "127.0.0.1:9301", map[string][]string{
		"admin": {"admin"}, "compliance": {"compliance"}, "investor1": {"investor"}, "investor2": {"investor"}, "investor3": {"investor"},
	})
	writeTokens(t, run, "AlphaTrustMSP", "127.0.0.1:9302", map[string][]string{
		"admin": {"admin"}, "arranger": {"arranger"}, "trustee": {"trustee"}, "settlement": {"settlement"}, "compliance": {"compliance"},
	})
	writeTokens(t, run, "MidServicingMSP", "127.0.0.1:9303", map[string][]string{
		"admin": {"admin"}, "servicer": {"servicer"}, "compliance": {"compliance"}, "investor1": {"investor"}, "investor2": {"investor"},
	})
	return run
}

func TestBanksAreFoundByTheRolesOfTheirUsers(t *testing.T) {
	run := consortiumFixture(t)
	banks, err := loadBanks(run)
	if err != nil {
		t.Fatal(err)
	}
	if len(banks) != 3 || banks[0].MSP != "AlphaTrustMSP" || banks[0].URL != "http://127.0.0.1:9302" {
		t.Fatalf("banks %+v", banks)
	}
	if want := filepath.Join(run, "logs", "gateway-AlphaTrustMSP.log"); banks[0].Log != want {
		t.Errorf("log %q, want %q", banks[0].Log, want)
	}
	parts, err := assignParts(banks)
	if err != nil {
		t.Fatal(err)
	}
	if parts.trustee.MSP != "AlphaTrustMSP" || parts.servicer.MSP != "MidServicingMSP" || parts.investor.MSP != "ZetaBankMSP" {
		t.Fatalf("trustee %s, servicer %s, investor %s", parts.trustee.MSP, parts.servicer.MSP, parts.investor.MSP)
	}
	u, ok := parts.trustee.userWith("settlement")
	if !ok || u.Token != "tng_AlphaTrustMSP_settlement" {
		t.Errorf("settlement user %+v", u)
	}
	if n := len(parts.investor.usersWith("investor")); n != 3 {
		t.Errorf("%d investors", n)
	}
}

func TestAMissingPartIsNamed(t *testing.T) {
	run := consortiumFixture(t)
	if err := os.RemoveAll(tokensFile(run, "ZetaBankMSP")); err != nil {
		t.Fatal(err)
	}
	banks, err := loadBanks(run)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := assignParts(banks); err == nil || !strings.Contains(err.Error(), "investor bank") {
		t.Fatalf("err = %v", err)
	}
}

func TestTokenFilesAreCheckedAndTheirAbsenceExplained(t *testing.T) {
	run := t.TempDir()
	if _, err := loadBanks(run); err == nil || !strings.Contains(err.Error(), "network.sh gateways") {
		t.Fatalf("no files: %v", err)
	}
	writeTokens(t, run, "Org1MSP", "127.0.0.1:8081", map[string][]string{"admin": {"admin"}, "broken": {}})
	_, err := loadBanks(run)
	if err == nil || !strings.Contains(err.Error(), "tokens[1]") || !strings.Contains(err.Error(), "Org1MSP") {
		t.Fatalf("a user without roles: %v", err)
	}
	writeTokens(t, run, "Org1MSP", "", map[string][]string{"admin": {"admin"}})
	if _, err := loadBanks(run); err == nil || !strings.Contains(err.Error(), "listen") {
		t.Fatalf("no listen address: %v", err)
	}
}
