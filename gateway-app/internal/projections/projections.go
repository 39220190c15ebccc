// Package projections are the gateway's read model views fed by chaincode
// events: this bank's clients' holdings and cash with their history, the
// deals' report and distribution history, per-period distribution
// statements and investor statements.
//
// Chaincode events are public, so they name holders but never carry
// amounts. When an event touches a client of this bank, the projection
// takes the amounts from its transaction's private writes when the stream
// brought them (events.BlockSource: see txWrites), and otherwise asks the
// ledger for them (Token:Position, Cash:Balance, the
// bank's own settlement terms) as the bank's fetch identity, on its own
// peer, before the event is applied (events.Enricher). If a fetch fails
// for a transient reason the event is not applied and the listener tries
// it again; a refusal is an answer (the read model records that the
// amount could not be read) so one odd event never stops the stream.
//
// Amounts that are read are read when the event is applied: in real time
// they are the state right after the event's transaction. A gateway that
// replays the chain from an earlier block reads today's amounts for past
// events, because Fabric keeps no history of private data; the current
// snapshots are exact either way.
//
// The projections decide what to record; package store keeps it, in the
// listener's transaction (store.Writer). Imports: events, ledger (for the
// fetches), store and the chaincode's pure core; never bbolt or the API.
package projections

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// Fetch evaluates a chaincode query as the bank's fetch identity, on its
// own peer.
type Fetch func(ctx context.Context, fn string, args ...string) ([]byte, error)

// Projector maintains the projections of one bank.
type Projector struct {
	msp   string
	fetch Fetch
	log   *slog.Logger
	terms *termsCache // this bank's settlement terms already read
}

// New returns the projector of bank msp.
func New(msp string, fetch Fetch, log *slog.Logger) *Projector {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Projector{msp: msp, fetch: fetch, log: log, terms: newTermsCache()}
}

// Register installs the enricher and the projections on a listener.
func (p *Projector) Register(l *events.Listener) {
	l.SetBatchEnricher(p.enrichBatch)
	for _, name := range holdingEvents {
		l.Register(name, p.applyHoldings)
	}
	for _, name := range cashEvents {
		l.Register(name, p.applyCash)
	}
	for _, name := range settlementEvents {
		l.Register(name, p.applySettlement)
	}
	for _, name := range reportEvents {
		l.Register(name, applyReport)
	}
	l.Register("PeriodCertified", p.applyCertified)
}

// payload is every field the projected events carry; each event sets
// some of them.
type payload struct {
	Tranche  string `json:"tranche"`
	From     string `json:"from"`
	To       string `json:"to"`
	Holder   string `json:"holder"`
	Investor string `json:"investor"`
	Payee    string `json:"payee"`
	Reason   string `json:"reason"`

	Deal       string `json:"deal"`
	Period     int    `json:"period"`
	Attempt    int    `json:"attempt"`
	Chunk      int    `json:"chunk"`
	Chunks     int    `json:"chunks"`
	Rows       int    `json:"rows"`
	MerkleRoot string `json:"merkleRoot"`
	LoanCount  int    `json:"loanCount"`
	ResultHash string `json:"resultHash"`

	TradeRef   string `json:"tradeRef"`
	SellerBank string `json:"sellerBank"`
	BuyerBank  string `json:"buyerBank"`
	Status     string `json:"status"`
	Side       string `json:"side"`
	Code       string `json:"code"`
	Rule       int    `json:"rule"`
}

func decode(ev events.Event) (payload, error) {
	var p payload
	if len(ev.Data) == 0 {
		return p, nil
	}
	err := json.Unmarshal(ev.Data, &p)
	return p, err
}

// own filters identity keys down to this bank's clients, sorted and
// without repeats.
func (p *Projector) own(keys ...string) []string {
	var out []string
	for _, k := range keys {
		id, err := roles.ParseKey(k)
		if err != nil || id.MSP != p.msp || slices.Contains(out, k) {
			continue
		}
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// refused reports whether a fetch error is the chaincode's answer (the
// amount is not readable, and will not become readable by asking again)
// rather than a failure to ask.
func refused(err error) bool {
	var le *ledger.Error
	return errors.As(err, &le) && le.Kind == ledger.KindRefused
}

// notFound reports a refusal because the record does not exist (yet).
func notFound(err error) bool {
	var le *ledger.Error
	return errors.As(err, &le) && le.Kind == ledger.KindRefused && le.Code == errs.NotFound
}

// position places an event in the chain: block, transaction in block,
// event in transaction (the event log's order).
func position(ev events.Event) store.Position {
	return store.Position{Block: ev.Block, TxSeq: ev.TxSeq, Index: ev.Index}
}

func stampOf(ev events.Event) store.Stamp {
	s := store.Stamp{Block: ev.Block, TxID: ev.TxID, Event: ev.Name}
	if !ev.Time.IsZero() {
		s.Time = ev.Time.UTC().Format("2006-01-02T15:04:05.999999999Z07:00")
	}
	return s
}
