package scheduler

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// payPeriod runs a certified period's payment date once it has come: on
// the trustee's gateway a claim for every holder of every tranche the
// period paid, then the fees; on any gateway the opted-in clients' claims.
// The period is recorded paid only when every step is done, so a pass
// that failed part-way (or a restart) resumes with what is left.
func (p *pass) payPeriod(ctx context.Context, period int) error {
	s := p.s
	paidKey := StepKey(p.d.Deal, period, "paid")
	var paid StepRecord
	if found, err := s.book.Get(paidKey, &paid); err != nil || (found && paid.State == Done) {
		return err
	}
	cert, err := s.ledger.Certification(ctx, p.d.Deal, period)
	if err != nil {
		return fmt.Errorf("certification of period %d: %w", period, err)
	}
	due := at(cert.Inputs.PaymentDate)
	if p.now.Before(due) {
		p.wait(Next{Period: period, Step: "pay", Due: due})
		return nil
	}
	var problems []string
	if s.trustee {
		problems = append(problems, p.payHolders(ctx, period, cert)...)
		problems = append(problems, p.payFees(ctx, period)...)
	}
	problems = append(problems, p.claimOptIns(ctx, period, cert)...)
	if len(problems) > 0 {
		p.wait(Next{Period: period, Step: "pay", Due: due, Waiting: problems})
		return nil
	}
	return s.book.Put(paidKey, StepRecord{Key: paidKey, State: Done, At: p.now})
}

// claim is one claim to make: its step key, whose cash it credits and the
// call.
type claim struct {
	key string
	// payee is whose cash account the claim credits. Claims of one payee
	// (a holder of several tranches) run one after another: in flight
	// together they would all write that account, and all but one would
	// fail MVCC and wait for the next pass.
	payee string
	run   func(ctx context.Context) (money.Amount, string, error)
}

// payHolders claims for every holder of the tranches the period paid.
func (p *pass) payHolders(ctx context.Context, period int, cert schema.Certification) []string {
	var todo []claim
	var problems []string
	for _, cd := range cert.Distributions {
		if cd.Payment == 0 {
			continue
		}
		holders, err := p.s.ledger.Holders(ctx, cd.Tranche)
		if err != nil {
			problems = append(problems, fmt.Sprintf("holders of %s: %v", cd.Tranche, err))
			continue
		}
		for _, h := range holders {
			tranche, holder := cd.Tranche, h.Holder
			todo = append(todo, claim{key: StepKey(p.d.Deal, period, "claim", tranche, holder), payee: holder,
				run: func(ctx context.Context) (money.Amount, string, error) {
					if due, err := p.claimable(ctx, p.s.cfg.Identity, tranche, holder); err != nil || due == 0 {
						return 0, "", err
					}
					r, tx, err := p.s.ledger.ClaimFor(ctx, tranche, holder)
					return r.Amount, tx, err
				}})
		}
	}
	return append(problems, p.runClaims(ctx, period, "pay-holders", todo)...)
}

// payFees claims every fee account holding cash, for its payee.
func (p *pass) payFees(ctx context.Context, period int) []string {
	acc, err := p.s.ledger.Accounts(ctx, p.d.Deal)
	if err != nil {
		return []string{fmt.Sprintf("deal accounts: %v", err)}
	}
	var todo []claim
	for _, f := range acc.Fees {
		if f.Balance == 0 {
			continue
		}
		fee := f.Name
		todo = append(todo, claim{key: StepKey(p.d.Deal, period, "fee", fee), payee: fee,
			run: func(ctx context.Context) (money.Amount, string, error) {
				r, tx, err := p.s.ledger.ClaimFee(ctx, p.d.Deal, fee)
				return r.Amount, tx, err
			}})
	}
	return p.runClaims(ctx, period, "pay-fees", todo)
}

// claimOptIns claims, as each opted-in client, on every tranche the
// period paid. A client that holds none is not an error: nothing is due.
func (p *pass) claimOptIns(ctx context.Context, period int, cert schema.Certification) []string {
	var todo []claim
	for _, id := range p.d.OptIn {
		for _, cd := range cert.Distributions {
			if cd.Payment == 0 {
				continue
			}
			identity, tranche := id, cd.Tranche
			key, ok := p.s.ledger.HolderKey(identity)
			if !ok {
				return []string{fmt.Sprintf("opt-in %s: not an identity of this gateway", identity)}
			}
			todo = append(todo, claim{key: StepKey(p.d.Deal, period, "opt-in", identity, tranche), payee: key,
				run: func(ctx context.Context) (money.Amount, string, error) {
					if due, err := p.claimable(ctx, identity, tranche, key); err != nil || due == 0 {
						return 0, "", err
					}
					r, tx, err := p.s.ledger.Claim(ctx, identity, tranche)
					return r.Amount, tx, err
				}})
		}
	}
	return p.runClaims(ctx, period, "claim-opt-in", todo)
}

// claimable is what a claim would pay the holder now. A claim is made
// only when it pays something: a claim of nothing writes nothing, and a
// transaction without writes fails the chaincode-level (majority)
// endorsement policy; so is a claim found already made after a restart.
// A holder without a position (NOT_FOUND) has nothing to claim.
func (p *pass) claimable(ctx context.Context, identity, tranche, holder string) (money.Amount, error) {
	a, err := p.s.ledger.Accrued(ctx, identity, tranche, holder)
	if codeOf(err) == errs.NotFound {
		return 0, nil
	}
	return a.Claimable, err
}

// runClaims runs the claims not yet done, at most Concurrency payees at
// a time and each payee's claims one after another, each claim recorded
// pending before its submit and done after its commit.
func (p *pass) runClaims(ctx context.Context, period int, step string, todo []claim) []string {
	s := p.s
	var (
		mu       sync.Mutex
		problems []string
		count    int
		total    money.Amount
		wg       sync.WaitGroup
	)
	fail := func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		if len(problems) < 10 {
			problems = append(problems, msg)
		} else if len(problems) == 10 {
			problems = append(problems, "… more failures: see the log")
		}
	}
	runOne := func(c claim) {
		var rec StepRecord
		found, err := s.book.Get(c.key, &rec)
		if err != nil {
			fail(err.Error())
			return
		}
		if found && rec.State == Done {
			return
		}
		if err := s.book.Put(c.key, StepRecord{Key: c.key, State: Pending, At: p.now}); err != nil {
			fail(err.Error())
			return
		}
		amount, tx, err := c.run(ctx)
		if err != nil {
			p.count(step, "failed")
			s.log.Warn("scheduler: claim failed", "deal", p.d.Deal, "period", period, "step", c.key, "error", err.Error())
			fail(strings.TrimPrefix(c.key, "step/") + ": " + err.Error())
			return
		}
		p.count(step, "done")
		if err := s.book.Put(c.key, StepRecord{Key: c.key, State: Done, TxID: tx, Amount: amount, At: p.now}); err != nil {
			fail(err.Error())
			return
		}
		mu.Lock()
		count++
		total += amount
		mu.Unlock()
	}
	sem := make(chan struct{}, s.cfg.Concurrency)
	for _, claims := range byPayee(todo) {
		if ctx.Err() != nil {
			fail("stopped: " + ctx.Err().Error())
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			for _, c := range claims {
				if ctx.Err() != nil {
					return
				}
				runOne(c)
			}
		}()
	}
	wg.Wait()
	if count > 0 {
		p.ran(Ran{Period: period, Step: step, At: p.now, Count: count, Amount: total})
	}
	return problems
}

// byPayee groups claims by payee, payees in the order they first appear
// and each payee's claims in their order.
func byPayee(todo []claim) [][]claim {
	var groups [][]claim
	at := map[string]int{}
	for _, c := range todo {
		i, ok := at[c.payee]
		if !ok {
			i = len(groups)
			at[c.payee] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], c)
	}
	return groups
}
