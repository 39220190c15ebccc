package cash

import (
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// The float lives in schema.CashFloatShards shards (cashfloat~<nn>, each a
// CashBook kept by the trustee), not in one record. With one record every
// Cash:Pay read and wrote the same key, so concurrent payments to
// different holders failed MVCC_READ_CONFLICT and went one per block. A
// payment now draws from the shard its payee's key hashes to, reading a
// neighbouring shard only when that one holds less than the payment; a
// return credits the returning holder's shard. A mint spreads what it
// creates evenly over every shard (writing them all: minting is the
// settlement agent's, rare, and needs a majority anyway), and a burn,
// like the Supply query, reads them all. A ledger from before the shards
// keeps its float in the single cashbook record: it is drawn from last,
// and the next mint moves it into the shards.

// DecideSpread adds amount to the shards evenly: each gets amount / n
// cents and the first amount mod n shards one cent more, so every cent
// lands in exactly one shard.
func DecideSpread(shards []money.Amount, amount money.Amount) ([]money.Amount, error) {
	if amount < 0 || len(shards) == 0 {
		return nil, errs.New(errs.Internal, "spreading %s over %d float shards", amount, len(shards))
	}
	n := money.Amount(len(shards))
	each, rest := amount/n, amount%n
	out := make([]money.Amount, len(shards))
	for i, s := range shards {
		add := each
		if money.Amount(i) < rest {
			add++
		}
		var err error
		if out[i], err = s.Add(add); err != nil {
			return nil, overflow(err)
		}
	}
	return out, nil
}

// DecideDraw takes amount out of the sources in order, each giving all it
// holds until the amount is covered, and returns the sources after. The
// caller has checked (DecidePay, DecideBurn) that they hold enough.
func DecideDraw(sources []money.Amount, amount money.Amount) ([]money.Amount, error) {
	out := make([]money.Amount, len(sources))
	left := amount
	for i, s := range sources {
		take := min(max(s, 0), left)
		out[i], left = s-take, left-take
	}
	if left > 0 {
		return nil, errs.New(errs.InsufficientBalance, "drawing %s from the float: %s short", amount, left)
	}
	return out, nil
}

// floatPart is one record holding part of the float (a shard, or the
// single record of a ledger from before the shards) as this transaction
// sees it.
type floatPart struct {
	key   string
	found bool
	book  schema.CashBook
}

// floatShard reads shard i once per transaction.
func (l *Ledger) floatShard(i int) (*floatPart, error) {
	if p := l.shards[i]; p != nil {
		return p, nil
	}
	key, err := l.ctx.Key(schema.TypeCashFloat, fmt.Sprintf("%02x", i))
	if err != nil {
		return nil, err
	}
	p := &floatPart{key: key}
	if p.found, err = l.ctx.Get(key, &p.book); err != nil {
		return nil, err
	}
	l.shards[i] = p
	return p, nil
}

// legacyFloat reads the single float record of a ledger from before the
// shards (zero and not found on a ledger that never had one).
func (l *Ledger) legacyFloat() (*floatPart, error) {
	if l.legacy == nil {
		p := &floatPart{key: l.bookKey}
		var err error
		if p.found, err = l.ctx.Get(l.bookKey, &p.book); err != nil {
			return nil, err
		}
		l.legacy = p
	}
	return l.legacy, nil
}

// floatParts reads the shards from start on (wrapping round) and then the
// legacy record, stopping once they hold at least enough (all of them
// when enough < 0). It returns the parts read, in that order, and their
// sum.
func (l *Ledger) floatParts(start int, enough money.Amount) ([]*floatPart, money.Amount, error) {
	var parts []*floatPart
	var sum money.Amount
	for i := 0; i <= schema.CashFloatShards; i++ {
		if enough >= 0 && sum >= enough && len(parts) > 0 {
			break
		}
		var p *floatPart
		var err error
		if i < schema.CashFloatShards {
			p, err = l.floatShard((start + i) % schema.CashFloatShards)
		} else {
			p, err = l.legacyFloat()
		}
		if err != nil {
			return nil, 0, err
		}
		parts = append(parts, p)
		if sum, err = sum.Add(p.book.Float); err != nil {
			return nil, 0, overflow(err)
		}
	}
	return parts, sum, nil
}

// floatTotal is the whole float: every shard and the legacy record.
func (l *Ledger) floatTotal() (money.Amount, error) {
	_, sum, err := l.floatParts(0, -1)
	return sum, err
}

// drawFloat takes amount out of the parts, in order, and returns the
// writes of those that changed.
func drawFloat(parts []*floatPart, amount money.Amount) ([]floatWrite, error) {
	have := make([]money.Amount, len(parts))
	for i, p := range parts {
		have[i] = p.book.Float
	}
	next, err := DecideDraw(have, amount)
	if err != nil {
		return nil, err
	}
	var out []floatWrite
	for i, p := range parts {
		if next[i] != have[i] {
			out = append(out, floatWrite{part: p, book: schema.CashBook{Float: next[i]}})
		}
	}
	return out, nil
}

// payFloat takes a payment to holder out of the float: first the holder's
// shard, then the next ones, then the legacy record; refused with the
// whole float named when it holds too little.
func (l *Ledger) payFloat(holder roles.Identity, amount money.Amount) ([]floatWrite, error) {
	parts, sum, err := l.floatParts(schema.CashFloatShardOf(holder.Key()), amount)
	if err != nil {
		return nil, err
	}
	if _, err := DecidePay(schema.CashBook{Float: sum}, amount); err != nil {
		return nil, err
	}
	return drawFloat(parts, amount)
}

// returnFloat puts what holder returned into its float shard, or into
// the legacy record on a ledger whose shards the first mint has not
// created yet (the trustee alone may update a kept key but not create
// one).
func (l *Ledger) returnFloat(holder roles.Identity, amount money.Amount) ([]floatWrite, error) {
	p, err := l.floatShard(schema.CashFloatShardOf(holder.Key()))
	if err != nil {
		return nil, err
	}
	if !p.found {
		if p, err = l.legacyFloat(); err != nil {
			return nil, err
		}
	}
	b, err := DecideReturn(p.book, amount)
	if err != nil {
		return nil, err
	}
	return []floatWrite{{part: p, book: b}}, nil
}

// mintFloat spreads amount, and the legacy record's float with it, over
// every shard, creating those that do not exist yet.
func (l *Ledger) mintFloat(amount money.Amount) ([]floatWrite, error) {
	legacy, err := l.legacyFloat()
	if err != nil {
		return nil, err
	}
	total, err := amount.Add(legacy.book.Float)
	if err != nil {
		return nil, overflow(err)
	}
	have := make([]money.Amount, schema.CashFloatShards)
	parts := make([]*floatPart, schema.CashFloatShards)
	for i := range parts {
		if parts[i], err = l.floatShard(i); err != nil {
			return nil, err
		}
		have[i] = parts[i].book.Float
	}
	next, err := DecideSpread(have, total)
	if err != nil {
		return nil, err
	}
	out := make([]floatWrite, 0, len(parts)+1)
	for i, p := range parts {
		out = append(out, floatWrite{part: p, book: schema.CashBook{Float: next[i]}})
	}
	if legacy.book.Float != 0 {
		out = append(out, floatWrite{part: legacy})
	}
	return out, nil
}

// burnFloat takes amount out of the float, shard 00 first.
func (l *Ledger) burnFloat(amount money.Amount) ([]floatWrite, error) {
	parts, _, err := l.floatParts(0, -1)
	if err != nil {
		return nil, err
	}
	return drawFloat(parts, amount)
}

// floatWrite is a part of the float as a decision left it.
type floatWrite struct {
	part *floatPart
	book schema.CashBook
}
