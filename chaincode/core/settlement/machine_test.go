package settlement

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// machine drives one settlement through Open and Apply, one second per
// event, failing the test on an unexpected refusal.
type machine struct {
	t     *testing.T
	terms Terms
	rec   Record
	open  bool
	clock time.Time
}

func newMachine(t *testing.T, terms Terms) *machine {
	return &machine{t: t, terms: terms, clock: day0}
}

func (m *machine) event(typ EventType, side Side) Event {
	m.clock = m.clock.Add(time.Second)
	return Event{Type: typ, Side: side, At: m.clock, TxID: "tx-" + m.clock.Format("150405")}
}

func (m *machine) apply(e Event) ([]Effect, error) {
	var (
		next    Record
		effects []Effect
		err     error
	)
	if !m.open {
		next, effects, err = Open(m.terms, e)
	} else {
		next, effects, err = Apply(m.rec, e)
	}
	if err == nil {
		m.rec, m.open = next, true
	}
	return effects, err
}

func (m *machine) must(e Event) *machine {
	m.t.Helper()
	if _, err := m.apply(e); err != nil {
		m.t.Fatalf("%s %s: %v", e.Type, e.Side, err)
	}
	return m
}

func (m *machine) instruct(side Side, hold bool) *machine {
	e := m.event(EventInstruct, side)
	e.Hash, e.Hold = hashOf(m.t, m.terms), hold
	return m.must(e)
}

// reach builds a settlement in the named state. Ledger states hold on
// both legs; rtgs states hold nothing until settle locks the units.
func reach(t *testing.T, state string) *machine {
	t.Helper()
	switch state {
	case "pending-deliver":
		return newMachine(t, trade()).instruct(Deliver, true)
	case "pending-receive":
		return newMachine(t, trade()).instruct(Receive, true)
	case "matched":
		return reach(t, "pending-deliver").instruct(Receive, true)
	case "pending-deliver, no hold":
		return newMachine(t, trade()).instruct(Deliver, false)
	case "matched, no holds":
		return reach(t, "pending-deliver, no hold").instruct(Receive, false)
	case "matched, deliver asked to cancel", "matched, no holds, deliver asked to cancel":
		m := reach(t, strings.TrimSuffix(state, ", deliver asked to cancel"))
		return m.must(m.event(EventCancel, Deliver))
	case "failed", "failed, no holds":
		m := reach(t, strings.Replace(state, "failed", "matched", 1))
		e := m.event(EventSettleFailed, "")
		e.Code, e.Rule = errs.RuleKYCExpired, 6
		return m.must(e)
	case "settled":
		m := reach(t, "matched")
		return m.must(m.event(EventSettle, ""))
	case "cancelled":
		m := reach(t, "pending-deliver")
		return m.must(m.event(EventCancel, Deliver))
	case "expired":
		m := reach(t, "matched")
		e := m.event(EventExpire, "")
		e.At = m.terms.Expiry
		return m.must(e)
	case "rtgs matched":
		return newMachine(t, rtgsTrade()).instruct(Deliver, false).instruct(Receive, false)
	case "rtgs matched, units held":
		return newMachine(t, rtgsTrade()).instruct(Deliver, true).instruct(Receive, false)
	case "awaiting-payment":
		m := reach(t, "rtgs matched")
		return m.must(m.event(EventSettle, ""))
	case "released":
		m := reach(t, "awaiting-payment")
		return m.must(m.event(EventConfirmPayment, ""))
	case "returned":
		m := reach(t, "awaiting-payment")
		e := m.event(EventExpire, "")
		e.At = m.terms.PaymentDeadline
		return m.must(e)
	}
	t.Fatalf("no fixture for state %q", state)
	return nil
}

// Events of the transition table, applied one second after the fixture's
// last event unless they name their own time.
const (
	instructDeliver   = "instruct deliver (hold)"
	instructReceive   = "instruct receive (hold)"
	instructReceiveNH = "instruct receive (no hold)"
	instructMismatch  = "instruct receive, other terms"
	settle            = "settle"
	settleFailed      = "settle failed (rule 6)"
	confirm           = "confirm payment"
	cancelDeliver     = "cancel deliver"
	cancelReceive     = "cancel receive"
	expireEarly       = "expire before expiry"
	expireAtExpiry    = "expire at expiry"
	expireAtDeadline  = "expire at payment deadline"
	settleAtExpiry    = "settle at expiry"
	confirmAtDeadline = "confirm at payment deadline"
	holdDeliver       = "hold deliver"
	holdReceive       = "hold receive"
	holdAtExpiry      = "hold deliver at expiry"
)

func (m *machine) tableEvent(name string) Event {
	switch name {
	case instructDeliver, instructReceive, instructReceiveNH, instructMismatch:
		side := Receive
		if name == instructDeliver {
			side = Deliver
		}
		e := m.event(EventInstruct, side)
		e.Hash, e.Hold = hashOf(m.t, m.terms), name != instructReceiveNH
		if name == instructMismatch {
			other := m.terms
			other.Units++
			e.Hash = hashOf(m.t, other)
		}
		return e
	case settle:
		return m.event(EventSettle, "")
	case settleFailed:
		e := m.event(EventSettleFailed, "")
		e.Code, e.Rule = errs.RuleKYCExpired, 6
		return e
	case confirm:
		return m.event(EventConfirmPayment, "")
	case cancelDeliver:
		return m.event(EventCancel, Deliver)
	case cancelReceive:
		return m.event(EventCancel, Receive)
	case expireEarly:
		return m.event(EventExpire, "")
	case expireAtExpiry:
		e := m.event(EventExpire, "")
		e.At = m.terms.Expiry
		return e
	case expireAtDeadline:
		e := m.event(EventExpire, "")
		e.At = m.terms.PaymentDeadline
		return e
	case settleAtExpiry:
		e := m.event(EventSettle, "")
		e.At = m.terms.Expiry
		return e
	case confirmAtDeadline:
		e := m.event(EventConfirmPayment, "")
		e.At = m.terms.PaymentDeadline
		return e
	case holdDeliver:
		return m.event(EventHold, Deliver)
	case holdReceive:
		return m.event(EventHold, Receive)
	case holdAtExpiry:
		e := m.event(EventHold, Deliver)
		e.At = m.terms.Expiry
		return e
	}
	m.t.Fatalf("no table event %q", name)
	return Event{}
}

func TestTransitionTable(t *testing.T) {
	type row struct {
		from, event string
		want        Status    // status after, when accepted
		effects     []Effect  // when accepted
		code        errs.Code // when refused
	}
	rows := []row{
		{"pending-deliver", instructDeliver, "", nil, errs.AlreadyExists},
		{"pending-deliver", instructReceive, Matched, []Effect{HoldCash}, ""},
		{"pending-deliver", instructReceiveNH, Matched, nil, ""},
		{"pending-deliver", instructMismatch, "", nil, errs.Conflict},
		{"pending-deliver", settle, "", nil, errs.WrongState},
		{"pending-deliver", settleFailed, "", nil, errs.WrongState},
		{"pending-deliver", confirm, "", nil, errs.WrongState},
		{"pending-deliver", cancelDeliver, Cancelled, []Effect{ReleaseUnits}, ""},
		{"pending-deliver", cancelReceive, "", nil, errs.WrongState},
		{"pending-deliver", expireEarly, "", nil, errs.WrongState},
		{"pending-deliver", expireAtExpiry, Expired, []Effect{ReleaseUnits}, ""},
		{"pending-deliver", settleAtExpiry, "", nil, errs.WrongState},

		{"pending-receive", instructDeliver, Matched, []Effect{HoldUnits}, ""},
		{"pending-receive", instructReceive, "", nil, errs.AlreadyExists},
		{"pending-receive", settle, "", nil, errs.WrongState},
		{"pending-receive", confirm, "", nil, errs.WrongState},
		{"pending-receive", cancelDeliver, "", nil, errs.WrongState},
		{"pending-receive", cancelReceive, Cancelled, []Effect{ReleaseCash}, ""},
		{"pending-receive", expireEarly, "", nil, errs.WrongState},
		{"pending-receive", expireAtExpiry, Expired, []Effect{ReleaseCash}, ""},

		{"matched", instructDeliver, "", nil, errs.AlreadyExists},
		{"matched", instructReceive, "", nil, errs.AlreadyExists},
		{"matched", instructMismatch, "", nil, errs.AlreadyExists},
		{"matched", settle, Settled, []Effect{ReleaseUnits, ReleaseCash, DeliverUnits, PayCash}, ""},
		{"matched", settleFailed, Failed, nil, ""},
		{"matched", confirm, "", nil, errs.WrongState},
		{"matched", cancelDeliver, Matched, nil, ""},
		{"matched", cancelReceive, Matched, nil, ""},
		{"matched", expireEarly, "", nil, errs.WrongState},
		{"matched", expireAtExpiry, Expired, []Effect{ReleaseUnits, ReleaseCash}, ""},
		{"matched", settleAtExpiry, "", nil, errs.WrongState},

		{"matched, deliver asked to cancel", cancelDeliver, "", nil, errs.AlreadyExists},
		{"matched, deliver asked to cancel", cancelReceive, Cancelled, []Effect{ReleaseUnits, ReleaseCash}, ""},
		{"matched, deliver asked to cancel", settle, Settled, []Effect{ReleaseUnits, ReleaseCash, DeliverUnits, PayCash}, ""},

		{"failed", instructReceive, "", nil, errs.AlreadyExists},
		{"failed", settle, Settled, []Effect{ReleaseUnits, ReleaseCash, DeliverUnits, PayCash}, ""},
		{"failed", settleFailed, Failed, nil, ""},
		{"failed", confirm, "", nil, errs.WrongState},
		{"failed", cancelReceive, Failed, nil, ""},
		{"failed", expireEarly, "", nil, errs.WrongState},
		{"failed", expireAtExpiry, Expired, []Effect{ReleaseUnits, ReleaseCash}, ""},
		{"failed", settleAtExpiry, "", nil, errs.WrongState},

		{"rtgs matched", settle, AwaitingPayment, []Effect{HoldUnits}, ""},
		{"rtgs matched", confirm, "", nil, errs.WrongState},
		{"rtgs matched", expireAtExpiry, Expired, nil, ""},
		{"rtgs matched, units held", settle, AwaitingPayment, nil, ""},
		{"rtgs matched, units held", expireAtExpiry, Expired, []Effect{ReleaseUnits}, ""},

		{"awaiting-payment", instructDeliver, "", nil, errs.AlreadyExists},
		{"awaiting-payment", settle, "", nil, errs.WrongState},
		{"awaiting-payment", settleFailed, "", nil, errs.WrongState},
		{"awaiting-payment", confirm, Released, []Effect{ReleaseUnits, DeliverUnits}, ""},
		{"awaiting-payment", cancelDeliver, AwaitingPayment, nil, ""},
		{"awaiting-payment", expireEarly, "", nil, errs.WrongState},
		{"awaiting-payment", expireAtExpiry, "", nil, errs.WrongState}, // the deadline, not the expiry, governs now
		{"awaiting-payment", expireAtDeadline, Returned, []Effect{ReleaseUnits}, ""},
		{"awaiting-payment", confirmAtDeadline, "", nil, errs.WrongState},

		// A hold placed after the instruction, in its own step.
		{"pending-deliver, no hold", holdDeliver, PendingDeliver, []Effect{HoldUnits}, ""},
		{"pending-deliver, no hold", holdReceive, "", nil, errs.WrongState}, // the buyer has not instructed
		{"pending-deliver, no hold", holdAtExpiry, "", nil, errs.WrongState},
		{"pending-deliver", holdDeliver, "", nil, errs.AlreadyExists},
		{"matched, no holds", holdDeliver, Matched, []Effect{HoldUnits}, ""},
		{"matched, no holds", holdReceive, Matched, []Effect{HoldCash}, ""},
		{"matched", holdReceive, "", nil, errs.AlreadyExists},
		{"matched, no holds, deliver asked to cancel", holdDeliver, "", nil, errs.WrongState},
		{"matched, no holds, deliver asked to cancel", holdReceive, Matched, []Effect{HoldCash}, ""},
		{"failed, no holds", holdDeliver, Failed, []Effect{HoldUnits}, ""},
		{"rtgs matched", holdDeliver, Matched, []Effect{HoldUnits}, ""},
		{"rtgs matched", holdReceive, "", nil, errs.BadInput}, // an rtgs buyer pays off-ledger
		{"awaiting-payment", holdDeliver, "", nil, errs.AlreadyExists},
	}
	// Every event is refused in every final status.
	allEvents := []string{instructDeliver, instructReceive, settle, settleFailed, confirm,
		cancelDeliver, cancelReceive, expireEarly, expireAtExpiry, settleAtExpiry, holdDeliver, holdReceive}
	for _, final := range []string{"settled", "cancelled", "expired", "released", "returned"} {
		for _, ev := range allEvents {
			rows = append(rows, row{final, ev, "", nil, errs.WrongState})
		}
		if final == "released" || final == "returned" {
			rows = append(rows, row{final, expireAtDeadline, "", nil, errs.WrongState})
		}
	}

	for _, r := range rows {
		t.Run(r.from+"/"+r.event, func(t *testing.T) {
			m := reach(t, r.from)
			before := m.rec.clone()
			e := m.tableEvent(r.event)
			next, effects, err := Apply(m.rec, e)
			if !reflect.DeepEqual(m.rec, before) {
				t.Fatalf("Apply modified its input")
			}
			if r.code != "" {
				wantCode(t, err, r.code)
				if !strings.Contains(err.Error(), m.terms.TradeRef) {
					t.Errorf("refusal %q does not name the settlement", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if next.Status != r.want {
				t.Fatalf("status %s, want %s", next.Status, r.want)
			}
			if !reflect.DeepEqual(effects, r.effects) {
				t.Fatalf("effects %v, want %v", effects, r.effects)
			}
			if next.Status.Final() && next.Holds() {
				t.Fatalf("final status %s still holds: %+v %+v", next.Status, next.Deliver, next.Receive)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	tests := []struct {
		name    string
		terms   Terms
		event   Event
		status  Status
		effects []Effect
		code    errs.Code
		field   string
	}{
		{"deliver with hold", trade(), Event{Type: EventInstruct, Side: Deliver, Hold: true, At: day0}, PendingDeliver, []Effect{HoldUnits}, "", ""},
		{"receive with hold", trade(), Event{Type: EventInstruct, Side: Receive, Hold: true, At: day0}, PendingReceive, []Effect{HoldCash}, "", ""},
		{"deliver without hold", trade(), Event{Type: EventInstruct, Side: Deliver, At: day0}, PendingDeliver, nil, "", ""},
		{"issuance deliver", issuance(), Event{Type: EventInstruct, Side: Deliver, At: day0}, PendingDeliver, nil, "", ""},
		{"issuance deliver with hold", issuance(), Event{Type: EventInstruct, Side: Deliver, Hold: true, At: day0}, "", nil, errs.BadInput, "hold"},
		{"rtgs receive with hold", rtgsTrade(), Event{Type: EventInstruct, Side: Receive, Hold: true, At: day0}, "", nil, errs.BadInput, "hold"},
		{"expired already", trade(), Event{Type: EventInstruct, Side: Deliver, At: trade().Expiry}, "", nil, errs.BadInput, "expiry"},
		{"invalid terms", func() Terms { x := trade(); x.Units = 0; return x }(), Event{Type: EventInstruct, Side: Deliver, At: day0}, "", nil, errs.BadInput, "units"},
		{"unknown side", trade(), Event{Type: EventInstruct, Side: "lend", At: day0}, "", nil, errs.BadInput, "side"},
		{"settle before any instruction", trade(), Event{Type: EventSettle, At: day0}, "", nil, errs.NotFound, ""},
		{"no time", trade(), Event{Type: EventInstruct, Side: Deliver}, "", nil, errs.Internal, ""},
		{"event hash not the terms'", trade(), Event{Type: EventInstruct, Side: Deliver, Hash: "00", At: day0}, "", nil, errs.Internal, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, effects, err := Open(tc.terms, tc.event)
			if tc.code != "" {
				wantCode(t, err, tc.code)
				if tc.field != "" && !strings.Contains(err.Error(), tc.field+":") {
					t.Fatalf("error %q does not name field %s", err, tc.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tc.status || !reflect.DeepEqual(effects, tc.effects) {
				t.Fatalf("status %s effects %v, want %s %v", r.Status, effects, tc.status, tc.effects)
			}
			leg := r.Leg(tc.event.Side)
			if leg == nil || leg.Hash != hashOf(t, tc.terms) || leg.Held != tc.event.Hold || r.Leg(tc.event.Side.Other()) != nil {
				t.Fatalf("legs %+v %+v", r.Deliver, r.Receive)
			}
			if r.SellerBank != tc.terms.SellerBank() || r.BuyerBank != "Org3MSP" || r.Tranche != "DEAL1-A" || !r.Expiry.Equal(tc.terms.Expiry) {
				t.Fatalf("public fields %+v", r)
			}
		})
	}
}

func TestFailureRecordsCodeAndCountsAttempts(t *testing.T) {
	m := reach(t, "failed")
	if f := m.rec.Failure; f == nil || f.Code != errs.RuleKYCExpired || f.Rule != 6 || f.Attempts != 1 {
		t.Fatalf("failure %+v", m.rec.Failure)
	}
	steps := len(m.rec.History)
	e := m.event(EventSettleFailed, "")
	e.Code = errs.InsufficientBalance
	m.must(e)
	if f := m.rec.Failure; f.Code != errs.InsufficientBalance || f.Rule != 0 || f.Attempts != 2 || f.TxID != e.TxID {
		t.Fatalf("failure after retry %+v", f)
	}
	if len(m.rec.History) != steps {
		t.Fatalf("a repeated failure added a history step")
	}
	m.must(m.event(EventSettle, ""))
	if m.rec.Status != Settled {
		t.Fatalf("retry after failure: %s", m.rec.Status)
	}
}

func TestHistoryRecordsEveryStep(t *testing.T) {
	m := reach(t, "released")
	want := []struct {
		event  EventType
		side   Side
		status Status
	}{
		{EventInstruct, Deliver, PendingDeliver},
		{EventInstruct, Receive, Matched},
		{EventSettle, "", AwaitingPayment},
		{EventConfirmPayment, "", Released},
	}
	if len(m.rec.History) != len(want) {
		t.Fatalf("history %+v", m.rec.History)
	}
	for i, w := range want {
		s := m.rec.History[i]
		if s.Event != w.event || s.Side != w.side || s.Status != w.status || s.TxID == "" || s.At.IsZero() {
			t.Errorf("step %d = %+v, want %+v", i, s, w)
		}
		if i > 0 && !s.At.After(m.rec.History[i-1].At) {
			t.Errorf("step %d not after step %d", i, i-1)
		}
	}
}

func TestMismatchNamesBothHashes(t *testing.T) {
	m := reach(t, "pending-receive")
	e := m.tableEvent(instructDeliver)
	other := m.terms
	other.Nonce = strings.Repeat("9", 32)
	e.Hash = hashOf(t, other)
	_, _, err := Apply(m.rec, e)
	wantCode(t, err, errs.Conflict)
	if !strings.Contains(err.Error(), e.Hash) || !strings.Contains(err.Error(), m.rec.Receive.Hash) {
		t.Fatalf("message %q should show both hashes", err)
	}
}

func TestSideHelpers(t *testing.T) {
	if Deliver.Other() != Receive || Receive.Other() != Deliver {
		t.Fatal("Other")
	}
	for _, s := range []string{"deliver", "receive"} {
		if got, err := ParseSide(s); err != nil || string(got) != s {
			t.Fatalf("ParseSide(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseSide("Deliver"); !errs.Is(err, errs.BadInput) {
		t.Fatalf("ParseSide is case-sensitive: %v", err)
	}
	final := 0
	for _, s := range Statuses() {
		if s.Final() {
			final++
		}
	}
	if final != 5 {
		t.Fatalf("%d final statuses, want settled, released, returned, cancelled, expired", final)
	}
	r := reach(t, "matched").rec
	if r.Bank(Deliver) != "Org2MSP" || r.Bank(Receive) != "Org3MSP" {
		t.Fatalf("banks %s %s", r.Bank(Deliver), r.Bank(Receive))
	}
}
