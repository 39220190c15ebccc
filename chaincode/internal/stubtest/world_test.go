package stubtest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
)

func TestStatePersistsAcrossInvocations(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")

	mustOK(t, w.Invoke(alice, "Probe:Put", []string{"k", "v1"}))
	if r := mustOK(t, w.Invoke(alice, "Probe:Get", []string{"k"})); string(r.Payload) != "v1" {
		t.Fatalf("Get = %q, want v1", r.Payload)
	}
	mustOK(t, w.Invoke(alice, "Probe:Put", []string{"k", "v2"}))
	if got := w.Public()["k"]; string(got) != "v2" {
		t.Fatalf("Public()[k] = %q, want v2", got)
	}
	mustOK(t, w.Invoke(alice, "Probe:Delete", []string{"k"}))
	mustFail(t, w.Invoke(alice, "Probe:Get", []string{"k"}), "NOT_FOUND")
	if _, ok := w.Public()["k"]; ok {
		t.Fatal("deleted key still in Public()")
	}
}

func TestReadDoesNotSeeOwnWrite(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")

	if r := mustOK(t, w.Invoke(alice, "Probe:PutThenGet", []string{"k", "first"})); string(r.Payload) != "seen:" {
		t.Fatalf("first write: chaincode saw %q, want nothing (no committed value)", r.Payload)
	}
	if r := mustOK(t, w.Invoke(alice, "Probe:PutThenGet", []string{"k", "second"})); string(r.Payload) != "seen:first" {
		t.Fatalf("second write: chaincode saw %q, want the committed %q", r.Payload, "seen:first")
	}
	if got := string(w.Public()["k"]); got != "second" {
		t.Fatalf("committed %q, want second", got)
	}
}

func TestFailedInvocationChangesNothing(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")
	mustOK(t, w.Invoke(alice, "Probe:Put", []string{"k", "kept"}))
	before := w.Snapshot()

	r := w.Invoke(alice, "Probe:PutThenFail", []string{"k", "lost"})
	mustFail(t, r, "REFUSED")
	if r.Status != 500 || r.Code != peer.TxValidationCode_NOT_VALIDATED {
		t.Fatalf("status %d code %s, want 500 NOT_VALIDATED", r.Status, r.Code)
	}
	if r.Event != nil {
		t.Fatalf("failed invocation returned event %+v", r.Event)
	}
	if d := w.Diff(before); len(d) != 0 {
		t.Fatalf("failed invocation changed the ledger: %v", d)
	}
	if !w.Equal(before) {
		t.Fatal("Equal(before) = false after a failed invocation")
	}
	if len(w.Events()) != 0 {
		t.Fatalf("events after failure: %+v", w.Events())
	}

	// The snapshot must notice real changes, or the check above proves
	// nothing.
	mustOK(t, w.Invoke(alice, "Probe:Put", []string{"k", "changed"}))
	mustOK(t, w.Invoke(alice, "Probe:Put", []string{"new", "x"}))
	mustOK(t, w.Invoke(alice, "Probe:Emit", []string{"A", "B"}))
	want := []string{`events: 1 new`, `world state "k": value changed`, `world state "new": added`}
	got := w.Diff(before)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("Diff = %q, want %q", got, want)
	}
}

func TestUnknownFunctionAndContractFail(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")
	mustFail(t, w.Invoke(alice, "Probe:NoSuch", nil), "Function NoSuch not found in contract Probe")
	mustFail(t, w.Invoke(alice, "Nope:Get", []string{"k"}), "Contract not found with name Nope")
	mustFail(t, w.Invoke(alice, "Probe:Get", nil), "incorrect number of params. Expected 1, received 0")
}

func TestEmptyKeyIsRefusedByTheShim(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")
	r := w.Invoke(alice, "Probe:Put", []string{"", "v"})
	mustFail(t, r, "key must not be an empty string")
	if strings.Contains(r.Message, "PUT_STATE failed") {
		t.Fatalf("shim-side error %q carries the peer's prefix", r.Message)
	}
}

func TestEmptyValueIsADelete(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")
	mustOK(t, w.Invoke(alice, "Probe:Put", []string{"k", "v"}))
	mustOK(t, w.Invoke(alice, "Probe:Put", []string{"k", ""}))
	if _, ok := w.Public()["k"]; ok {
		t.Fatal("PutState with an empty value left the key in place; Fabric deletes it")
	}
}

func TestLastEventWins(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")
	r := mustOK(t, w.Invoke(alice, "Probe:Emit", []string{"First", "Second"}))
	if r.Event == nil || r.Event.Name != "Second" || string(r.Event.Payload) != "payload of Second" || r.Event.TxID != r.TxID {
		t.Fatalf("Event = %+v, want Second with its payload and tx %s", r.Event, r.TxID)
	}
	r2 := mustOK(t, w.Invoke(alice, "Probe:Emit", []string{"Third", "Fourth"}))
	mustOK(t, w.Invoke(alice, "Probe:Put", []string{"k", "v"})) // no event
	got := w.Events()
	want := []Event{
		{TxID: r.TxID, Name: "Second", Payload: []byte("payload of Second")},
		{TxID: r2.TxID, Name: "Fourth", Payload: []byte("payload of Fourth")},
	}
	if len(got) != len(want) {
		t.Fatalf("Events() = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].TxID != want[i].TxID || got[i].Name != want[i].Name || string(got[i].Payload) != string(want[i].Payload) {
			t.Fatalf("Events()[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	mustFail(t, w.Invoke(alice, "Probe:Emit", []string{"X", ""}), "event name can not be empty string")
}

func TestTimestamps(t *testing.T) {
	start := time.Date(2026, time.March, 31, 12, 0, 0, 0, time.UTC)
	w := newProbeWorld(t, StartTime(start))
	alice := w.Identity(org2, "alice")
	fixed := time.Date(2030, time.June, 30, 23, 59, 59, 123456789, time.UTC)

	tests := []struct {
		opts []InvokeOption
		want time.Time
	}{
		{nil, start},
		{nil, start.Add(time.Second)},
		{[]InvokeOption{At(fixed)}, fixed},
		{nil, start.Add(3 * time.Second)}, // the clock counts the At transaction too
	}
	for i, tc := range tests {
		r := mustOK(t, w.Invoke(alice, "Probe:Clock", nil, tc.opts...))
		if got := string(r.Payload); got != tc.want.Format(time.RFC3339Nano) {
			t.Errorf("transaction %d: chaincode saw %s, want %s", i, got, tc.want.Format(time.RFC3339Nano))
		}
		if !r.Timestamp.Equal(tc.want) {
			t.Errorf("transaction %d: Result.Timestamp %s, want %s", i, r.Timestamp, tc.want)
		}
	}
}

func TestDefaultClockStartsAtDefaultStartTime(t *testing.T) {
	w := newProbeWorld(t)
	r := mustOK(t, w.Invoke(w.Identity(org1, "trustee"), "Probe:Clock", nil))
	if string(r.Payload) != DefaultStartTime.Format(time.RFC3339Nano) {
		t.Fatalf("first timestamp %s, want %s", r.Payload, DefaultStartTime)
	}
}

func TestTxIDsAreUniqueAndDeterministic(t *testing.T) {
	run := func() []string {
		w := newProbeWorld(t)
		alice := w.Identity(org2, "alice")
		bob := w.Identity(org3, "bob")
		var ids []string
		for i := 0; i < 5; i++ {
			for _, id := range []*Identity{alice, bob} {
				r := mustOK(t, w.Invoke(id, "Probe:TxID", nil))
				if string(r.Payload) != r.TxID {
					t.Fatalf("chaincode saw tx ID %q, Result says %q", r.Payload, r.TxID)
				}
				ids = append(ids, r.TxID)
			}
		}
		return ids
	}
	first, second := run(), run()
	if !slices.Equal(first, second) {
		t.Fatalf("tx IDs differ between identical runs:\n%v\n%v", first, second)
	}
	seen := map[string]bool{}
	for _, id := range first {
		if seen[id] || len(id) != 64 {
			t.Fatalf("tx ID %q repeated or not 64 hex digits", id)
		}
		seen[id] = true
	}
}

func TestTransientDataIsPerInvocation(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")
	data := map[string][]byte{"secret": []byte("s3cr3t")}
	if r := mustOK(t, w.Invoke(alice, "Probe:Transient", []string{"secret"}, Transient(data))); string(r.Payload) != "s3cr3t" {
		t.Fatalf("transient = %q", r.Payload)
	}
	mustFail(t, w.Invoke(alice, "Probe:Transient", []string{"secret"}), "NOT_FOUND")
}

func TestSeedCommitsDirectly(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")
	w.Seed("counter", []byte("not a number"))
	before := w.Snapshot()
	mustFail(t, w.Invoke(alice, "Probe:Increment", []string{"counter"}), "CORRUPT")
	if d := w.Diff(before); len(d) != 0 {
		t.Fatalf("changed: %v", d)
	}
	w.Seed("counter", nil)
	if r := mustOK(t, w.Invoke(alice, "Probe:Increment", []string{"counter"})); string(r.Payload) != "1" {
		t.Fatalf("Increment after deleting seed = %s", r.Payload)
	}
}

func TestValidationParameters(t *testing.T) {
	w := newProbeWorld(t)
	admin := w.Identity(org1, "admin", OU("admin"))

	// On a key that does not exist at commit, the parameter is dropped.
	mustOK(t, w.Invoke(admin, "Probe:SetPolicy", []string{"k", "policy-0"}))
	if ep := w.ValidationParameter("k"); ep != nil {
		t.Fatalf("parameter of a missing key = %q, want none", ep)
	}
	mustOK(t, w.Invoke(admin, "Probe:PutWithPolicy", []string{"k", "v", "policy-1"}))
	if ep := string(w.ValidationParameter("k")); ep != "policy-1" {
		t.Fatalf("parameter = %q, want policy-1", ep)
	}
	// An upsert keeps the parameter.
	mustOK(t, w.Invoke(admin, "Probe:Put", []string{"k", "v2"}))
	if r := mustOK(t, w.Invoke(admin, "Probe:Policy", []string{"k"})); string(r.Payload) != "policy-1" {
		t.Fatalf("chaincode read parameter %q after upsert, want policy-1", r.Payload)
	}
	// A parameter-only write replaces it.
	mustOK(t, w.Invoke(admin, "Probe:SetPolicy", []string{"k", "policy-2"}))
	if ep := string(w.ValidationParameter("k")); ep != "policy-2" {
		t.Fatalf("parameter = %q, want policy-2", ep)
	}
	// A delete drops it, so a new value starts without one.
	mustOK(t, w.Invoke(admin, "Probe:Delete", []string{"k"}))
	mustOK(t, w.Invoke(admin, "Probe:Put", []string{"k", "v3"}))
	if ep := w.ValidationParameter("k"); ep != nil {
		t.Fatalf("parameter survived a delete: %q", ep)
	}
}

func TestDiffReportsPrivateAndParameterChanges(t *testing.T) {
	w := newProbeWorld(t)
	trustee := w.Identity(org1, "trustee")
	mustOK(t, w.Invoke(trustee, "Probe:Put", []string{"k", "v"}))
	mustOK(t, w.Invoke(trustee, "Probe:PutPrivate", []string{"loanTape", "gone"}, Transient(map[string][]byte{"value": []byte("1")})))
	before := w.Snapshot()
	mustOK(t, w.Invoke(trustee, "Probe:SetPolicy", []string{"k", "p"}))
	mustOK(t, w.Invoke(trustee, "Probe:PutPrivate", []string{"loanTape", "L1"}, Transient(map[string][]byte{"value": []byte("1")})))
	mustOK(t, w.Invoke(trustee, "Probe:DeletePrivate", []string{"loanTape", "gone"}))
	want := []string{
		`world state "k": validation parameter changed`,
		`collection loanTape "L1": added`,
		`collection loanTape "gone": deleted`,
	}
	if got := w.Diff(before); !slices.Equal(got, want) {
		t.Fatalf("Diff = %q, want %q", got, want)
	}
}

func TestCallsAfterTheInvocationFail(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")
	tx := w.Endorse(alice, "Probe:Get", []string{"k"})
	s := tx.stub
	if _, err := s.GetState("k"); err == nil || !strings.Contains(err.Error(), "no ledger context") {
		t.Fatalf("GetState after completion: err = %v", err)
	}
	if err := s.PutState("k", []byte("v")); err == nil {
		t.Fatal("PutState after completion succeeded")
	}
}

func TestNotSupportedAPIsSaySo(t *testing.T) {
	w := newProbeWorld(t)
	s := &stub{w: w, creator: w.Identity(org1, "x")}
	if _, err := s.GetQueryResult(`{"selector":{}}`); err == nil || !strings.Contains(err.Error(), notSupported) {
		t.Errorf("GetQueryResult: %v", err)
	}
	if _, err := s.GetHistoryForKey("k"); err == nil || !strings.Contains(err.Error(), notSupported) {
		t.Errorf("GetHistoryForKey: %v", err)
	}
	if _, err := s.GetPrivateDataQueryResult("loanTape", "{}"); err == nil || !strings.Contains(err.Error(), notSupported) {
		t.Errorf("GetPrivateDataQueryResult: %v", err)
	}
	if r := s.InvokeChaincode("other", nil, ""); r.Status != 500 || !strings.Contains(r.Message, notSupported) {
		t.Errorf("InvokeChaincode: %+v", r)
	}
}

func TestNewWorldRejectsBadConfiguration(t *testing.T) {
	cc, err := probeChaincode()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts []Option
		want string
	}{
		{"empty name", []Option{Collection{Members: []string{org1}}}, "collection name is empty"},
		{"no members", []Option{Collection{Name: "c"}}, `collection "c": no member orgs`},
		{"reserved name", []Option{Collection{Name: "_implicit_org_X", Members: []string{org1}}}, "reserved for implicit collections"},
		{"duplicate member", []Option{Collection{Name: "c", Members: []string{org1, org1}}}, "listed twice"},
		{"duplicate collection", []Option{loanTape, loanTape}, `collection "loanTape" defined twice`},
		{"empty org", []Option{Orgs("")}, "empty MSP ID"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, tc.want) {
					t.Fatalf("panic %q, want one containing %q", msg, tc.want)
				}
			}()
			NewWorld(cc, tc.opts...)
		})
	}
}

func TestOnPeerOfUnknownOrgPanics(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")
	defer func() {
		if msg, _ := recover().(string); !strings.Contains(msg, `OnPeer("Org9MSP")`) {
			t.Fatalf("panic %q", msg)
		}
	}()
	w.Invoke(alice, "Probe:Get", []string{"k"}, OnPeer("Org9MSP"))
}

func TestInvalidUTF8KeyPanicsLikeTheShim(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")
	defer func() {
		if msg, _ := recover().(string); !strings.Contains(msg, "not valid UTF-8") {
			t.Fatalf("panic %q", msg)
		}
	}()
	w.Invoke(alice, "Probe:Put", []string{"bad\xffkey", "v"})
}
