package servicing

import (
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/ledger/keypolicy"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// OpenAt opens a seasoned deal at period N from its latest trustee
// certificate (a waterfall.Onboarding, as JSON): a bank moving an existing
// deal onto the ledger starts from what that certificate shows, not from
// closing. Only the trustee may, once, on a deal whose waterfall the
// arranger set as seasoned (SetWaterfall with "seasoned": true) and
// before anything else happened to it. It checks
//
//   - the certificate's figures against each other and the definition
//     (waterfall.OpenState: pool − YSOC = adjusted pool, adjusted pool −
//     notes = OC, printed factors and loss ratio, YSOC schedule, payment
//     date of period N on the deal's calendar);
//   - the sealed loan tape against the certificate: its balance is the
//     certificate's pool balance, and its cut-off ends the certificate's
//     collection period (the month before period N's payment date), so
//     the next report is period N+1's and starts from that balance.
//
// The certificate and the state built from it are stored (schema.Opening,
// under the governance policy); the deal's servicing record moves to
// period N with that state, so the next report and certification are
// period N+1's and every replay of N+1 starts from the stored state. The
// reserve accounts must then be funded to the certificate's balances
// (FundReserve) before N+1 is certified, as Certify checks, and the
// tranches' units may be issued (Deal:Issue counts them at the
// certificate's factors).
func (c *Contract) OpenAt(ctx *txn.Context, dealID, certificateJSON string) error {
	caller, err := ctx.Require(roles.Trustee)
	if err != nil {
		return err
	}
	o, err := waterfall.ParseOnboarding([]byte(certificateJSON))
	if err != nil {
		return errs.Field("certificate", "%v", err)
	}
	f, err := loadDeal(ctx, dealID, true)
	if err != nil {
		return err
	}
	switch {
	case f.svc.OpenedAt > 0:
		return errs.New(errs.AlreadyExists, "deal %s was opened at period %d already", f.deal.ID, f.svc.OpenedAt)
	case !f.svc.Seasoned:
		return errs.New(errs.WrongState, "deal %s runs from its closing: only a deal whose waterfall the arranger set as seasoned is opened from a certificate", f.deal.ID)
	case f.svc.Period > 0:
		return errs.New(errs.WrongState, "deal %s has certified period %d", f.deal.ID, f.svc.Period)
	}
	st, err := waterfall.OpenState(f.def, o)
	if err != nil {
		return errs.Field("certificate", "%v", err)
	}
	if err := checkSeasonedTape(f, o); err != nil {
		return err
	}
	raw, err := canon.Marshal(o)
	if err != nil {
		return err
	}
	hash, err := canon.HashHex(o)
	if err != nil {
		return err
	}
	now, err := ctx.Now()
	if err != nil {
		return err
	}
	opening := schema.Opening{Deal: f.deal.ID, Period: o.Period, WaterfallVersion: f.svc.WaterfallVersion,
		Certificate: raw, CertificateHash: hash, State: st,
		OpenedBy: caller.Identity.Key(), OpenedTx: ctx.TxID(), OpenedAt: now.Format(time.RFC3339)}
	key := openingKey(ctx, f.deal.ID)
	if err := ctx.Put(key, opening); err != nil {
		return err
	}
	cfg, err := ctx.Config()
	if err != nil {
		return err
	}
	if err := keypolicy.Govern(ctx.GetStub(), cfg, key); err != nil {
		return err
	}
	svc := f.svc
	svc.Period, svc.State, svc.OpenedAt, svc.EventOfDefault = o.Period, st, o.Period, o.EventOfDefault
	if err := ctx.Put(servicingKey(ctx, f.deal.ID), svc); err != nil {
		return err
	}
	if svc.EventOfDefault {
		if err := stopTransfers(ctx, f); err != nil {
			return err
		}
	}
	return ctx.Emit("DealOpened", map[string]any{"deal": f.deal.ID, "period": o.Period, "certificateHash": hash,
		"poolBalance": o.PoolBalance.String(), "eventOfDefault": o.EventOfDefault})
}

// checkSeasonedTape holds the sealed tape to the certificate: the same
// pool balance, cut off at the end of the certificate's collection period.
func checkSeasonedTape(f *dealFacts, o waterfall.Onboarding) error {
	if f.pool.Balance != o.PoolBalance {
		return errs.Field("certificate.poolBalance", "%s, but the sealed tape of pool %s holds %s: the tape must be the pool as of the certificate",
			o.PoolBalance, f.pool.ID, f.pool.Balance)
	}
	cutoff, err := loantape.ParseDate(f.pool.CutoffDate)
	if err != nil {
		return errs.New(errs.Internal, "pool %s cut-off date %q: %v", f.pool.ID, f.pool.CutoffDate, err)
	}
	paid := loantape.Month{Year: o.PaymentDate.Year, Month: o.PaymentDate.Month}
	if cutoff.YearMonth().AddMonths(1) != paid {
		return errs.Field("certificate.paymentDate", "%s pays the collection period of %s, but pool %s is cut off %s: the tape must be cut off at the end of the certificate's collection period",
			o.PaymentDate, paid.AddMonths(-1), f.pool.ID, f.pool.CutoffDate)
	}
	return nil
}

// GetOpening returns the certificate a seasoned deal was opened from and
// the state built from it (any consortium member).
func (c *Contract) GetOpening(ctx *txn.Context, dealID string) (string, error) {
	if _, err := ctx.Require(schema.AnyRole()...); err != nil {
		return "", err
	}
	id, err := schema.ParseID("dealID", dealID)
	if err != nil {
		return "", err
	}
	o, found, err := readOpening(ctx, id)
	if err != nil {
		return "", err
	}
	if !found {
		return "", errs.New(errs.NotFound, "deal %s was not opened from a certificate: it runs from its closing", id)
	}
	return jsonString(o)
}

func openingKey(ctx *txn.Context, deal string) string {
	return ctx.MustKey(schema.TypeDealOpening, deal)
}

func readOpening(ctx *txn.Context, deal string) (schema.Opening, bool, error) {
	var o schema.Opening
	found, err := ctx.Get(openingKey(ctx, deal), &o)
	return o, found, err
}

// requireOpened refuses to go on with a seasoned deal the trustee has not
// opened yet: its state is still the closing one, which its sealed tape
// and its certificates do not continue from.
func requireOpened(f *dealFacts) error {
	if err := refuseLiquidated(f); err != nil {
		return err
	}
	if f.svc.Seasoned && f.svc.OpenedAt == 0 {
		return errs.New(errs.WrongState, "deal %s is seasoned: the trustee must first open it from its latest certificate (Servicing:OpenAt)", f.deal.ID)
	}
	return nil
}
