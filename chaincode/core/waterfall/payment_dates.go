package waterfall

import (
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/core/calendar"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// PaymentDates is the deal's payment date schedule: a nominal date on the
// same day of every month from FirstPaymentDate, paid on the business day
// the convention rolls it to on the calendar.
//
// With a schedule, each class accrues on its own window: a 30/360 class
// from one nominal payment date to the next (always 30 days, except the
// first period, a stub from the closing date), an ACT/360 class over the
// actual days between adjusted payment dates (from the closing date for
// the first). A period's AccrualStart and AccrualEnd are then the
// adjusted (actual) payment dates, and AccrualEnd must be the one the
// schedule gives for the period.
type PaymentDates struct {
	FirstPaymentDate      daycount.Date       `json:"firstPaymentDate"`
	Calendar              string              `json:"calendar"`
	BusinessDayConvention calendar.Convention `json:"businessDayConvention"`
	ExtraHolidays         []daycount.Date     `json:"extraHolidays,omitempty"`
}

// PaymentDateResult shows the period's dates under a payment schedule.
type PaymentDateResult struct {
	// NominalStart is the previous nominal payment date (the closing date
	// for period 1); Nominal is this period's; Adjusted is the business day
	// it is paid on.
	NominalStart daycount.Date `json:"nominalStart"`
	Nominal      daycount.Date `json:"nominal"`
	Adjusted     daycount.Date `json:"adjusted"`
}

const maxExtraHolidays = 128

// calendar loads the schedule's calendar with the deal's extra holidays.
func (pd *PaymentDates) calendar() (*calendar.Calendar, error) {
	c, err := calendar.Named(pd.Calendar)
	if err != nil {
		return nil, err
	}
	return c.WithHolidays(pd.ExtraHolidays, "deal holiday")
}

// datesFor returns period n's dates: the nominal start (closing for the
// first period), nominal end and adjusted end.
func (d *Definition) datesFor(n int) (PaymentDateResult, error) {
	pd := d.PaymentDates
	cal, err := pd.calendar()
	if err != nil {
		return PaymentDateResult{}, err
	}
	r := PaymentDateResult{NominalStart: d.ClosingDate, Nominal: calendar.AddMonths(pd.FirstPaymentDate, n-1)}
	if n > 1 {
		r.NominalStart = calendar.AddMonths(pd.FirstPaymentDate, n-2)
	}
	r.Adjusted, err = cal.Adjust(r.Nominal, pd.BusinessDayConvention)
	return r, err
}

// AdjustedPaymentDate is the business day period n is paid on: the date a
// servicer report for period n must give as its accrualEnd.
func (d *Definition) AdjustedPaymentDate(n int) (daycount.Date, error) {
	if d.PaymentDates == nil {
		return daycount.Date{}, fmt.Errorf("the definition has no paymentDates")
	}
	r, err := d.datesFor(n)
	return r.Adjusted, err
}

func (d *Definition) validatePaymentDates(p *problems) {
	pd := d.PaymentDates
	if pd == nil {
		return
	}
	const path = "paymentDates"
	if pd.FirstPaymentDate.IsZero() || !d.ClosingDate.Before(pd.FirstPaymentDate) {
		p.add(path+".firstPaymentDate", "must be after the closing date %s, got %s", d.ClosingDate, pd.FirstPaymentDate)
	} else if daycount.ActualDays(d.ClosingDate, pd.FirstPaymentDate) > maxAccrualDays-10 {
		p.add(path+".firstPaymentDate", "more than %d days after closing", maxAccrualDays-10)
	}
	if !pd.BusinessDayConvention.Valid() {
		p.add(path+".businessDayConvention", "want %q, %q or %q, got %q", calendar.Following,
			calendar.ModifiedFollowing, calendar.Preceding, string(pd.BusinessDayConvention))
	}
	if len(pd.ExtraHolidays) > maxExtraHolidays {
		p.add(path+".extraHolidays", "at most %d, got %d", maxExtraHolidays, len(pd.ExtraHolidays))
		return
	}
	cal, err := calendar.Named(pd.Calendar)
	if err != nil {
		p.add(path+".calendar", "%v", err)
		return
	}
	if _, err := cal.WithHolidays(pd.ExtraHolidays, ""); err != nil {
		p.add(path+".extraHolidays", "%v", err)
	}
	if !pd.FirstPaymentDate.IsZero() {
		if _, err := cal.Adjust(pd.FirstPaymentDate, calendar.Following); err != nil {
			p.add(path+".firstPaymentDate", "%v", err)
		}
	}
}

// checkPaymentDate requires a period's accrual end to be its scheduled
// adjusted payment date.
func (d *Definition) checkPaymentDate(p *problems, pr Period) {
	if d.PaymentDates == nil || pr.Period < 1 {
		return
	}
	dates, err := d.datesFor(pr.Period)
	switch {
	case err != nil:
		p.add("period.accrualEnd", "payment date of period %d: %v", pr.Period, err)
	case pr.AccrualEnd != dates.Adjusted:
		p.add("period.accrualEnd", "want %s, the payment date of period %d (nominal %s rolled %s on %s), got %s",
			dates.Adjusted, pr.Period, dates.Nominal, d.PaymentDates.BusinessDayConvention, d.PaymentDates.Calendar, pr.AccrualEnd)
	}
}

// accrualWindow is the window class c accrues over this period.
func (r *run) accrualWindow(c Class) (daycount.Date, daycount.Date) {
	if r.dates != nil && r.def.dayCount(c) == daycount.Thirty360 {
		return r.dates.NominalStart, r.dates.Nominal
	}
	return r.p.AccrualStart, r.p.AccrualEnd
}
