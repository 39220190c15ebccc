package projections

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"

	"go.etcd.io/bbolt"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/gateway-app/internal/readmodel"
)

// PeriodStatement is a certified period's distribution statement for this
// bank: what each class paid per unit, and what each of the bank's
// clients is due.
type PeriodStatement struct {
	Distribution
	Lines []StatementLine `json:"lines" doc:"this bank's clients who held the deal's tranches, by holder then tranche"`
	// Totals per tranche of the lines.
	Totals []TrancheTotal `json:"totals"`
}

// TrancheTotal sums a tranche's lines.
type TrancheTotal struct {
	Tranche string       `json:"tranche"`
	Units   int64        `json:"units"`
	Amount  money.Amount `json:"amount"`
}

// Statement returns a deal's period statement; found is false when the
// read model has no certification of it.
func Statement(tx *bbolt.Tx, deal string, period int) (PeriodStatement, bool, error) {
	var s PeriodStatement
	found, err := readmodel.GetJSON(tx.Bucket([]byte(bucketDistributions)), key(deal, periodKey(period)), &s.Distribution)
	if err != nil || !found {
		return s, found, err
	}
	s.Lines, s.Totals = []StatementLine{}, []TrancheTotal{}
	err = scanPrefix(tx, bucketLines, key(deal, periodKey(period), ""), func(v []byte) error {
		var l StatementLine
		if err := json.Unmarshal(v, &l); err != nil {
			return err
		}
		s.Lines = append(s.Lines, l)
		return nil
	})
	if err != nil {
		return s, true, err
	}
	for _, cl := range s.Classes {
		t := TrancheTotal{Tranche: cl.Tranche}
		for _, l := range s.Lines {
			if l.Tranche == cl.Tranche {
				t.Units += l.Units
				if t.Amount, err = t.Amount.Add(l.Amount); err != nil {
					return s, true, err
				}
			}
		}
		s.Totals = append(s.Totals, t)
	}
	return s, true, nil
}

// CSV renders the statement's lines, one per client and tranche, with a
// header row; amounts as decimal strings.
func (s PeriodStatement) CSV() ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"deal", "period", "paymentDate", "holder", "tranche", "class", "units", "perUnit", "entitlement", "amount"})
	for _, l := range s.Lines {
		w.Write([]string{l.Deal, strconv.Itoa(l.Period), s.PaymentDate, l.Holder, l.Tranche, l.Class,
			strconv.FormatInt(l.Units, 10), l.PerUnit.String(), l.Entitlement.String(), l.Amount.String()})
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// InvestorStatement is everything the read model knows of one client:
// positions, cash, distributions due and the history of each.
type InvestorStatement struct {
	Investor       string          `json:"investor"`
	Positions      []Holding       `json:"positions"`
	Cash           *CashHolding    `json:"cash,omitempty"`
	Distributions  []StatementLine `json:"distributions" doc:"by deal, period and tranche"`
	HoldingHistory []HoldingEntry  `json:"holdingHistory" doc:"every position change, by tranche then in ledger order"`
	CashHistory    []CashEntry     `json:"cashHistory" doc:"in ledger order"`
}

// Investor returns a client's statement.
func Investor(tx *bbolt.Tx, holder string) (InvestorStatement, error) {
	s := InvestorStatement{Investor: holder, Distributions: []StatementLine{}, HoldingHistory: []HoldingEntry{}}
	var err error
	if s.Positions, err = Holdings(tx, holder, ""); err != nil {
		return s, err
	}
	if c, found, err := Cash(tx, holder); err != nil {
		return s, err
	} else if found {
		s.Cash = &c
	}
	err = scanPrefix(tx, bucketInvestorLines, key(holder, ""), func(v []byte) error {
		var l StatementLine
		if err := json.Unmarshal(v, &l); err != nil {
			return err
		}
		s.Distributions = append(s.Distributions, l)
		return nil
	})
	if err != nil {
		return s, err
	}
	for _, pos := range s.Positions {
		h, err := HoldingHistory(tx, holder, pos.Tranche)
		if err != nil {
			return s, err
		}
		s.HoldingHistory = append(s.HoldingHistory, h...)
	}
	s.CashHistory, err = CashHistory(tx, holder)
	return s, err
}
