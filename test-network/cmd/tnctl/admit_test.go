package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/collections"
	"github.com/tranchenet/tranchenet/network/consortium"
)

// TestAdmitAndAddOrgKeys: what network.sh add-org asks tnctl, on the test
// network's consortium file and on the file admit writes.
func TestAdmitAndAddOrgKeys(t *testing.T) {
	file := filepath.Join("..", "..", "..", "network", "consortium.yaml")
	before, err := consortium.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	admitted := filepath.Join(t.TempDir(), "consortium.yaml")
	if err := admitCmd(before, "Org4", admitted); err != nil {
		t.Fatal(err)
	}
	after, err := consortium.Load(admitted)
	if err != nil {
		t.Fatalf("the admitted consortium does not load: %v", err)
	}
	get := func(c *consortium.Consortium, key string) string {
		t.Helper()
		var out bytes.Buffer
		if err := getCmd(c, key, &out); err != nil {
			t.Fatalf("get %s: %v", key, err)
		}
		return strings.TrimSpace(out.String())
	}
	for _, tc := range []struct {
		c         *consortium.Consortium
		key, want string
	}{
		{before, "candidates", "Org4"},
		{before, "msp:Org4", "Org4MSP"},
		{before, "quorum", "Org1MSP Org2MSP"},
		{after, "orgs", "Org1MSP Org2MSP Org3MSP Org4MSP"},
		{after, "candidates", ""},
		{after, "quorum:Org4MSP", "Org1MSP Org4MSP Org2MSP"},
		{after, "ccport:Org4MSP", "9299"},
	} {
		if got := get(tc.c, tc.key); got != tc.want {
			t.Errorf("get %s = %q, want %q", tc.key, got, tc.want)
		}
	}
	var cs []collections.Collection
	if err := json.Unmarshal([]byte(get(after, "collections")), &cs); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, c := range cs {
		names[c.Name] = true
	}
	if !names["registryOrg4MSP"] || len(cs) != 2+4 {
		t.Errorf("collections after admit: %v", names)
	}
	if err := admitCmd(after, "Org4", admitted); err == nil {
		t.Error("admitting a member again was accepted")
	}
}
