package stubtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"testing"
)

func value(v string) InvokeOption { return Transient(map[string][]byte{"value": []byte(v)}) }

// privateWorld commits loanTape L1 in block 1 and Org2's implicit
// collection key D1 in block 2.
func privateWorld(t *testing.T) *World {
	t.Helper()
	w := newProbeWorld(t)
	mustOK(t, w.Invoke(w.Identity(org1, "trustee"), "Probe:PutPrivate", []string{"loanTape", "L1"}, value("balance=100")))
	mustOK(t, w.Invoke(w.Identity(org2, "custodian"), "Probe:PutPrivate", []string{ImplicitCollection(org2), "D1"}, value("dossier")))
	return w
}

func TestPrivateReadMembership(t *testing.T) {
	w := privateWorld(t)
	trustee := w.Identity(org1, "trustee")
	servicer := w.Identity(org2, "servicer")
	investor := w.Identity(org3, "investor")

	tests := []struct {
		name    string
		creator *Identity
		peer    string // "" = the creator's org
		coll    string
		key     string
		want    string // payload, when wantErr is empty
		wantErr string
	}{
		{"member creator on own peer", servicer, "", "loanTape", "L1", "balance=100", ""},
		{"member creator on another member's peer", servicer, org1, "loanTape", "L1", "balance=100", ""},
		{"non-member creator, memberOnlyRead", investor, "", "loanTape", "L1", "",
			"tx creator does not have read access permission on privatedata in chaincodeName:testcc collectionName: loanTape"},
		{"non-member creator on a member peer", investor, org1, "loanTape", "L1", "",
			"tx creator does not have read access permission"},
		{"member creator on a non-member peer", trustee, org3, "loanTape", "L1", "",
			"private data matching public hash version is not available. Public hash version = {BlockNum: 1, TxNum: 0}, Private data version = <nil>"},
		{"missing key on a non-member peer is just missing", trustee, org3, "loanTape", "L9", "", "NOT_FOUND"},
		{"unknown collection", trustee, "", "nope", "L1", "", "collection testchannel/testcc/nope could not be found"},
		{"implicit collection: any creator on the owner's peer", investor, org2, ImplicitCollection(org2), "D1", "dossier", ""},
		{"implicit collection: owner on another org's peer", servicer, org3, ImplicitCollection(org2), "D1", "",
			"private data matching public hash version is not available"},
		{"implicit collection of an org not on the channel", servicer, "", ImplicitCollection("Org9MSP"), "D1", "",
			"collection testchannel/testcc/_implicit_org_Org9MSP could not be found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var opts []InvokeOption
			if tc.peer != "" {
				opts = append(opts, OnPeer(tc.peer))
			}
			r := w.Invoke(tc.creator, "Probe:GetPrivate", []string{tc.coll, tc.key}, opts...)
			if tc.wantErr != "" {
				mustFail(t, r, tc.wantErr)
				return
			}
			mustOK(t, r)
			if string(r.Payload) != tc.want {
				t.Fatalf("payload %q, want %q", r.Payload, tc.want)
			}
		})
	}
}

func TestPeerErrorsCarryTheHandlerPrefix(t *testing.T) {
	w := privateWorld(t)
	r := w.Invoke(w.Identity(org3, "investor"), "Probe:GetPrivate", []string{"loanTape", "L1"})
	want := "GET_STATE failed: transaction ID: " + r.TxID +
		": tx creator does not have read access permission on privatedata in chaincodeName:testcc collectionName: loanTape"
	if r.Message != want {
		t.Fatalf("message\n %q\nwant\n %q", r.Message, want)
	}
}

func TestPrivateHashIsVisibleToNonMembers(t *testing.T) {
	w := privateWorld(t)
	investor := w.Identity(org3, "investor")
	sum := sha256.Sum256([]byte("balance=100"))

	tests := []struct {
		name, coll, key, want, wantErr string
	}{
		{"existing key", "loanTape", "L1", hex.EncodeToString(sum[:]), ""},
		{"missing key", "loanTape", "L9", "", ""},
		{"another org's implicit collection", ImplicitCollection(org2), "D1", hexSHA256("dossier"), ""},
		{"unknown collection", "nope", "L1", "", "collection [nope] not defined in the collection config for chaincode [testcc]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := w.Invoke(investor, "Probe:PrivateHash", []string{tc.coll, tc.key})
			if tc.wantErr != "" {
				mustFail(t, r, tc.wantErr)
				return
			}
			mustOK(t, r)
			if string(r.Payload) != tc.want {
				t.Fatalf("hash %q, want %q", r.Payload, tc.want)
			}
		})
	}
}

func hexSHA256(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestPrivateWriteMembership(t *testing.T) {
	tests := []struct {
		name    string
		creator string
		peer    string
		coll    string
		wantErr string
	}{
		{"non-member creator, memberOnlyWrite", org3, "", "loanTape",
			"PUT_STATE failed: transaction ID: "},
		{"member creator endorsed by a non-member peer", org1, org3, "loanTape", ""},
		{"own implicit collection", org3, "", ImplicitCollection(org3), ""},
		// Implicit collections set no memberOnlyWrite: only an endorsement
		// policy keeps Org3 out of Org2's collection on a real network.
		{"another org's implicit collection", org3, "", ImplicitCollection(org2), ""},
		{"unknown collection", org1, "", "nope", "could not be found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newProbeWorld(t)
			creator := w.Identity(tc.creator, "writer")
			var opts []InvokeOption
			if tc.peer != "" {
				opts = append(opts, OnPeer(tc.peer))
			}
			before := w.Snapshot()
			r := w.Invoke(creator, "Probe:PutPrivate", []string{tc.coll, "K"}, append(opts, value("v"))...)
			if tc.wantErr != "" {
				mustFail(t, r, tc.wantErr)
				if d := w.Diff(before); len(d) != 0 {
					t.Fatalf("refused write changed the ledger: %v", d)
				}
				return
			}
			mustOK(t, r)
			if got := string(w.Private(tc.coll)["K"]); got != "v" {
				t.Fatalf("Private(%s)[K] = %q, want v", tc.coll, got)
			}
		})
	}
}

func TestPrivateWriteErrorNamesTheCollection(t *testing.T) {
	w := newProbeWorld(t)
	r := w.Invoke(w.Identity(org3, "investor"), "Probe:PutPrivate", []string{"loanTape", "K"}, value("v"))
	want := "PUT_STATE failed: transaction ID: " + r.TxID +
		": tx creator does not have write access permission on privatedata in chaincodeName:testcc collectionName: loanTape"
	if r.Message != want {
		t.Fatalf("message\n %q\nwant\n %q", r.Message, want)
	}
}

func TestPrivateReadDoesNotSeeOwnWrite(t *testing.T) {
	w := privateWorld(t)
	trustee := w.Identity(org1, "trustee")
	r := mustOK(t, w.Invoke(trustee, "Probe:PutPrivateThenGet", []string{"loanTape", "L1"}, value("balance=90")))
	if string(r.Payload) != "seen:balance=100" {
		t.Fatalf("chaincode saw %q, want the committed value", r.Payload)
	}
	if got := string(w.Private("loanTape")["L1"]); got != "balance=90" {
		t.Fatalf("committed %q", got)
	}
}

func TestFailedPrivateWriteChangesNothing(t *testing.T) {
	w := privateWorld(t)
	before := w.Snapshot()
	mustFail(t, w.Invoke(w.Identity(org1, "trustee"), "Probe:PutPrivate", []string{"loanTape", "L2"}), "BAD_INPUT")
	if d := w.Diff(before); len(d) != 0 {
		t.Fatalf("changed: %v", d)
	}
}

func TestDeleteAndPurgeRemoveValueAndHash(t *testing.T) {
	for _, fn := range []string{"Probe:DeletePrivate", "Probe:PurgePrivate"} {
		t.Run(fn, func(t *testing.T) {
			w := privateWorld(t)
			trustee := w.Identity(org1, "trustee")
			mustOK(t, w.Invoke(trustee, fn, []string{"loanTape", "L1"}))
			if _, ok := w.Private("loanTape")["L1"]; ok {
				t.Fatal("value survived")
			}
			if r := mustOK(t, w.Invoke(trustee, "Probe:PrivateHash", []string{"loanTape", "L1"})); len(r.Payload) != 0 {
				t.Fatalf("hash survived: %s", r.Payload)
			}
			mustFail(t, w.Invoke(w.Identity(org3, "investor"), fn, []string{"loanTape", "L1"}), "does not have write access")
		})
	}
}

func TestPrivateRangeQueries(t *testing.T) {
	w := newProbeWorld(t)
	trustee := w.Identity(org1, "trustee")
	for _, k := range []string{"L3", "L1", "M1", "L2"} {
		mustOK(t, w.Invoke(trustee, "Probe:PutPrivate", []string{"loanTape", k}, value(k)))
	}
	tests := []struct {
		name    string
		creator *Identity
		peer    string
		want    []string
		wantErr string
	}{
		{"member peer", trustee, "", []string{"L1", "L2", "L3"}, ""},
		{"non-member peer holds no values", trustee, org3, []string{}, ""},
		{"non-member creator", w.Identity(org3, "investor"), org1, nil, "does not have read access"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var opts []InvokeOption
			if tc.peer != "" {
				opts = append(opts, OnPeer(tc.peer))
			}
			r := w.Invoke(tc.creator, "Probe:PrivateRange", []string{"loanTape", "L", "M"}, opts...)
			if tc.wantErr != "" {
				mustFail(t, r, tc.wantErr)
				return
			}
			var got []string
			if err := json.Unmarshal(mustOK(t, r).Payload, &got); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("keys %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPrivateQueriesOnlyInReadOnlyTransactions(t *testing.T) {
	w := newProbeWorld(t)
	trustee := w.Identity(org1, "trustee")
	before := w.Snapshot()
	mustFail(t, w.Invoke(trustee, "Probe:PrivateRangeThenWrite", []string{"loanTape", "k"}),
		"PUT_STATE failed: transaction ID: ")
	mustFail(t, w.Invoke(trustee, "Probe:PrivateRangeThenWrite", []string{"loanTape", "k"}),
		"unsuppored transaction. Transaction has already performed queries on pvt data. Writes are not allowed")
	mustFail(t, w.Invoke(trustee, "Probe:WriteThenPrivateRange", []string{"loanTape", "k"}),
		"unsuppored transaction. Queries on pvt data is supported only in a read-only transaction")
	if d := w.Diff(before); len(d) != 0 {
		t.Fatalf("changed: %v", d)
	}
}

func TestPrivateAccessorsPanicOnUnknownCollection(t *testing.T) {
	w := newProbeWorld(t)
	defer func() {
		if msg, _ := recover().(string); msg == "" {
			t.Fatal("Private(unknown) did not panic")
		}
	}()
	w.Private("loantape") // wrong case: a typo the stub must catch
}
