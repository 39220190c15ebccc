package identity_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/identity"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// bookKey is an investor identity key of msp without a certificate behind
// it (a bank onboarding a book attests investors that have not enrolled).
func bookKey(msp string, i int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("book investor %d", i)))
	return msp + "/" + hex.EncodeToString(sum[:])
}

// attestMany returns AttestMany's argument and its transient dossiers.
func attestMany(t testing.TB, list []identity.AttestationInput, dossiers [][]byte) ([]string, stubtest.InvokeOption) {
	t.Helper()
	encoded := make([]string, len(dossiers))
	for i, d := range dossiers {
		encoded[i] = base64.StdEncoding.EncodeToString(d)
	}
	raw, err := json.Marshal(encoded)
	if err != nil {
		t.Fatal(err)
	}
	return []string{string(contracttest.MustCanon(t, list))}, stubtest.Transient(map[string][]byte{identity.TransientDossiers: raw})
}

// book is n investors of msp with their claims and dossiers.
func book(msp string, n int) ([]identity.AttestationInput, [][]byte) {
	var list []identity.AttestationInput
	var dossiers [][]byte
	for i := range n {
		list = append(list, identity.AttestationInput{Investor: bookKey(msp, i), Claims: contracttest.Claims([]string{"US", "GB", "US-CA"}[i%3])})
		dossiers = append(dossiers, []byte(fmt.Sprintf(`{"name":"fund %d","salt":"%x"}`, i, i*7919)))
	}
	return list, dossiers
}

// A batch writes what the same attestations, one transaction each, write:
// the claims and their key policy in the compliance collection (a freeze
// kept), the dossier in the bank's implicit collection, its hash in public
// state, one ClaimsAttested event each, in order.
func TestAttestManyWritesWhatSingleAttestsWrite(t *testing.T) {
	single, batch := contracttest.New(t), contracttest.New(t)
	msp := single.Net.Investors
	list, dossiers := book(msp, 5)
	// The third investor was attested and frozen before: both keep the freeze.
	for _, w := range []*contracttest.World{single, batch} {
		w.MustWith(w.Compliance[msp], "Identity:Attest", []string{list[2].Investor, claimsJSON(t, contracttest.Claims("FR"))}, dossier(`{"old":1}`))
		w.Must(w.Trustee, "Identity:Freeze", list[2].Investor, "aml review")
	}
	var singleEvents []string
	for i, a := range list {
		r := single.CallWith(single.Compliance[msp], "Identity:Attest", []string{a.Investor, claimsJSON(t, a.Claims)}, dossier(string(dossiers[i])))
		if !r.OK() {
			t.Fatal(r.Message)
		}
		singleEvents = append(singleEvents, string(r.Envelope().Events[0].Data))
	}
	args, opt := attestMany(t, list, dossiers)
	at := batch.Now()
	r := batch.CallWith(batch.Compliance[msp], "Identity:AttestMany", args, opt)
	if !r.OK() {
		t.Fatal(r.Message)
	}
	if len(r.Peers) < 2 || r.Peers[0] != batch.Net.Trustee {
		t.Errorf("the batch ran on %v; own org and trustee endorse, as for Attest", r.Peers)
	}
	var batchEvents []string
	for _, e := range r.Envelope().Events {
		if e.Type != "ClaimsAttested" {
			t.Errorf("event %s", e.Type)
		}
		batchEvents = append(batchEvents, string(e.Data))
	}
	if strings.Join(batchEvents, "\n") != strings.Join(singleEvents, "\n") {
		t.Errorf("events\n%s\nwant\n%s", strings.Join(batchEvents, "\n"), strings.Join(singleEvents, "\n"))
	}
	implicit := roles.ImplicitCollection(msp)
	for i, a := range list {
		claimsKey, dossierKey := key(t, schema.TypeClaims, a.Investor), key(t, schema.TypeDossier, a.Investor)
		got, want := batch.Private(roles.ComplianceCollection)[claimsKey], single.Private(roles.ComplianceCollection)[claimsKey]
		if want == nil || !bytes.Equal(got, want) {
			t.Errorf("%d: claims %s, want %s", i, got, want)
		}
		if i == 2 && !strings.Contains(string(got), `"frozen":true`) {
			t.Errorf("the freeze was not kept: %s", got)
		}
		gp, wp := batch.PrivateValidationParameter(roles.ComplianceCollection, claimsKey), single.PrivateValidationParameter(roles.ComplianceCollection, claimsKey)
		if wp == nil || !bytes.Equal(gp, wp) {
			t.Errorf("%d: the claim's key policy differs", i)
		}
		if d := batch.Private(implicit)[dossierKey]; !bytes.Equal(d, dossiers[i]) || !bytes.Equal(d, single.Private(implicit)[dossierKey]) {
			t.Errorf("%d: dossier %q", i, d)
		}
		var gotRef, wantRef schema.DossierRef
		if err := canon.Unmarshal(batch.Public()[dossierKey], &gotRef); err != nil {
			t.Fatal(err)
		}
		if err := canon.Unmarshal(single.Public()[dossierKey], &wantRef); err != nil {
			t.Fatal(err)
		}
		if gotRef.AttestedAt != at.UTC().Format("2006-01-02T15:04:05Z07:00") {
			t.Errorf("%d: attested at %s, want the batch's time %s", i, gotRef.AttestedAt, at)
		}
		wantRef.AttestedAt = gotRef.AttestedAt // the single attestations ran one second apart
		if gotRef != wantRef {
			t.Errorf("%d: public dossier reference %+v, want %+v", i, gotRef, wantRef)
		}
	}
}

func TestAttestManyRefusalsNameTheEntry(t *testing.T) {
	w := contracttest.New(t)
	msp := w.Net.Investors
	officer := w.Compliance[msp]
	list, dossiers := book(msp, 3)
	with := func(change func(l []identity.AttestationInput, d [][]byte) ([]identity.AttestationInput, [][]byte)) ([]string, []stubtest.InvokeOption) {
		l, d := change(append([]identity.AttestationInput(nil), list...), append([][]byte(nil), dossiers...))
		args, opt := attestMany(t, l, d)
		return args, []stubtest.InvokeOption{opt}
	}
	type edit = func(l []identity.AttestationInput, d [][]byte) ([]identity.AttestationInput, [][]byte)
	tests := []struct {
		name  string
		id    *stubtest.Identity
		edit  edit
		args  []string // instead of edit's
		code  errs.Code
		names string
	}{
		{"trustee", w.Trustee, func(l []identity.AttestationInput, d [][]byte) ([]identity.AttestationInput, [][]byte) { return l, d }, nil, errs.Forbidden, ""},
		{"other bank's investor", officer, func(l []identity.AttestationInput, d [][]byte) ([]identity.AttestationInput, [][]byte) {
			l[2].Investor = bookKey(w.Net.Servicer, 9)
			return l, d
		}, nil, errs.Forbidden, "attestations[2].investor"},
		{"bad key", officer, func(l []identity.AttestationInput, d [][]byte) ([]identity.AttestationInput, [][]byte) {
			l[1].Investor = "bob"
			return l, d
		}, nil, errs.BadInput, "attestations[1].investor"},
		{"bad jurisdiction", officer, func(l []identity.AttestationInput, d [][]byte) ([]identity.AttestationInput, [][]byte) {
			l[1].Claims.Jurisdiction = "USA"
			return l, d
		}, nil, errs.BadInput, "attestations[1].claims: jurisdiction"},
		{"listed twice", officer, func(l []identity.AttestationInput, d [][]byte) ([]identity.AttestationInput, [][]byte) {
			l[2].Investor = l[0].Investor
			return l, d
		}, nil, errs.BadInput, "attestations[2].investor"},
		{"a dossier short", officer, func(l []identity.AttestationInput, d [][]byte) ([]identity.AttestationInput, [][]byte) {
			return l, d[:2]
		}, nil, errs.BadInput, "2 dossiers for 3"},
		{"empty dossier", officer, func(l []identity.AttestationInput, d [][]byte) ([]identity.AttestationInput, [][]byte) {
			d[1] = nil
			return l, d
		}, nil, errs.BadInput, "dossiers[1]"},
		{"oversized dossier", officer, func(l []identity.AttestationInput, d [][]byte) ([]identity.AttestationInput, [][]byte) {
			d[1] = bytes.Repeat([]byte("x"), identity.MaxDossierBytes+1)
			return l, d
		}, nil, errs.BadInput, "dossiers[1]"},
		{"none", officer, func(l []identity.AttestationInput, d [][]byte) ([]identity.AttestationInput, [][]byte) {
			return nil, nil
		}, []string{"[]"}, errs.BadInput, "0 attestations, want 1 to 500"},
		{"unknown field", officer, nil, []string{`[{"claims":{"investorType":"qib","jurisdiction":"US","kycExpiry":"2030-01-01T00:00:00Z","frozen":true},"investor":"` + list[0].Investor + `"}]`}, errs.BadInput, "[0].claims.frozen"},
	}
	for _, tt := range tests {
		var args []string
		var opts []stubtest.InvokeOption
		if tt.edit != nil {
			args, opts = with(tt.edit)
		}
		if tt.args != nil {
			args = tt.args
			if opts == nil {
				_, opt := attestMany(t, nil, dossiers[:1])
				opts = []stubtest.InvokeOption{opt}
			}
		}
		r := w.RefusedWith(tt.code, tt.id, "Identity:AttestMany", args, opts...)
		if !strings.Contains(r.Message, tt.names) {
			t.Errorf("%s: %q does not name %q", tt.name, r.Message, tt.names)
		}
	}
	// No dossiers at all, or not base64.
	args, _ := attestMany(t, list, dossiers)
	if r := w.RefusedWith(errs.BadInput, officer, "Identity:AttestMany", args); !strings.Contains(r.Message, identity.TransientDossiers) {
		t.Errorf("no dossiers: %q", r.Message)
	}
	notBase64 := stubtest.Transient(map[string][]byte{identity.TransientDossiers: []byte(`["YQ==","!!","Yg=="]`)})
	if r := w.RefusedWith(errs.BadInput, officer, "Identity:AttestMany", args, notBase64); !strings.Contains(r.Message, "dossiers[1]") {
		t.Errorf("not base64: %q", r.Message)
	}
}

// The bounds: schema.MaxBatchQuery attestations, and schema.MaxBatchDossierBytes
// of dossiers together; one more of either refuses the batch.
func TestAttestManyBounds(t *testing.T) {
	w := contracttest.New(t)
	msp := w.Net.Investors
	officer := w.Compliance[msp]
	list, dossiers := book(msp, schema.MaxBatchQuery+1)
	args, opt := attestMany(t, list, dossiers)
	if r := w.RefusedWith(errs.BadInput, officer, "Identity:AttestMany", args, opt); !strings.Contains(r.Message, "501 attestations, want 1 to 500") {
		t.Errorf("%q", r.Message)
	}
	args, opt = attestMany(t, list[:schema.MaxBatchQuery], dossiers[:schema.MaxBatchQuery])
	w.MustWith(officer, "Identity:AttestMany", args, opt)
	if n := len(w.Private(roles.ImplicitCollection(msp))); n < schema.MaxBatchQuery {
		t.Errorf("%d dossiers after a full batch", n)
	}

	// Full dossiers up to the bound exactly, then one byte more.
	big := schema.MaxBatchDossierBytes/identity.MaxDossierBytes + 1
	heavy := make([][]byte, big)
	for i := range heavy {
		heavy[i] = bytes.Repeat([]byte{'a' + byte(i)}, identity.MaxDossierBytes)
	}
	heavy[big-1] = []byte("x")
	args, opt = attestMany(t, list[:big], heavy)
	if r := w.RefusedWith(errs.BadInput, officer, "Identity:AttestMany", args, opt); !strings.Contains(r.Message, fmt.Sprintf("dossiers[%d]", big-1)) {
		t.Errorf("%q", r.Message)
	}
}
