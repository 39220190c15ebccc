package projections

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/settlement"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
)

// Facts are what the enricher read from the ledger for one event.
type Facts struct {
	// Positions of this bank's clients the event touched, by holder then
	// tranche.
	Positions []PositionFact
	// Balances of this bank's clients the event touched, by holder.
	Balances []BalanceFact
	// Certification is a certified period's public record.
	Certification *schema.Certification
	// TradeRef names the settlement a settlement event is about.
	TradeRef string
}

// PositionFact is a position read after the event, or why it could not be.
type PositionFact struct {
	Tranche, Holder string
	Position        *Position
	Refusal         string
}

// Position is a holder's units (Token:Position's answer).
type Position struct {
	Units       int64 `json:"units"`
	FrozenUnits int64 `json:"frozenUnits"`
	HeldUnits   int64 `json:"heldUnits"`
	Free        int64 `json:"free"`
}

// BalanceFact is a cash balance read after the event.
type BalanceFact struct {
	Holder  string
	Balance *Balance
	Refusal string
}

// Balance is a holder's cash (Cash:Balance's answer).
type Balance struct {
	Balance   money.Amount `json:"balance"`
	Held      money.Amount `json:"held"`
	Available money.Amount `json:"available"`
}

// The events each projection follows.
var (
	holdingEvents = []string{"TokenTransferred", "ForcedTransfer", "UnitsPlaced", "UnitsRedeemed", "UnitsFrozen", "UnitsUnfrozen"}
	// CollectionsRemitted and ReserveFunded move the payer's cash into a
	// deal account ("from"): without them its cash would stay as last read.
	cashEvents       = []string{"CashPaid", "CashTransferred", "CashReturned", "DistributionClaimed", "FeeClaimed", "AdvancesClaimed", "CollectionsRemitted", "ReserveFunded"}
	settlementEvents = []string{"SettlementInstructed", "SettlementHeld", "SettlementSettled", "SettlementAwaitingPayment", "SettlementReleased",
		"SettlementReturned", "SettlementCancelled", "SettlementExpired"}
	reportEvents = []string{"ReportSubmitted", "ReportRowsAdded", "ReportCompleted", "ReportWithdrawn"}
)

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// factFetcher reads positions and balances into an event's facts: at
// once (direct), or by planning them for a batch read (batchFetch.plan).
type factFetcher struct {
	positions func(ctx context.Context, f *Facts, tranche string, holders []string) error
	balances  func(ctx context.Context, f *Facts, holders []string) error
}

// direct reads each position and balance with its own query.
func (p *Projector) direct() factFetcher {
	return factFetcher{positions: p.fetchPositions, balances: p.fetchBalances}
}

// enrich fetches an event's facts (see events.Enricher), one query each.
func (p *Projector) enrich(ctx context.Context, ev events.Event) (any, error) {
	f, err := p.factsWith(ctx, p.direct(), ev)
	if err != nil || f == nil {
		return nil, err
	}
	return f, nil
}

// factsWith works out an event's facts: from its transaction's private
// writes where they hold them, else with the given fetcher; nil when the
// event needs none.
func (p *Projector) factsWith(ctx context.Context, fetcher factFetcher, ev events.Event) (*Facts, error) {
	switch {
	case contains(holdingEvents, ev.Name), contains(cashEvents, ev.Name), contains(settlementEvents, ev.Name), ev.Name == "PeriodCertified":
	default:
		return nil, nil
	}
	pl, err := decode(ev)
	if err != nil {
		// Not the shape this gateway knows: nothing to fetch, and the
		// projection will skip it (the event log keeps it).
		p.log.Warn("event payload not understood", "event", ev.Name, "tx_id", ev.TxID, "error", err.Error())
		return nil, nil
	}
	writes := writesOf(ev)
	f, get := &Facts{}, withWrites(writes, fetcher)
	switch {
	case contains(holdingEvents, ev.Name):
		err = get.positions(ctx, f, pl.Tranche, p.own(pl.From, pl.To, pl.Holder, pl.Investor))
	case contains(cashEvents, ev.Name):
		err = get.balances(ctx, f, p.own(pl.From, pl.To, pl.Holder, pl.Payee))
	case contains(settlementEvents, ev.Name):
		err = p.fetchSettlement(ctx, get, writes, f, pl)
	case ev.Name == "PeriodCertified":
		err = p.fetchCertification(ctx, f, pl)
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (p *Projector) fetchPositions(ctx context.Context, f *Facts, tranche string, holders []string) error {
	for _, h := range holders {
		pf := PositionFact{Tranche: tranche, Holder: h}
		raw, err := p.fetch(ctx, "Token:Position", tranche, h)
		switch {
		case err == nil:
			pf.Position = new(Position)
			if err := json.Unmarshal(raw, pf.Position); err != nil {
				pf.Position, pf.Refusal = nil, p.unreadable("Token:Position", err)
			}
		case refused(err):
			pf.Refusal = err.Error()
		default:
			return err
		}
		f.Positions = append(f.Positions, pf)
	}
	return nil
}

func (p *Projector) fetchBalances(ctx context.Context, f *Facts, holders []string) error {
	for _, h := range holders {
		bf := BalanceFact{Holder: h}
		raw, err := p.fetch(ctx, "Cash:Balance", h)
		switch {
		case err == nil:
			bf.Balance = new(Balance)
			if err := json.Unmarshal(raw, bf.Balance); err != nil {
				bf.Balance, bf.Refusal = nil, p.unreadable("Cash:Balance", err)
			}
		case refused(err):
			bf.Refusal = err.Error()
		default:
			return err
		}
		f.Balances = append(f.Balances, bf)
	}
	return nil
}

// fetchSettlement takes the step's facts from its transaction's writes to
// this bank's registry when they came (settlementFacts). Else it reads
// this bank's side of the terms (once per settlement, see termsCache; not
// at all when the instruction's own writes carry them), which names the
// parties, then their positions and cash. A settlement between two other
// banks touches no client of this one.
func (p *Projector) fetchSettlement(ctx context.Context, get factFetcher, writes txWrites, f *Facts, pl payload) error {
	f.TradeRef = pl.TradeRef
	side := ""
	switch p.msp {
	case pl.SellerBank:
		side = string(settlement.Deliver)
	case pl.BuyerBank:
		side = string(settlement.Receive)
	default:
		return nil
	}
	if t, ok := writes.terms(pl.TradeRef, side, p.msp); ok {
		p.terms.put(pl.TradeRef, side, t) // the instruction: for later steps whose writes do not come
	}
	if facts, ok := writes.settlementFacts(p.msp, pl.Tranche); ok {
		f.Positions, f.Balances = facts.Positions, facts.Balances
		return nil
	}
	t, ok := p.terms.get(pl.TradeRef, side)
	if !ok {
		raw, err := p.fetch(ctx, "Settlement:Terms", pl.TradeRef, side)
		if err != nil {
			if refused(err) {
				return nil // this bank's side was never instructed: none of its clients moved
			}
			return err
		}
		if err := json.Unmarshal(raw, &t); err != nil {
			p.unreadable("Settlement:Terms", err)
			return nil
		}
		p.terms.put(pl.TradeRef, side, t)
	}
	parties := p.own(t.Seller, t.Buyer, t.Proceeds)
	if err := get.positions(ctx, f, t.Tranche, p.own(t.Seller, t.Buyer)); err != nil {
		return err
	}
	return get.balances(ctx, f, parties)
}

func (p *Projector) fetchCertification(ctx context.Context, f *Facts, pl payload) error {
	raw, err := p.fetch(ctx, "Servicing:GetCertification", pl.Deal, strconv.Itoa(pl.Period))
	if err != nil {
		// The event proves the certification is on the ledger: a peer
		// that answers "not found" has not committed its block yet (the
		// bank's own peer, just restarted, while the stream came from the
		// other): ask again rather than record a period without it.
		if refused(err) && !notFound(err) {
			return nil
		}
		return err
	}
	f.Certification = new(schema.Certification)
	if err := json.Unmarshal(raw, f.Certification); err != nil {
		f.Certification = nil
		p.unreadable("Servicing:GetCertification", err)
	}
	return nil
}

// unreadable logs an answer this gateway cannot decode. It is not retried:
// asking again gives the same bytes, and the stream must not stop on it
// (the event log keeps the event; upgrade the gateway).
func (p *Projector) unreadable(fn string, err error) string {
	p.log.Warn("ledger answer not understood; the read model skips it", "fn", fn, "error", err.Error())
	return fn + ": " + err.Error()
}

// factsOf returns the event's facts, or nil.
func factsOf(ev events.Event) *Facts {
	f, _ := ev.Facts.(*Facts)
	return f
}
