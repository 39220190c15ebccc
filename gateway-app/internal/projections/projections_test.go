package projections

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

const (
	alice = "Org2MSP/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" // a client of this bank
	anna  = "Org2MSP/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" // another
	bob   = "Org3MSP/cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc" // another bank's client
)

// chain is a fixed list of chaincode events served from a checkpoint.
type chain []events.RawEvent

func (c chain) Events(ctx context.Context, cp store.Checkpoint) (<-chan events.RawEvent, error) {
	out := make(chan events.RawEvent)
	go func() {
		defer close(out)
		for _, ev := range c {
			if ev.Block < cp.Block || ev.Block == cp.Block && cp.TxID != "" && ev.TxID <= cp.TxID {
				continue
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
		<-ctx.Done()
	}()
	return out, nil
}

// envelope builds a transaction's chaincode event in block n.
func envelope(n uint64, typ string, data any) events.RawEvent {
	d, _ := json.Marshal(data)
	txID := fmt.Sprintf("tx%03d", n)
	p, _ := json.Marshal(map[string]any{"schema": events.EnvelopeSchema, "txId": txID, "time": "2026-02-15T10:00:00Z",
		"events": []map[string]any{{"type": typ, "data": json.RawMessage(d)}}})
	return events.RawEvent{Block: n, TxID: txID, Chaincode: "tranchenet", Name: "tranchenet", Payload: p}
}

// ledgerState is what the fake peer answers: positions, balances, terms,
// certifications; and faults to inject.
type ledgerState struct {
	mu        sync.Mutex
	positions map[string]Position // tranche|holder
	balances  map[string]Balance
	terms     map[string]settlement.Terms
	certs     map[string]schema.Certification
	failNext  map[string]int // fn → transient failures left
	// lagging: fn → answers of a peer that has not committed the record
	// yet (NOT_FOUND) left.
	lagging map[string]int
	asked   []string
}

func (s *ledgerState) fetch(_ context.Context, fn string, args ...string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = append(s.asked, fn+" "+strings.Join(args, " "))
	if s.failNext[fn] > 0 {
		s.failNext[fn]--
		return nil, &ledger.Error{Kind: ledger.KindUnavailable, Message: "peer unavailable"}
	}
	if s.lagging[fn] > 0 {
		s.lagging[fn]--
		return nil, &ledger.Error{Kind: ledger.KindRefused, Code: errs.NotFound, Message: fn + " not found (the peer lags)"}
	}
	var v any
	var ok bool
	switch fn {
	case "Token:Position":
		v, ok = s.positions[args[0]+"|"+args[1]]
	case "Cash:Balance":
		v, ok = s.balances[args[0]]
	case "Settlement:Terms":
		v, ok = s.terms[args[0]+"|"+args[1]]
	case "Servicing:GetCertification":
		v, ok = s.certs[args[0]+"|"+args[1]]
	case "Token:Positions":
		var qs []schema.PositionQuery
		if err := json.Unmarshal([]byte(args[0]), &qs); err != nil {
			return nil, err
		}
		out := make([]schema.PositionAnswer, len(qs))
		for i, q := range qs {
			out[i] = schema.PositionAnswer{Tranche: q.Tranche, Holder: q.Holder, Refusal: "[NOT_FOUND] no position"}
			if p, found := s.positions[q.Tranche+"|"+q.Holder]; found {
				out[i].Position, out[i].Refusal = &schema.PositionView{Tranche: q.Tranche, Holder: q.Holder, Units: p.Units, FrozenUnits: p.FrozenUnits, HeldUnits: p.HeldUnits, Free: p.Free}, ""
			}
		}
		v, ok = out, true
	case "Cash:Balances":
		var hs []string
		if err := json.Unmarshal([]byte(args[0]), &hs); err != nil {
			return nil, err
		}
		out := make([]schema.BalanceAnswer, len(hs))
		for i, h := range hs {
			out[i] = schema.BalanceAnswer{Holder: h, Refusal: "[NOT_FOUND] no account"}
			if b, found := s.balances[h]; found {
				out[i].Balance, out[i].Refusal = &schema.CashBalance{Holder: h, Balance: b.Balance, Held: b.Held, Available: b.Available}, ""
			}
		}
		v, ok = out, true
	}
	if !ok {
		return nil, &ledger.Error{Kind: ledger.KindRefused, Code: errs.NotFound, Message: fn + " " + strings.Join(args, " ") + " not found"}
	}
	return json.Marshal(v)
}

func (s *ledgerState) set(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

// run applies the chain (as of each event, the fake ledger's state is
// what the step set) with a real listener and waits for it.
type harness struct {
	t     *testing.T
	db    *store.DB
	state *ledgerState
}

func newHarness(t *testing.T) *harness {
	db, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &harness{t: t, db: db, state: &ledgerState{positions: map[string]Position{}, balances: map[string]Balance{},
		terms: map[string]settlement.Terms{}, certs: map[string]schema.Certification{}, failNext: map[string]int{}, lagging: map[string]int{}}}
}

func (h *harness) apply(evs chain) {
	h.t.Helper()
	l := events.New(h.db, evs, events.Options{MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond})
	New("Org2MSP", h.state.fetch, nil).Register(l)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	last := evs[len(evs)-1]
	deadline := time.Now().Add(10 * time.Second)
	for {
		cp, _ := l.Checkpoint()
		if cp.Block == last.Block && cp.TxID == last.TxID {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			<-done
			h.t.Fatalf("the listener did not apply the chain: checkpoint %+v, last error %q", cp, l.Status().LastError)
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
}

func (h *harness) view(fn func(rm store.Reader) error) {
	h.t.Helper()
	if err := h.db.View(fn); err != nil {
		h.t.Fatal(err)
	}
}

func TestHoldingsAndCashFollowTheBanksClients(t *testing.T) {
	h := newHarness(t)
	h.state.set(func() {
		h.state.positions["A|"+alice] = Position{Units: 100, Free: 100}
		h.state.positions["A|"+anna] = Position{Units: 40, Free: 40}
	})
	h.apply(chain{
		envelope(5, "UnitsPlaced", map[string]string{"deal": "D", "tranche": "A", "investor": alice}),
		envelope(6, "UnitsPlaced", map[string]string{"deal": "D", "tranche": "A", "investor": anna}),
		envelope(7, "UnitsPlaced", map[string]string{"deal": "D", "tranche": "A", "investor": bob}),
	})
	// Alice sells 30 to Bob (another bank's client) and is paid what she
	// had accrued; then 10 of hers are frozen.
	h.state.set(func() {
		h.state.positions["A|"+alice] = Position{Units: 70, Free: 70}
		h.state.balances[alice] = Balance{Balance: money.FromMajor(12), Available: money.FromMajor(12)}
	})
	h.state.failNext["Token:Position"] = 2 // the peer hiccups: the event waits for its facts
	h.apply(chain{
		envelope(8, "TokenTransferred", map[string]string{"tranche": "A", "from": alice, "to": bob}),
		envelope(9, "DistributionClaimed", map[string]string{"tranche": "A", "holder": alice}),
	})
	h.state.set(func() { h.state.positions["A|"+alice] = Position{Units: 70, FrozenUnits: 10, Free: 60} })
	h.apply(chain{envelope(10, "UnitsFrozen", map[string]any{"tranche": "A", "holder": alice})})

	h.view(func(rm store.Reader) error {
		all, err := rm.Holdings("", "")
		if err != nil {
			return err
		}
		if len(all) != 2 || all[0].Holder != alice || all[0].Units != 70 || all[0].FrozenUnits != 10 || all[0].AsOf.Block != 10 || all[1].Holder != anna {
			t.Fatalf("holdings %+v: only this bank's clients, as last read", all)
		}
		if got := holdingChanges(t, rm, alice, "A"); got != "UnitsPlaced:100→100 TokenTransferred:-30→70 UnitsFrozen:0→70" {
			t.Fatalf("history %s", got)
		}
		c, found, err := rm.Cash(alice)
		if err != nil || !found || c.Balance != money.FromMajor(12) {
			t.Fatalf("cash %+v %v %v", c, found, err)
		}
		ch, _ := rm.CashHistory(alice)
		if len(ch) != 1 || ch[0].Change != money.FromMajor(12) || ch[0].Event != "DistributionClaimed" {
			t.Fatalf("cash history %+v", ch)
		}
		return nil
	})
	for _, q := range h.state.asked {
		if strings.Contains(q, bob) {
			t.Fatalf("the projection asked for another bank's client: %s", q)
		}
	}
}

// holdingChanges is a holder's history in a tranche: event:change→units.
func holdingChanges(t *testing.T, rm store.Reader, holder, tranche string) string {
	t.Helper()
	hist, err := rm.HoldingHistory(holder, tranche)
	if err != nil {
		t.Fatal(err)
	}
	var changes []string
	for _, e := range hist {
		changes = append(changes, fmt.Sprintf("%s:%d→%d", e.Event, e.Change, e.Units))
	}
	return strings.Join(changes, " ")
}

func TestSettlementMovesAreReadFromTheBanksOwnTerms(t *testing.T) {
	h := newHarness(t)
	h.state.set(func() {
		h.state.terms["T-1|deliver"] = settlement.Terms{TradeRef: "T-1", Kind: settlement.KindTrade, Tranche: "A", Seller: alice, Buyer: bob, Units: 5, Cash: money.FromMajor(5)}
		h.state.positions["A|"+alice] = Position{Units: 95, Free: 95}
		h.state.balances[alice] = Balance{Balance: money.FromMajor(105)}
	})
	h.apply(chain{
		envelope(3, "SettlementSettled", map[string]string{"tradeRef": "T-1", "tranche": "A", "sellerBank": "Org2MSP", "buyerBank": "Org3MSP", "status": "settled"}),
		envelope(4, "SettlementSettled", map[string]string{"tradeRef": "T-2", "tranche": "A", "sellerBank": "Org1MSP", "buyerBank": "Org3MSP", "status": "settled"}),
	})
	h.view(func(rm store.Reader) error {
		hist, _ := rm.HoldingHistory(alice, "A")
		ch, _ := rm.CashHistory(alice)
		if len(hist) != 1 || hist[0].Units != 95 || hist[0].Detail != "T-1" || len(ch) != 1 || ch[0].Balance != money.FromMajor(105) {
			t.Fatalf("history %+v cash %+v", hist, ch)
		}
		return nil
	})
	for _, q := range h.state.asked {
		if strings.Contains(q, "T-2") {
			t.Fatalf("a settlement between two other banks was looked up: %s", q)
		}
	}
}

func TestPeriodStatementPaysEachClientItsUnitsTimesThePerUnitAmount(t *testing.T) {
	h := newHarness(t)
	h.state.set(func() {
		h.state.positions["A|"+alice] = Position{Units: 333}
		h.state.positions["A|"+anna] = Position{Units: 667}
	})
	// 1,000 units outstanding; the class is paid 100.00: 0.1 per unit.
	delta := decimal.RequireFromString("0.1")
	cert := schema.Certification{Deal: "D", Period: 1, ResultHash: "r", InputsHash: "i",
		Inputs: distribution.PeriodInputs{PaymentDate: daycount.NewDate(2026, time.February, 15)},
		Distributions: []schema.ClassDistribution{{Class: "A", Tranche: "A", Distribution: distribution.Distribution{Payment: money.FromMajor(100), Units: 1000,
			Increment: distribution.Increment{Delta: delta}, IndexAfter: delta}}}}
	h.state.set(func() { h.state.certs["D|1"] = cert })
	h.apply(chain{
		envelope(2, "UnitsPlaced", map[string]string{"tranche": "A", "investor": alice}),
		envelope(3, "UnitsPlaced", map[string]string{"tranche": "A", "investor": anna}),
		envelope(4, "PeriodCertified", map[string]any{"deal": "D", "period": 1, "resultHash": "r", "eventOfDefault": false}),
	})
	h.view(func(rm store.Reader) error {
		s, found, err := rm.Statement("D", 1)
		if err != nil || !found {
			t.Fatalf("statement: %v %v", found, err)
		}
		if len(s.Lines) != 2 || s.Lines[0].Holder != alice || s.Lines[0].Amount != money.Amount(3330) || s.Lines[1].Amount != money.Amount(6670) {
			t.Fatalf("lines %+v", s.Lines)
		}
		if len(s.Totals) != 1 || s.Totals[0].Units != 1000 || s.Totals[0].Amount != money.FromMajor(100) {
			t.Fatalf("totals %+v", s.Totals)
		}
		csv, err := s.CSV()
		if err != nil {
			return err
		}
		lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
		if len(lines) != 3 || lines[0] != "deal,period,paymentDate,holder,tranche,class,units,perUnit,entitlement,amount" ||
			lines[1] != "D,1,2026-02-15,"+alice+",A,A,333,0.1,33.3,33.30" {
			t.Fatalf("csv:\n%s", csv)
		}
		inv, err := rm.Investor(anna)
		if err != nil || len(inv.Distributions) != 1 || inv.Distributions[0].Amount != money.Amount(6670) || len(inv.Positions) != 1 {
			t.Fatalf("investor statement %+v %v", inv, err)
		}
		hist, _ := rm.ReportHistory("D")
		if len(hist) != 1 || hist[0].Event != "PeriodCertified" {
			t.Fatalf("report history %+v", hist)
		}
		return nil
	})
}

func TestARefusedFetchIsAnAnswerNotAStall(t *testing.T) {
	h := newHarness(t)
	// Nothing is scripted: every fetch is refused (NOT_FOUND), and the
	// stream goes on.
	h.apply(chain{
		envelope(2, "UnitsPlaced", map[string]string{"tranche": "A", "investor": alice}),
		envelope(3, "CashPaid", map[string]string{"to": alice}),
	})
	h.view(func(rm store.Reader) error {
		all, _ := rm.Holdings("", "")
		if len(all) != 0 {
			t.Fatalf("an unreadable position was recorded: %+v", all)
		}
		return nil
	})
	if len(h.state.asked) != 2 {
		t.Fatalf("asked %v", h.state.asked)
	}
}

func TestEventLogKeepsNonJSONPayloads(t *testing.T) {
	db, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	err = db.Update(func(w store.Writer) error {
		if err := EventLog(w, events.Event{Block: 1, TxID: "t", Name: "raw", Data: []byte{0xff, 0x00}}); err != nil {
			return err
		}
		return EventLog(w, events.Event{Block: 2, TxID: "u", Name: "Typed", Time: at, Data: []byte(`{"a":1}`)})
	})
	if err != nil {
		t.Fatal(err)
	}
	var page store.EventPage
	db.View(func(r store.Reader) (err error) { page, err = r.Events(store.EventQuery{}); return err })
	if len(page.Events) != 2 {
		t.Fatalf("%+v", page.Events)
	}
	if raw := page.Events[0]; raw.Data != nil || !bytes.Equal(raw.Payload, []byte{0xff, 0x00}) || raw.Time != nil {
		t.Fatalf("raw payload: %+v", raw)
	}
	if typed := page.Events[1]; string(typed.Data) != `{"a":1}` || typed.Payload != nil || typed.Time == nil || typed.Time.Location() != time.UTC || !typed.Time.Equal(at) {
		t.Fatalf("JSON event: %+v", typed)
	}
}

// Remitting collections and funding a reserve move the payer's cash into a
// deal account: the payer's cash follows (the fault campaign's rebuild
// found it stale before the events named the payer).
func TestCashPaidIntoADealAccountFollowsThePayer(t *testing.T) {
	h := newHarness(t)
	h.state.set(func() {
		h.state.balances[alice] = Balance{Balance: money.FromMajor(100), Available: money.FromMajor(100)}
	})
	h.apply(chain{envelope(3, "CashPaid", map[string]string{"to": alice})})
	h.state.set(func() {
		h.state.balances[alice] = Balance{Balance: money.FromMajor(70), Available: money.FromMajor(70)}
	})
	h.apply(chain{envelope(4, "CollectionsRemitted", map[string]string{"deal": "D", "amount": "30.00", "from": alice})})
	h.state.set(func() {
		h.state.balances[alice] = Balance{Balance: money.FromMajor(65), Available: money.FromMajor(65)}
	})
	h.apply(chain{envelope(5, "ReserveFunded", map[string]string{"deal": "D", "reserve": "reserve", "amount": "5.00", "from": alice})})
	h.view(func(rm store.Reader) error {
		c, found, err := rm.Cash(alice)
		if err != nil || !found || c.Balance != money.FromMajor(65) || c.AsOf.Block != 5 {
			t.Fatalf("cash %+v %v %v, want 65 as of block 5", c, found, err)
		}
		ch, _ := rm.CashHistory(alice)
		var changes []string
		for _, e := range ch {
			changes = append(changes, fmt.Sprintf("%s:%s", e.Event, e.Change))
		}
		if got := strings.Join(changes, " "); got != "CashPaid:100.00 CollectionsRemitted:-30.00 ReserveFunded:-5.00" {
			t.Fatalf("cash history %s", got)
		}
		return nil
	})
}

// A certified period's event can arrive from one peer while the bank's
// own peer, just restarted, has not committed it yet and answers
// NOT_FOUND: the event proves the certification exists, so the listener
// asks again instead of recording the period without it (the fault
// campaign's rebuild compare found a distribution missing so).
func TestACertificationTheAskedPeerHasNotYetIsAskedAgain(t *testing.T) {
	h := newHarness(t)
	cert := schema.Certification{Deal: "D", Period: 1, ResultHash: "r", InputsHash: "i",
		Inputs: distribution.PeriodInputs{PaymentDate: daycount.NewDate(2026, time.February, 15)}}
	h.state.set(func() {
		h.state.certs["D|1"] = cert
		h.state.lagging["Servicing:GetCertification"] = 2
	})
	h.apply(chain{envelope(4, "PeriodCertified", map[string]any{"deal": "D", "period": 1, "resultHash": "r", "eventOfDefault": false})})
	h.view(func(rm store.Reader) error {
		ds, err := rm.Distributions("D")
		if err != nil || len(ds) != 1 || ds[0].Period != 1 || ds[0].ResultHash != "r" {
			t.Fatalf("distributions %+v %v: want period 1, read once the peer had it", ds, err)
		}
		return nil
	})
}
