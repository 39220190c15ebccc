package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// scheduledPeriod is the period the trustee's scheduler certifies and
// pays by itself: the last regular one (the optional liquidation comes
// after it). Every other period is certified and claimed by hand.
const scheduledPeriod = periods

// determinationDays: the scheduler certifies this many days before the
// payment date.
const determinationDays = 2

// schedule is GET /v1/deals/{deal}/schedule: what the trustee's scheduler
// ran, what is next and what it waits for.
type schedule struct {
	Certified int `json:"certified"`
	Ran       []struct {
		Period int          `json:"period"`
		Step   string       `json:"step"`
		Count  int          `json:"count"`
		Amount money.Amount `json:"amount"`
		Detail string       `json:"detail"`
	} `json:"ran"`
	Next []struct {
		Period  int       `json:"period"`
		Step    string    `json:"step"`
		Due     time.Time `json:"due"`
		Waiting []string  `json:"waiting"`
	} `json:"next"`
	Error string `json:"error"`
}

// waitsFor says whether step of period p is still to run.
func (s schedule) waitsFor(p int, step string) bool {
	for _, n := range s.Next {
		if n.Period == p && (step == "" || n.Step == step) {
			return true
		}
	}
	return false
}

// ranText lists the steps of period p that ran, as the schedule shows
// them.
func (s schedule) ranText(p int) string {
	var parts []string
	for _, r := range s.Ran {
		if r.Period != p {
			continue
		}
		part := r.Step
		if r.Count > 0 && r.Step != "certify" {
			part += fmt.Sprintf(" %d claim(s) %s", r.Count, usd(r.Amount))
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, " · ")
}

// scheduler is the trustee bank's admin driving its gateway's scheduler:
// the deal's registration and the scheduler's clock.
func (d *demo) schedulerAdmin() *actor { return d.admins[d.trusteeBank.MSP] }

// registerWithScheduler: before period p's report, the trustee bank's
// admin registers the deal with its gateway's scheduler (PUT
// /v1/scheduler/deals/{deal}, kept in the gateway's store) and puts the
// scheduler's clock at the start of the payment month, so it waits.
func (d *demo) registerWithScheduler(p int) error {
	admin := d.schedulerAdmin()
	pay := cutoffMonth.AddMonths(p + 1)
	start := time.Date(pay.Year, pay.Month, 1, 9, 0, 0, 0, time.UTC)
	if _, err := admin.put(d.ctx, "/v1/scheduler/clock", map[string]string{"now": start.Format(time.RFC3339)}, nil); err != nil {
		return err
	}
	var reg struct {
		Source string `json:"source"`
	}
	if _, err := admin.put(d.ctx, "/v1/scheduler/deals/"+d.dealID, map[string]int{"determinationDays": determinationDays}, &reg); err != nil {
		return err
	}
	d.out.say("the trustee's scheduler takes this period: %s registered the deal with it (PUT /v1/scheduler/deals/%s, %s, certify %d days before the payment date) and set its clock to %s",
		admin, d.dealID, reg.Source, determinationDays, start.Format(time.DateOnly))
	return nil
}

// readSchedule reads the deal's schedule at the trustee's bank.
func (d *demo) readSchedule() (schedule, error) {
	var s schedule
	err := d.trustee.get(d.ctx, "/v1/deals/"+d.dealID+"/schedule", &s)
	return s, err
}

// awaitSchedule polls the schedule until done says so (the scheduler
// passes every few seconds, and at once when its clock is set).
func (d *demo) awaitSchedule(what string, done func(schedule) bool) (schedule, error) {
	ctx, cancel := context.WithTimeout(d.ctx, 3*time.Minute)
	defer cancel()
	for {
		s, err := d.readSchedule()
		if err != nil {
			return s, err
		}
		if done(s) {
			return s, nil
		}
		select {
		case <-ctx.Done():
			return s, fmt.Errorf("the trustee's scheduler did not %s within 3 minutes: schedule %+v", what, s)
		case <-time.After(time.Second):
		}
	}
}

// certifyBySchedule: once the report and the fixing are in, the schedule
// shows the certification due on the determination date; the clock moved
// there, the scheduler certifies by itself. It answers the
// certification's transaction, once the investor bank's peer has it.
func (d *demo) certifyBySchedule(p int) (string, error) {
	// Until its pass sees the report and the fixing, the schedule says it
	// waits for them; then for the date alone.
	s, err := d.awaitSchedule("see the report and the fixing", func(s schedule) bool {
		return len(s.Next) > 0 && s.Next[0].Period == p && s.Next[0].Step == "certify" && !s.Next[0].Due.IsZero() && len(s.Next[0].Waiting) == 0
	})
	if err != nil {
		return "", err
	}
	due := s.Next[0].Due
	d.out.say("schedule: report complete and reconciled, %s fixed · certify period %d due %s (determination date): waits for its date",
		sofr, p, due.Format(time.DateOnly))
	if _, err := d.schedulerAdmin().put(d.ctx, "/v1/scheduler/clock", map[string]string{"now": due.Add(9 * time.Hour).Format(time.RFC3339)}, nil); err != nil {
		return "", err
	}
	if s, err = d.awaitSchedule("certify", func(s schedule) bool { return s.Certified >= p || s.Error != "" }); err != nil {
		return "", err
	}
	if s.Error != "" {
		return "", fmt.Errorf("the trustee's scheduler: %s", s.Error)
	}
	tx := ""
	for _, r := range s.Ran {
		if r.Period == p && r.Step == "certify" {
			tx = strings.TrimPrefix(r.Detail, "tx ")
		}
	}
	// The scheduler's transaction is not one of the demo's writes: wait
	// for the investor bank's peer to have it before reading it there.
	err = d.retryNotFound(func() error {
		return d.auditor.get(d.ctx, fmt.Sprintf("/v1/deals/%s/periods/%d/certification", d.dealID, p), nil)
	})
	return tx, err
}

// retryNotFound retries f while it answers NOT_FOUND, for a minute.
func (d *demo) retryNotFound(f func() error) error {
	deadline := time.Now().Add(time.Minute)
	for {
		err := f()
		if err == nil || !isNotFound(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// payBySchedule: the clock moved to the payment date, the scheduler pays
// every holder (ClaimFor) and the fees by itself; the demo only reads.
// Each holder's bank then shows its cash up by exactly what it had
// accrued, with nothing left to claim. It unregisters the deal after, so
// what follows (a liquidation's final distribution) is done by hand.
func (d *demo) payBySchedule(p int) (string, error) {
	type owed struct {
		c             claimant
		accrued, cash money.Amount
	}
	var holders []owed
	for _, c := range claimants {
		inv := d.investors[c.holder]
		o := owed{c: c}
		for _, class := range holdingsOf(c.holder) {
			var acc struct {
				Claimable money.Amount `json:"claimable"`
			}
			if err := d.trustee.get(d.ctx, "/v1/tranches/"+trancheID(d.dealID, class)+"/holders/"+inv.key+"/accrual", &acc); err != nil {
				return "", err
			}
			o.accrued += acc.Claimable
		}
		var err error
		if o.cash, err = d.cashOf(inv); err != nil {
			return "", err
		}
		holders = append(holders, o)
	}

	s, err := d.readSchedule()
	if err != nil {
		return "", err
	}
	payDate := time.Time{}
	for _, n := range s.Next {
		if n.Period == p && n.Step == "pay" {
			payDate = n.Due
		}
	}
	if !payDate.IsZero() {
		if _, err := d.schedulerAdmin().put(d.ctx, "/v1/scheduler/clock", map[string]string{"now": payDate.Add(9 * time.Hour).Format(time.RFC3339)}, nil); err != nil {
			return "", err
		}
	}
	if s, err = d.awaitSchedule("pay", func(s schedule) bool { return !s.waitsFor(p, "") }); err != nil {
		return "", err
	}
	d.out.say("schedule: clock → %s (payment date) · ran for period %d: %s · no claim by hand", payDate.Format(time.DateOnly), p, s.ranText(p))

	var parts []string
	for _, o := range holders {
		inv := d.investors[o.c.holder]
		var paid money.Amount
		err := d.retryUntil(func() (bool, error) {
			now, err := d.cashOf(inv)
			paid = now - o.cash
			return paid == o.accrued, err
		})
		if err != nil {
			return "", fmt.Errorf("%s: cash up %s, accrued %s: %w", o.c.holder, usd(paid), usd(o.accrued), err)
		}
		if d.claimed == nil {
			d.claimed = map[holder]money.Amount{}
		}
		d.claimed[o.c.holder] += paid
		parts = append(parts, fmt.Sprintf("%s +%s", o.c.holder, usd(paid)))
	}
	if _, err := d.schedulerAdmin().gw.write(d.ctx, http.MethodDelete, "/v1/scheduler/deals/"+d.dealID, d.schedulerAdmin().user, nil, nil); err != nil {
		return "", err
	}
	return fmt.Sprintf("paid by the scheduler: %s (cash at each holder's own bank, up by exactly what it had accrued) · deal unregistered",
		strings.Join(parts, " · ")), nil
}

// cashOf is a holder's cash, as its own bank answers it.
func (d *demo) cashOf(inv *actor) (money.Amount, error) {
	var bal struct {
		Balance money.Amount `json:"balance"`
	}
	err := inv.get(d.ctx, "/v1/cash/balances/"+inv.key, &bal)
	return bal.Balance, err
}

// retryUntil retries f until it says done, for a minute: the holder's
// bank's peer commits the scheduler's claims a moment after the trustee's.
func (d *demo) retryUntil(f func() (bool, error)) error {
	deadline := time.Now().Add(time.Minute)
	for {
		done, err := f()
		if err != nil || done {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not within a minute")
		}
		time.Sleep(500 * time.Millisecond)
	}
}
