package resources

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
)

const claimsUS = `{"investorType":"qib","jurisdiction":"US","kycExpiry":"2030-01-01T00:00:00Z"}`

// A batch attestation is one Identity:AttestMany: the investors and their
// claims in the argument, the salted dossiers in the transient field
// "dossiers" (base64 each, in order), never in the arguments.
func TestAttestationBatchIsOneAttestMany(t *testing.T) {
	ts := newTestServer(t)
	body := `{"attestations":[` +
		`{"investor":"` + holderA + `","claims":` + claimsUS + `,"dossier":{"name":"Bob Fund"}},` +
		`{"investor":"` + holderB + `","claims":` + claimsUS + `,"dossier":{"name":"Anna Trust"},"salt":"` + strings.Repeat("5a", 16) + `"}]}`
	a := ts.do("POST", "/v1/investors/attestations/batch", roles.Compliance, body)
	if a.Status != http.StatusOK {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	c := ts.ledger.last(t, "Identity:AttestMany")
	if len(c.Tx.Args) != 1 {
		t.Fatalf("tx %+v", c.Tx)
	}
	var list []struct {
		Investor string
		Claims   struct{ Jurisdiction string }
	}
	if err := json.Unmarshal([]byte(c.Tx.Args[0]), &list); err != nil || len(list) != 2 || list[0].Investor != holderA || list[1].Investor != holderB ||
		list[1].Claims.Jurisdiction != "US" {
		t.Fatalf("argument %s (%v)", c.Tx.Args[0], err)
	}
	if strings.Contains(c.Tx.Args[0], "Bob Fund") || strings.Contains(c.Tx.Args[0], "dossier") {
		t.Fatalf("the dossiers leaked into the argument: %s", c.Tx.Args[0])
	}
	var dossiers [][]byte
	if err := json.Unmarshal(c.Tx.Transient["dossiers"], &dossiers); err != nil || len(dossiers) != 2 {
		t.Fatalf("transient dossiers %s (%v)", c.Tx.Transient["dossiers"], err)
	}
	for i, want := range []string{"Bob Fund", "Anna Trust"} {
		var stored struct {
			Dossier struct{ Name string }
			Salt    string
		}
		if err := json.Unmarshal(dossiers[i], &stored); err != nil || stored.Dossier.Name != want || len(stored.Salt) != 32 {
			t.Errorf("dossier %d: %s (%v)", i, dossiers[i], err)
		}
		if i == 1 && stored.Salt != strings.Repeat("5a", 16) {
			t.Errorf("the given salt was not kept: %s", stored.Salt)
		}
	}
}

func TestAttestationBatchRefusalsNameTheEntry(t *testing.T) {
	entry := func(investor, claims, dossier string) string {
		return `{"investor":"` + investor + `","claims":` + claims + `,"dossier":` + dossier + `}`
	}
	good := entry(holderA, claimsUS, `{"name":"Bob"}`)
	for _, tc := range []struct{ body, field string }{
		{`{"attestations":[]}`, "attestations"},
		{`{"attestations":[` + good + `,` + entry("Org3MSP/abc", claimsUS, `{}`) + `]}`, "attestations[1].investor"},
		{`{"attestations":[` + good + `,` + good + `]}`, "attestations[1].investor"},
		{`{"attestations":[` + good + `,` + entry(holderB, `{"investorType":"qib","kycExpiry":"2030-01-01T00:00:00Z"}`, `{}`) + `]}`, "attestations[1].claims.jurisdiction"},
		{`{"attestations":[` + entry(holderB, claimsUS, `"Bob"`) + `]}`, "attestations[0].dossier"},
	} {
		ts := newTestServer(t)
		a := ts.do("POST", "/v1/investors/attestations/batch", roles.Compliance, tc.body)
		p := a.problem(t)
		if a.Status != http.StatusBadRequest || p.Code != api.CodeBadInput || p.Field != tc.field || !strings.HasPrefix(p.Detail, tc.field) {
			t.Errorf("%s: %d %s, want 400 naming %s", tc.body, a.Status, a.Body, tc.field)
		}
		if len(ts.ledger.calls) != 0 {
			t.Errorf("a bad batch reached the ledger: %v", ts.ledger.calls)
		}
	}
	var many []string
	for range 501 {
		many = append(many, good)
	}
	ts := newTestServer(t)
	if p := ts.do("POST", "/v1/investors/attestations/batch", roles.Compliance, `{"attestations":[`+strings.Join(many, ",")+`]}`).problem(t); p.Field != "attestations" ||
		!strings.Contains(p.Detail, "501 attestations, want 1 to 500") {
		t.Errorf("501 entries: %+v", p)
	}
}
