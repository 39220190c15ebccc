package identity_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tranchenet/tranchenet/chaincode/contracts/identity"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

func claimsJSON(t testing.TB, c identity.ClaimsInput) string {
	t.Helper()
	b, err := canon.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func dossier(b string) stubtest.InvokeOption {
	return stubtest.Transient(map[string][]byte{identity.TransientDossier: []byte(b)})
}

func key(t testing.TB, objectType, id string) string {
	t.Helper()
	k, err := shim.CreateCompositeKey(objectType, []string{id})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestAttestKeepsTheDossierAtTheBank(t *testing.T) {
	w := contracttest.New(t)
	bob := w.Investor(w.Net.Investors, "bob")
	officer := w.Compliance[w.Net.Investors]
	doc := `{"name":"Bob Example Fund LP","lei":"5493001KJTIIGC8Y1R12","salt":"9f2c"}`
	r := w.CallWith(officer, "Identity:Attest", []string{w.Key(bob), claimsJSON(t, contracttest.Claims("US-CA"))}, dossier(doc))
	if !r.OK() {
		t.Fatal(r.Message)
	}
	if len(r.Peers) < 2 || r.Peers[0] != w.Net.Trustee {
		t.Errorf("attest ran on %v; own org and trustee endorse", r.Peers)
	}
	sum := sha256.Sum256([]byte(doc))
	want := hex.EncodeToString(sum[:])
	// Public: the hash only.
	var ref schema.DossierRef
	if err := canon.Unmarshal(w.Public()[key(t, schema.TypeDossier, w.Key(bob))], &ref); err != nil {
		t.Fatal(err)
	}
	if ref.SHA256 != want || ref.AttestedBy != w.Net.Investors || ref.AttestedAt == "" {
		t.Errorf("public dossier reference %+v", ref)
	}
	for k, v := range w.Public() {
		if strings.Contains(string(v), "Bob Example") || strings.Contains(k, "Bob Example") {
			t.Fatalf("dossier content in public state at %q", k)
		}
	}
	// The bank's implicit collection holds the bytes; the event only the hash.
	if got := w.Private(roles.ImplicitCollection(w.Net.Investors))[key(t, schema.TypeDossier, w.Key(bob))]; string(got) != doc {
		t.Errorf("implicit collection holds %q", got)
	}
	if data := string(r.Envelope().Events[0].Data); !strings.Contains(data, want) || strings.Contains(data, "US-CA") {
		t.Errorf("event %s", data)
	}
	// Claims are in the compliance collection, attested by the bank.
	v := contracttest.Decode[schema.ClaimsView](t, w.Must(w.Trustee, "Identity:GetClaims", w.Key(bob)))
	if v.Claims.Jurisdiction != "US-CA" || v.Claims.AttestedBy != w.Net.Investors || v.Dossier == nil || v.Dossier.SHA256 != want {
		t.Errorf("claims %+v", v)
	}
	// Only the bank's own identities read the dossier, on its own peer.
	d := contracttest.Decode[schema.DossierView](t, w.Must(officer, "Identity:GetDossier", w.Key(bob)))
	if raw, _ := base64.StdEncoding.DecodeString(d.Dossier); string(raw) != doc || d.SHA256 != want {
		t.Errorf("dossier %+v", d)
	}
	w.Refused(errs.Forbidden, w.Compliance[w.Net.Servicer], "Identity:GetDossier", w.Key(bob))
	w.Refused(errs.Forbidden, bob, "Identity:GetDossier", w.Key(bob))
	onTrusteePeer := w.Endorse(officer, "Identity:GetDossier", []string{w.Key(bob)}, stubtest.OnPeer(w.Net.Trustee)).Endorsement()
	if code, _, _, _ := errs.Parse(onTrusteePeer.Message); code != errs.Forbidden || strings.Contains(onTrusteePeer.Message, "Bob Example") {
		t.Errorf("the trustee's peer holds only the dossier's hash: %d %q", onTrusteePeer.Status, onTrusteePeer.Message)
	}
}

func TestAttestRefusals(t *testing.T) {
	w := contracttest.New(t)
	bob := w.Investor(w.Net.Investors, "bob")
	officer := w.Compliance[w.Net.Investors]
	good := claimsJSON(t, contracttest.Claims("US"))
	ok := dossier(`{"salt":"1"}`)
	tests := []struct {
		name  string
		id    *stubtest.Identity
		args  []string
		opts  []stubtest.InvokeOption
		code  errs.Code
		names string
	}{
		{"other bank's officer", w.Compliance[w.Net.Servicer], []string{w.Key(bob), good}, []stubtest.InvokeOption{ok}, errs.Forbidden, ""},
		{"trustee", w.Trustee, []string{w.Key(bob), good}, []stubtest.InvokeOption{ok}, errs.Forbidden, ""},
		{"no dossier", officer, []string{w.Key(bob), good}, nil, errs.BadInput, "dossier"},
		{"bad key", officer, []string{"bob", good}, []stubtest.InvokeOption{ok}, errs.BadInput, "investorKey"},
		{"unknown field", officer, []string{w.Key(bob), `{"investorType":"qib","jurisdiction":"US","kycExpiry":"2030-01-01T00:00:00Z","frozen":false}`}, []stubtest.InvokeOption{ok}, errs.BadInput, "frozen"},
		{"attestedBy is the ledger's", officer, []string{w.Key(bob), `{"investorType":"qib","jurisdiction":"US","kycExpiry":"2030-01-01T00:00:00Z","attestedBy":"Org1MSP"}`}, []stubtest.InvokeOption{ok}, errs.BadInput, "attestedBy"},
		{"bad jurisdiction", officer, []string{w.Key(bob), `{"investorType":"qib","jurisdiction":"USA","kycExpiry":"2030-01-01T00:00:00Z"}`}, []stubtest.InvokeOption{ok}, errs.BadInput, "jurisdiction"},
		{"no KYC expiry", officer, []string{w.Key(bob), `{"investorType":"qib","jurisdiction":"US"}`}, []stubtest.InvokeOption{ok}, errs.BadInput, "kycExpiry"},
		{"bad date", officer, []string{w.Key(bob), `{"investorType":"qib","jurisdiction":"US","kycExpiry":"next year"}`}, []stubtest.InvokeOption{ok}, errs.BadInput, "kycExpiry"},
		{"investor type", officer, []string{w.Key(bob), `{"investorType":"QIB","jurisdiction":"US","kycExpiry":"2030-01-01T00:00:00Z"}`}, []stubtest.InvokeOption{ok}, errs.BadInput, "investorType"},
		{"oversized dossier", officer, []string{w.Key(bob), good}, []stubtest.InvokeOption{dossier(strings.Repeat("x", identity.MaxDossierBytes+1))}, errs.BadInput, "dossier"},
	}
	for _, tt := range tests {
		r := w.RefusedWith(tt.code, tt.id, "Identity:Attest", tt.args, tt.opts...)
		if !strings.Contains(r.Message, tt.names) {
			t.Errorf("%s: %q does not name %q", tt.name, r.Message, tt.names)
		}
	}
}

func TestRevokeFreezeUnfreeze(t *testing.T) {
	w := contracttest.New(t)
	f := w.Standard()
	w.IssueAndPlace(f.A, f.Investors[:3], []int64{500, 500, 500})
	alice, bob := f.Investors[0], f.Investors[2]
	officer3 := w.Compliance[w.Net.Investors]
	claimsOf := func(id *stubtest.Identity) rules.Claims {
		return contracttest.Decode[schema.ClaimsView](t, w.Must(w.Trustee, "Identity:GetClaims", w.Key(id))).Claims
	}
	// Freeze by the investor's own bank, or the trustee; the reason is published.
	w.Refused(errs.Forbidden, w.Compliance[w.Net.Servicer], "Identity:Freeze", w.Key(bob), "aml review")
	w.Refused(errs.BadInput, officer3, "Identity:Freeze", w.Key(bob), "")
	r := w.Call(officer3, "Identity:Freeze", w.Key(bob), "aml review")
	if !r.OK() || !strings.Contains(string(r.Envelope().Events[0].Data), "aml review") {
		t.Fatalf("freeze: %s", r.Message)
	}
	w.Refused(errs.WrongState, w.Trustee, "Identity:Freeze", w.Key(bob), "again")
	w.Refused(errs.RuleFrozen, bob, "Token:Transfer", f.A, w.Key(alice), "10")
	w.Refused(errs.RuleFrozen, alice, "Token:Transfer", f.A, w.Key(bob), "10")
	// Re-attesting keeps the freeze.
	w.Attest(bob, contracttest.Claims("GB"))
	if c := claimsOf(bob); !c.Frozen || c.Jurisdiction != "GB" {
		t.Fatalf("after re-attestation %+v", c)
	}
	w.Must(w.Trustee, "Identity:Unfreeze", w.Key(bob))
	w.Refused(errs.WrongState, officer3, "Identity:Unfreeze", w.Key(bob))
	w.Must(bob, "Token:Transfer", f.A, w.Key(alice), "10")
	// Revocation: rule 5 until attested again.
	w.Refused(errs.Forbidden, w.Trustee, "Identity:Revoke", w.Key(bob))
	w.Must(officer3, "Identity:Revoke", w.Key(bob))
	w.Refused(errs.WrongState, officer3, "Identity:Revoke", w.Key(bob))
	w.Refused(errs.RuleNotAttested, alice, "Token:Transfer", f.A, w.Key(bob), "10")
	w.Attest(bob, contracttest.Claims("US"))
	if c := claimsOf(bob); c.Revoked {
		t.Fatalf("re-attestation lifts the revocation: %+v", c)
	}
	w.Must(alice, "Token:Transfer", f.A, w.Key(bob), "10")
	nobody := w.Investor(w.Net.Investors, "nobody")
	w.Refused(errs.NotFound, officer3, "Identity:Revoke", w.Key(nobody))
	w.Refused(errs.NotFound, w.Trustee, "Identity:Freeze", w.Key(nobody), "x")
	w.Refused(errs.NotFound, w.Trustee, "Identity:GetClaims", w.Key(nobody))
}

func TestClaimsVisibility(t *testing.T) {
	w := contracttest.New(t)
	bob := w.AttestedInvestor(w.Net.Investors, "bob")
	alice := w.AttestedInvestor(w.Net.Servicer, "alice")
	for _, id := range []*stubtest.Identity{bob, w.Trustee, w.Compliance[w.Net.Servicer], w.Admins[w.Net.Trustee]} {
		w.Must(id, "Identity:GetClaims", w.Key(bob))
	}
	for _, id := range []*stubtest.Identity{alice, w.Auditor, w.Arranger, w.NoRole, w.Foreign} {
		w.Refused(errs.Forbidden, id, "Identity:GetClaims", w.Key(bob))
	}
}

// An expired KYC is recorded as attested; the rules refuse it at the
// transaction time (rule 6), so a renewal is all it takes.
func TestExpiredKYCIsARuleNotAnInputError(t *testing.T) {
	w := contracttest.New(t)
	f := w.Standard()
	alice, bob := f.Investors[0], f.Investors[2]
	w.IssueAndPlace(f.A, []*stubtest.Identity{alice}, []int64{100})
	c := contracttest.Claims("US")
	c.KYCExpiry = contracttest.Start.Add(-24 * time.Hour)
	w.Attest(bob, c)
	w.Refused(errs.RuleKYCExpired, alice, "Token:Transfer", f.A, w.Key(bob), "10")
	w.Attest(bob, contracttest.Claims("US"))
	w.Must(alice, "Token:Transfer", f.A, w.Key(bob), "10")
}
