package store

import (
	"bytes"
	"fmt"
)

// ReadModel is what the API reads of the projections of chaincode events.
type ReadModel interface {
	// Events returns one page of the event log.
	Events(q EventQuery) (EventPage, error)
	// Holding returns a client's current position in a tranche.
	Holding(holder, tranche string) (Holding, bool, error)
	// Holdings lists current positions, of one holder when holder is not
	// empty, of one tranche when tranche is not empty, in (holder,
	// tranche) order.
	Holdings(holder, tranche string) ([]Holding, error)
	// HoldersOf lists the clients known to hold (or to have held) a
	// tranche, in key order.
	HoldersOf(tranche string) ([]string, error)
	// HoldingHistory lists a client's position changes in a tranche,
	// oldest first.
	HoldingHistory(holder, tranche string) ([]HoldingEntry, error)
	// Cash returns a client's cash as last read.
	Cash(holder string) (CashHolding, bool, error)
	// CashHistory lists a client's cash changes, oldest first.
	CashHistory(holder string) ([]CashEntry, error)
	// ReportHistory lists a deal's report events in ledger order (by
	// period, then chain position).
	ReportHistory(deal string) ([]ReportEvent, error)
	// Distributions lists a deal's certified periods, in period order.
	Distributions(deal string) ([]Distribution, error)
	// Statement returns a deal's period statement; found is false when
	// the read model has no certification of it.
	Statement(deal string, period int) (PeriodStatement, bool, error)
	// Investor returns a client's statement.
	Investor(holder string) (InvestorStatement, error)
}

// Projections are the read model's writes, one per record kind. Each is
// part of the caller's Update: the listener makes them with the
// checkpoint, in one transaction.
type Projections interface {
	// AppendEvent stores one event in the event log.
	AppendEvent(rec EventRecord) error
	// PutHolding records a client's position as read after the event at
	// pos: the snapshot, the tranche's holder index and a history entry.
	PutHolding(now Holding, change HoldingEntry, at Position) error
	// PutCash records a client's cash as read after the event at pos: the
	// snapshot and a history entry.
	PutCash(now CashHolding, change CashEntry, at Position) error
	// PutReportEvent records a step of a servicer report.
	PutReportEvent(re ReportEvent, at Position) error
	// PutDistribution records a certified period.
	PutDistribution(d Distribution) error
	// PutStatementLine records what a client is due from a class in a
	// period, under the period and under the client.
	PutStatementLine(l StatementLine) error
}

// The read model's buckets and their keys (0 is a zero byte, position the
// event's 16-byte Position key, period four decimal digits).
const (
	bucketPositions     = "rm.positions"         // holder 0 tranche → Holding
	bucketByTranche     = "rm.positions.tranche" // tranche 0 holder → nil
	bucketHoldingLog    = "rm.holdings.history"  // holder 0 tranche 0 position → HoldingEntry
	bucketCash          = "rm.cash"              // holder → CashHolding
	bucketCashLog       = "rm.cash.history"      // holder 0 position → CashEntry
	bucketReports       = "rm.reports"           // deal 0 period 0 position → ReportEvent
	bucketDistributions = "rm.distributions"     // deal 0 period → Distribution
	bucketLines         = "rm.statement.lines"   // deal 0 period 0 holder 0 tranche → StatementLine
	bucketInvestorLines = "rm.statement.holder"  // holder 0 deal 0 period 0 tranche → StatementLine
)

func periodKey(p int) string { return fmt.Sprintf("%04d", p) }

// put stores v as JSON under key in a top-level bucket, creating it.
func (t txn) put(name string, key []byte, v any) error {
	b, err := bucket(t.tx, name)
	if err != nil {
		return err
	}
	return putJSON(b, key, v)
}

// get reads the JSON value under key in a top-level bucket.
func (t txn) get(name string, key []byte, v any) (bool, error) {
	return getJSON(t.tx.Bucket([]byte(name)), key, v)
}

func (t txn) PutHolding(now Holding, change HoldingEntry, at Position) error {
	if err := t.put(bucketPositions, strKey(now.Holder, now.Tranche), now); err != nil {
		return err
	}
	index, err := bucket(t.tx, bucketByTranche)
	if err != nil {
		return err
	}
	if err := index.Put(strKey(now.Tranche, now.Holder), nil); err != nil {
		return err
	}
	return t.put(bucketHoldingLog, append(strKey(now.Holder, now.Tranche, ""), at.key()...), change)
}

func (t txn) Holding(holder, tranche string) (Holding, bool, error) {
	var h Holding
	found, err := t.get(bucketPositions, strKey(holder, tranche), &h)
	return h, found, err
}

func (t txn) Holdings(holder, tranche string) ([]Holding, error) {
	var prefix []byte
	if holder != "" {
		prefix = strKey(holder, "")
	}
	all, err := listPrefix[Holding](t.tx, bucketPositions, prefix)
	if err != nil || tranche == "" {
		return all, err
	}
	out := []Holding{}
	for _, h := range all {
		if h.Tranche == tranche {
			out = append(out, h)
		}
	}
	return out, nil
}

func (t txn) HoldersOf(tranche string) ([]string, error) {
	var out []string
	prefix := strKey(tranche, "")
	err := scan(t.tx.Bucket([]byte(bucketByTranche)), prefixRange(prefix), nil, false, func(k, _ []byte) (bool, error) {
		out = append(out, string(bytes.Clone(k[len(prefix):])))
		return true, nil
	})
	return out, err
}

func (t txn) HoldingHistory(holder, tranche string) ([]HoldingEntry, error) {
	return listPrefix[HoldingEntry](t.tx, bucketHoldingLog, strKey(holder, tranche, ""))
}

func (t txn) PutCash(now CashHolding, change CashEntry, at Position) error {
	if err := t.put(bucketCash, []byte(now.Holder), now); err != nil {
		return err
	}
	return t.put(bucketCashLog, append(strKey(now.Holder, ""), at.key()...), change)
}

func (t txn) Cash(holder string) (CashHolding, bool, error) {
	var c CashHolding
	found, err := t.get(bucketCash, []byte(holder), &c)
	return c, found, err
}

func (t txn) CashHistory(holder string) ([]CashEntry, error) {
	return listPrefix[CashEntry](t.tx, bucketCashLog, strKey(holder, ""))
}

func (t txn) PutReportEvent(re ReportEvent, at Position) error {
	return t.put(bucketReports, append(strKey(re.Deal, periodKey(re.Period), ""), at.key()...), re)
}

func (t txn) ReportHistory(deal string) ([]ReportEvent, error) {
	return listPrefix[ReportEvent](t.tx, bucketReports, strKey(deal, ""))
}

func (t txn) PutDistribution(d Distribution) error {
	return t.put(bucketDistributions, strKey(d.Deal, periodKey(d.Period)), d)
}

func (t txn) Distributions(deal string) ([]Distribution, error) {
	return listPrefix[Distribution](t.tx, bucketDistributions, strKey(deal, ""))
}

func (t txn) PutStatementLine(l StatementLine) error {
	if err := t.put(bucketLines, strKey(l.Deal, periodKey(l.Period), l.Holder, l.Tranche), l); err != nil {
		return err
	}
	return t.put(bucketInvestorLines, strKey(l.Holder, l.Deal, periodKey(l.Period), l.Tranche), l)
}

func (t txn) Statement(deal string, period int) (PeriodStatement, bool, error) {
	var s PeriodStatement
	found, err := t.get(bucketDistributions, strKey(deal, periodKey(period)), &s.Distribution)
	if err != nil || !found {
		return s, found, err
	}
	s.Totals = []TrancheTotal{}
	if s.Lines, err = listPrefix[StatementLine](t.tx, bucketLines, strKey(deal, periodKey(period), "")); err != nil {
		return s, true, err
	}
	for _, cl := range s.Classes {
		total := TrancheTotal{Tranche: cl.Tranche}
		for _, l := range s.Lines {
			if l.Tranche == cl.Tranche {
				total.Units += l.Units
				if total.Amount, err = total.Amount.Add(l.Amount); err != nil {
					return s, true, err
				}
			}
		}
		s.Totals = append(s.Totals, total)
	}
	return s, true, nil
}

func (t txn) Investor(holder string) (InvestorStatement, error) {
	s := InvestorStatement{Investor: holder, HoldingHistory: []HoldingEntry{}}
	var err error
	if s.Positions, err = t.Holdings(holder, ""); err != nil {
		return s, err
	}
	if c, found, err := t.Cash(holder); err != nil {
		return s, err
	} else if found {
		s.Cash = &c
	}
	if s.Distributions, err = listPrefix[StatementLine](t.tx, bucketInvestorLines, strKey(holder, "")); err != nil {
		return s, err
	}
	for _, pos := range s.Positions {
		h, err := t.HoldingHistory(holder, pos.Tranche)
		if err != nil {
			return s, err
		}
		s.HoldingHistory = append(s.HoldingHistory, h...)
	}
	s.CashHistory, err = t.CashHistory(holder)
	return s, err
}
