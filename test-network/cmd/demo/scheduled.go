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

// ranText lists the steps that ran, by period, a step run over several
// passes (claims of one holder on several tranches conflict on its cash
// account, and the conflicting ones run again at the next pass) summed.
func (s schedule) ranText() string {
	type key struct {
		period int
		step   string
	}
	var order []key
	count, amount, passes := map[key]int{}, map[key]money.Amount{}, map[key]int{}
	for _, r := range s.Ran {
		k := key{r.Period, r.Step}
		if passes[k] == 0 {
			order = append(order, k)
		}
		passes[k]++
		count[k] += r.Count
		amount[k] += r.Amount
	}
	var parts []string
	for _, k := range order {
		part := fmt.Sprintf("period %d %s", k.period, k.step)
		if k.step != "certify" {
			part += fmt.Sprintf(" %d claim(s) %s", count[k], usd(amount[k]))
		}
		if passes[k] > 1 {
			part += fmt.Sprintf(" over %d passes", passes[k])
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, " · ")
}

// paidHolders is what the scheduler's pay-holders steps paid, every
// period.
func (s schedule) paidHolders() money.Amount {
	var total money.Amount
	for _, r := range s.Ran {
		if r.Step == "pay-holders" {
			total += r.Amount
		}
	}
	return total
}

// scheduler is the trustee bank's admin driving its gateway's scheduler:
// the deal's registration and the scheduler's clock.
func (d *demo) schedulerAdmin() *actor { return d.admins[d.trusteeBank.MSP] }

// registerWithScheduler: before period p's report, the trustee bank's
// admin registers the deal with its gateway's scheduler (PUT
// /v1/scheduler/deals/{deal}, kept in the gateway's store) and puts the
// scheduler's clock at the start of the payment month, so it waits.
func (d *demo) registerWithScheduler(p int) error {
	d.cashAtRegistration = map[holder]money.Amount{}
	for _, c := range claimants {
		cash, err := d.cashOf(d.investors[c.holder])
		if err != nil {
			return err
		}
		d.cashAtRegistration[c.holder] = cash
	}
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
// Registered after period 11, whose holders claim on their own rhythm,
// the scheduler also pays what they left accrued then (period 11's pay
// step). Each holder's bank then shows its cash up since the registration,
// with nothing left to claim, and the rises add up to what the schedule
// says it paid. The deal is unregistered after, so what follows (a
// liquidation's final distribution) is done by hand.
func (d *demo) payBySchedule(p int) (string, error) {
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
	d.out.say("schedule: clock → %s (payment date) · ran %s · no claim by hand", payDate.Format(time.DateOnly), s.ranText())

	paid := map[holder]money.Amount{}
	var total money.Amount
	err = d.retryUntil(func() (bool, error) {
		total = 0
		for _, c := range claimants {
			inv := d.investors[c.holder]
			for _, class := range holdingsOf(c.holder) {
				var acc struct {
					Claimable money.Amount `json:"claimable"`
				}
				if err := d.trustee.get(d.ctx, "/v1/tranches/"+trancheID(d.dealID, class)+"/holders/"+inv.key+"/accrual", &acc); err != nil {
					return false, err
				}
				if acc.Claimable != 0 {
					return false, nil
				}
			}
			cash, err := d.cashOf(inv)
			if err != nil {
				return false, err
			}
			paid[c.holder] = cash - d.cashAtRegistration[c.holder]
			total += paid[c.holder]
		}
		return total == s.paidHolders(), nil
	})
	if err != nil {
		return "", fmt.Errorf("the holders' banks show %s paid since the registration, the schedule %s: %w", usd(total), usd(s.paidHolders()), err)
	}
	var parts []string
	for _, c := range claimants {
		if d.claimed == nil {
			d.claimed = map[holder]money.Amount{}
		}
		d.claimed[c.holder] += paid[c.holder]
		parts = append(parts, fmt.Sprintf("%s +%s", c.holder, usd(paid[c.holder])))
	}
	if _, err := d.schedulerAdmin().gw.write(d.ctx, http.MethodDelete, "/v1/scheduler/deals/"+d.dealID, d.schedulerAdmin().user, nil, nil); err != nil {
		return "", err
	}
	return fmt.Sprintf("paid by the scheduler: %s = %s, cash at each holder's own bank since the registration, nothing left to claim · deal unregistered",
		strings.Join(parts, " · "), usd(total)), nil
}

// cashOf is a holder's cash, as its own bank answers it.
func (d *demo) cashOf(inv *actor) (money.Amount, error) {
	var bal struct {
		Balance money.Amount `json:"balance"`
	}
	err := inv.get(d.ctx, "/v1/cash/balances/"+inv.key, &bal)
	return bal.Balance, err
}

// retryUntil retries f until it says done, for a minute: the holders'
// banks' peers commit the scheduler's claims a moment after the trustee's.
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
