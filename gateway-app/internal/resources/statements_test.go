package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/projections"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// eventChain serves chaincode events from a checkpoint, as the peer does.
type eventChain []events.RawEvent

func (c eventChain) Events(ctx context.Context, cp store.Checkpoint) (<-chan events.RawEvent, error) {
	out := make(chan events.RawEvent)
	go func() {
		defer close(out)
		for _, ev := range c {
			if ev.Block < cp.Block || ev.Block == cp.Block && cp.TxID != "" {
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

func chainEvent(n uint64, typ string, data any) events.RawEvent {
	d, _ := json.Marshal(data)
	p, _ := json.Marshal(map[string]any{"schema": events.EnvelopeSchema, "txId": fmt.Sprintf("tx%d", n), "time": "2026-02-15T10:00:00Z",
		"events": []map[string]any{{"type": typ, "data": json.RawMessage(d)}}})
	return events.RawEvent{Block: n, TxID: fmt.Sprintf("tx%d", n), Name: "tranchenet", Payload: p}
}

// feed applies a chain to the test server's read model with a real
// listener and the projections, fetching from the fake ledger.
func (ts *testServer) feed(evs eventChain) {
	ts.t.Helper()
	l := events.New(ts.store, evs, events.Options{MinBackoff: time.Millisecond})
	l.RegisterAll(projections.EventLog)
	projections.New(testMSP, func(ctx context.Context, fn string, args ...string) ([]byte, error) {
		res, err := ts.ledger.Evaluate(ctx, "Admin", ledger.Tx{Fn: fn, Args: args})
		return res.Payload, err
	}, nil).Register(l)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if cp, _ := l.Checkpoint(); cp.TxID == evs[len(evs)-1].TxID {
			return
		}
		if time.Now().After(deadline) {
			ts.t.Fatalf("events not applied: %s", l.Status().LastError)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestStatementsFromTheReadModel(t *testing.T) {
	ts := newTestServer(t)
	me, compliance := ts.key(roles.Investor), ts.key(roles.Compliance)
	units := map[string]int64{me: 250, compliance: 750}
	ts.ledger.script("Token:Position", func(tx ledger.Tx) (ledger.Result, error) {
		return jsonResult(schema.PositionView{Tranche: tx.Args[0], Holder: tx.Args[1], Units: units[tx.Args[1]], Free: units[tx.Args[1]]})
	})
	perUnit := decimal.RequireFromString("0.2")
	ts.ledger.answer("Servicing:GetCertification", schema.Certification{Deal: "D-1", Period: 1, ResultHash: "rh", InputsHash: "ih",
		Inputs: distribution.PeriodInputs{PaymentDate: daycount.NewDate(2026, time.February, 15)},
		Distributions: []schema.ClassDistribution{{Class: "A", Tranche: "D-1-A", Distribution: distribution.Distribution{
			Payment: money.FromMajor(200), Units: 1000, Increment: distribution.Increment{Delta: perUnit}, IndexAfter: perUnit}}}})
	ts.feed(eventChain{
		chainEvent(3, "UnitsPlaced", map[string]string{"tranche": "D-1-A", "investor": me}),
		chainEvent(4, "UnitsPlaced", map[string]string{"tranche": "D-1-A", "investor": compliance}),
		chainEvent(5, "ReportSubmitted", map[string]any{"deal": "D-1", "period": 1, "attempt": 1, "chunks": 2}),
		chainEvent(6, "ReportCompleted", map[string]any{"deal": "D-1", "period": 1, "attempt": 1, "merkleRoot": "ab", "loanCount": 40}),
		chainEvent(7, "PeriodCertified", map[string]any{"deal": "D-1", "period": 1, "resultHash": "rh"}),
	})

	// An investor sees its own holdings; staff see every client.
	var mine HoldingList
	a := ts.do("GET", "/v1/holdings", roles.Investor, "")
	a.decode(t, &mine)
	if a.Status != 200 || len(mine.Holdings) != 1 || mine.Holdings[0].Holder != me || mine.Holdings[0].Units != 250 {
		t.Fatalf("investor holdings: %d %s", a.Status, a.Body)
	}
	var all HoldingList
	ts.do("GET", "/v1/holdings?tranche=D-1-A", roles.Compliance, "").decode(t, &all)
	if len(all.Holdings) != 2 {
		t.Fatalf("compliance sees %d holdings", len(all.Holdings))
	}
	if a := ts.do("GET", "/v1/holdings?holder="+compliance, roles.Investor, ""); a.Status != http.StatusForbidden {
		t.Fatalf("an investor reading another client's holdings: %d %s", a.Status, a.Body)
	}
	if a := ts.do("GET", "/v1/investors/"+pathA+"/statement", roles.Compliance, ""); a.Status != http.StatusNotFound {
		t.Fatalf("another bank's client: %d %s", a.Status, a.Body)
	}

	// The investor's statement and the period statement agree: 250 units
	// at 0.20 is 50.00.
	var st store.InvestorStatement
	a = ts.do("GET", "/v1/investors/"+me+"/statement", roles.Investor, "")
	a.decode(t, &st)
	if a.Status != 200 || len(st.Distributions) != 1 || st.Distributions[0].Amount != money.FromMajor(50) || len(st.HoldingHistory) != 1 {
		t.Fatalf("investor statement: %d %s", a.Status, a.Body)
	}
	var ps store.PeriodStatement
	a = ts.do("GET", "/v1/deals/D-1/periods/1/statement", roles.Compliance, "")
	a.decode(t, &ps)
	if a.Status != 200 || len(ps.Lines) != 2 || ps.Totals[0].Amount != money.FromMajor(200) {
		t.Fatalf("period statement: %d %s", a.Status, a.Body)
	}
	csv := ts.do("GET", "/v1/deals/D-1/periods/1/statement?format=csv", roles.Compliance, "")
	if csv.Status != 200 || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") || strings.Count(string(csv.Body), "\n") != 3 ||
		!strings.Contains(string(csv.Body), me+",D-1-A,A,250,0.2,50,50.00") {
		t.Fatalf("csv: %d %v\n%s", csv.Status, csv.Header, csv.Body)
	}
	if a := ts.do("GET", "/v1/deals/D-1/periods/1/statement", roles.Investor, ""); a.Status != http.StatusForbidden {
		t.Fatalf("an investor reading the bank's statement: %d", a.Status)
	}
	if a := ts.do("GET", "/v1/deals/D-1/periods/2/statement", roles.Trustee, ""); a.Status != http.StatusNotFound {
		t.Fatalf("an uncertified period: %d", a.Status)
	}
	var reports ReportHistory
	ts.do("GET", "/v1/deals/D-1/reports", roles.Auditor, "").decode(t, &reports)
	if len(reports.Events) != 3 || reports.Events[0].Event != "ReportSubmitted" || reports.Events[2].Event != "PeriodCertified" {
		t.Fatalf("report history %+v", reports)
	}
	var dists DistributionHistory
	ts.do("GET", "/v1/deals/D-1/distributions", roles.Auditor, "").decode(t, &dists)
	if len(dists.Distributions) != 1 || dists.Distributions[0].Classes[0].PerUnit.String() != "0.2" {
		t.Fatalf("distributions %+v", dists)
	}
	var hist HoldingHistory
	ts.do("GET", "/v1/tranches/D-1-A/holders/"+me+"/history", roles.Investor, "").decode(t, &hist)
	if len(hist.Entries) != 1 || hist.Entries[0].Change != 250 {
		t.Fatalf("history %+v", hist)
	}
}
