// Package deal is the Deal contract: deals backed by a sealed pool, their
// tranches and documents, issuance into the SPV's issuance account behind
// a proof-of-collateral mint gate, and placement with investors.
//
// Terms and supply are public and need a majority to change; the
// issuance account is in the tranche's book, which the trustee keeps, so
// a placement (book + registry) is endorsed by the trustee alone, while
// minting (public supply + book) needs a majority that includes the
// trustee. Amendments with consents are left to a later issue: terms are
// fixed at Create, except the pause flag (Token:Pause).
package deal

import (
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/contracts/internal/args"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/ledger/cash"
	"github.com/tranchenet/tranchenet/chaincode/ledger/positions"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Contract is the Deal contract.
type Contract struct {
	txn.Base
}

// New returns the contract under its public name "Deal".
func New() *Contract {
	return &Contract{Base: txn.NewBase("Deal", "deals, tranches, documents, issuance behind the collateral gate, placement")}
}

// Create records a deal on a sealed pool (arranger). Each tranche gets its
// public terms and a book kept by the trustee.
func (c *Contract) Create(ctx *txn.Context, dealJSON string) error {
	caller, err := ctx.Require(roles.Arranger)
	if err != nil {
		return err
	}
	var in DealInput
	if err := canon.Unmarshal([]byte(dealJSON), &in); err != nil {
		return errs.Wrap(err, "dealJSON")
	}
	cfg, err := ctx.Config()
	if err != nil {
		return err
	}
	if err := in.validate(cfg); err != nil {
		return err
	}
	pool, err := readPool(ctx, in.Pool)
	if err != nil {
		return err
	}
	if pool.Status != schema.PoolSealed {
		return errs.New(errs.WrongState, "pool %s is not sealed: a deal is built on a sealed loan tape", pool.ID)
	}
	if err := in.checkDates(pool); err != nil {
		return err
	}
	backsKey, err := ctx.Key(schema.TypePoolDeal, pool.ID)
	if err != nil {
		return err
	}
	var backed string
	if found, err := ctx.Get(backsKey, &backed); err != nil {
		return err
	} else if found {
		return errs.New(errs.AlreadyExists, "pool %s already backs deal %s: a pool's collateral backs one deal", pool.ID, backed)
	}
	dealKey, err := ctx.Key(schema.TypeDeal, in.ID)
	if err != nil {
		return err
	}
	if exists, err := ctx.Get(dealKey, &schema.Deal{}); err != nil || exists {
		return existsErr(err, "deal %s already exists", in.ID)
	}
	d := schema.Deal{ID: in.ID, Name: in.Name, Pool: in.Pool, Arranger: caller.Identity.MSP,
		RequiredCollateralization: in.RequiredCollateralization, Documents: []schema.Document{}, CreatedTx: ctx.TxID()}
	for _, t := range in.Tranches {
		key, err := ctx.Key(schema.TypeTranche, t.ID)
		if err != nil {
			return err
		}
		if exists, err := ctx.Get(key, &schema.Tranche{}); err != nil || exists {
			return existsErr(err, "tranche %s already exists", t.ID)
		}
		t.Rules.AllowedJurisdictions = nonNil(t.Rules.AllowedJurisdictions)
		t.Rules.BlockedJurisdictions = nonNil(t.Rules.BlockedJurisdictions)
		tranche := schema.Tranche{ID: t.ID, Deal: in.ID, Class: t.Class, Seniority: t.Seniority, Kind: t.Kind,
			OriginalFace: t.OriginalFace, UnitFace: t.UnitFace, Coupon: t.Coupon, LegalFinalDate: t.LegalFinalDate,
			Rules: t.Rules, CreatedTx: ctx.TxID()}
		if err := positions.Create(ctx, tranche); err != nil {
			return err
		}
		trancheKey, err := ctx.Key(schema.TypeTranche, t.ID)
		if err != nil {
			return err
		}
		if err := governTerms(ctx, trancheKey); err != nil {
			return err
		}
		d.Tranches = append(d.Tranches, t.ID)
	}
	if err := ctx.Put(dealKey, d); err != nil {
		return err
	}
	if err := governTerms(ctx, dealKey); err != nil {
		return err
	}
	if err := ctx.Put(backsKey, d.ID); err != nil {
		return err
	}
	return ctx.Emit("DealCreated", dealCreatedEvent{Deal: d.ID, Pool: d.Pool, Tranches: d.Tranches,
		RequiredCollateralization: d.RequiredCollateralization.String()})
}

// AddDocument records a document's name, location and SHA-256 on the deal
// (the deal's arranger organisation). Names are unique within a deal.
func (c *Contract) AddDocument(ctx *txn.Context, dealID, name, uri, sha256 string) error {
	caller, err := ctx.Require(roles.Arranger)
	if err != nil {
		return err
	}
	if _, err := schema.ParseID("dealID", dealID); err != nil {
		return err
	}
	doc := schema.Document{AddedTx: ctx.TxID()}
	if doc.Name, err = schema.ParseText("name", name, 200); err != nil {
		return err
	}
	if doc.URI, err = schema.ParseText("uri", uri, 2048); err != nil {
		return err
	}
	if doc.SHA256, err = schema.ParseSHA256("sha256", sha256); err != nil {
		return err
	}
	d, key, err := readDeal(ctx, dealID)
	if err != nil {
		return err
	}
	if err := requireDealArranger(caller, d); err != nil {
		return err
	}
	for _, existing := range d.Documents {
		if existing.Name == doc.Name {
			return errs.New(errs.AlreadyExists, "deal %s already has a document named %q (sha256 %s)", dealID, doc.Name, existing.SHA256)
		}
	}
	d.Documents = append(d.Documents, doc)
	if err := ctx.Put(key, d); err != nil {
		return err
	}
	return ctx.Emit("DocumentAdded", documentEvent{Deal: dealID, Name: doc.Name, URI: doc.URI, SHA256: doc.SHA256})
}

// Issue mints units of a tranche into the SPV's issuance account (the
// deal's arranger organisation). The mint gate: the face of every unit
// issued across the deal's tranches, these included, must not exceed the
// sealed pool balance times the deal's required collateralization.
func (c *Contract) Issue(ctx *txn.Context, trancheID, units string) error {
	caller, err := ctx.Require(roles.Arranger)
	if err != nil {
		return err
	}
	if _, err := schema.ParseID("trancheID", trancheID); err != nil {
		return err
	}
	n, err := args.ParseUnits("units", units)
	if err != nil {
		return err
	}
	reg, err := positions.Open(ctx, trancheID, nil)
	if err != nil {
		return err
	}
	d, _, err := readDeal(ctx, reg.Tranche.Deal)
	if err != nil {
		return err
	}
	if err := requireDealArranger(caller, d); err != nil {
		return err
	}
	if err := checkCollateral(ctx, d, reg.Tranche, n); err != nil {
		return err
	}
	if err := reg.Mint(n); err != nil {
		return err
	}
	return ctx.Emit("UnitsIssued", issuedEvent{Deal: d.ID, Tranche: trancheID, Units: n, Issued: reg.Tranche.Issued})
}

// Place moves units from the SPV's issuance account to an investor, after
// the transfer rules for issuance (trustee, or the deal's arranger
// organisation). The investor's units earn distributions from the
// tranche's current index on: one already holding units is first paid
// what those accrued. Primary issuance against payment (DvP) is the
// Settlement contract's; both use positions.Register.
func (c *Contract) Place(ctx *txn.Context, trancheID, investorKey, units string) error {
	investor, err := schema.ParseIdentityKey("investorKey", investorKey)
	if err != nil {
		return err
	}
	n, err := args.ParseUnits("units", units)
	if err != nil {
		return err
	}
	return place(ctx, trancheID, []schema.Placement{{Investor: investor.Key(), Units: n}})
}

// PlaceMany places units with many investors in one transaction (at most
// schema.MaxBatchQuery), each as Place would, all or none: a primary
// placement to a book of investors in a few transactions, where one
// transaction each would serialise on the tranche's issuance account (every
// placement writes it) and go about one per block. placementsJSON is a
// list of {investor, units}; an investor listed twice is refused.
func (c *Contract) PlaceMany(ctx *txn.Context, trancheID, placementsJSON string) error {
	var list []schema.Placement
	if err := canon.Unmarshal([]byte(placementsJSON), &list); err != nil {
		return errs.Field("placements", "want a JSON list of {investor, units}: %v", err)
	}
	if len(list) == 0 || len(list) > schema.MaxBatchQuery {
		return errs.Field("placements", "%d placements, want 1 to %d", len(list), schema.MaxBatchQuery)
	}
	seen := map[string]bool{}
	for i, p := range list {
		field := fmt.Sprintf("placements[%d]", i)
		investor, err := schema.ParseIdentityKey(field+".investor", p.Investor)
		if err != nil {
			return err
		}
		if seen[investor.Key()] {
			return errs.Field(field+".investor", "%s is listed twice", investor.Short())
		}
		seen[investor.Key()] = true
		if p.Units <= 0 {
			return errs.Field(field+".units", "must be a positive whole number of units, got %d", p.Units)
		}
	}
	return place(ctx, trancheID, list)
}

// place moves units from the issuance account to each investor, paying
// an investor that already holds units its accrued distributions first,
// and announces each placement.
func place(ctx *txn.Context, trancheID string, list []schema.Placement) error {
	caller, err := ctx.Require(roles.Trustee, roles.Arranger)
	if err != nil {
		return err
	}
	if _, err := schema.ParseID("trancheID", trancheID); err != nil {
		return err
	}
	// The investor's accrued distributions, if it already holds units, are
	// paid before its units change: through the transaction's cash ledger.
	ledger, err := cash.Open(ctx)
	if err != nil {
		return err
	}
	reg, err := positions.Open(ctx, trancheID, ledger)
	if err != nil {
		return err
	}
	if !caller.Has(roles.Trustee) {
		d, _, err := readDeal(ctx, reg.Tranche.Deal)
		if err != nil {
			return err
		}
		if err := requireDealArranger(caller, d); err != nil {
			return err
		}
	}
	for _, p := range list {
		investor, err := schema.ParseIdentityKey("investorKey", p.Investor)
		if err != nil {
			return err
		}
		m := positions.Movement{Kind: rules.KindIssue, To: investor, Units: p.Units}
		if err := reg.Move(m); err != nil {
			return reg.RedactFor(caller.Grants, m, err)
		}
		if err := ctx.Emit("UnitsPlaced", placedEvent{Deal: reg.Tranche.Deal, Tranche: trancheID, Investor: investor.Key()}); err != nil {
			return err
		}
	}
	return reg.EmitAccrualsPaid()
}

// Get returns a deal's public record (any consortium member).
func (c *Contract) Get(ctx *txn.Context, dealID string) (string, error) {
	if _, err := ctx.Caller(); err != nil {
		return "", err
	}
	if _, err := schema.ParseID("dealID", dealID); err != nil {
		return "", err
	}
	d, _, err := readDeal(ctx, dealID)
	if err != nil {
		return "", err
	}
	return marshal(d)
}

// GetTranche returns a tranche's public terms and supply (any consortium
// member).
func (c *Contract) GetTranche(ctx *txn.Context, trancheID string) (string, error) {
	if _, err := ctx.Caller(); err != nil {
		return "", err
	}
	if _, err := schema.ParseID("trancheID", trancheID); err != nil {
		return "", err
	}
	reg, err := positions.Open(ctx, trancheID, nil)
	if err != nil {
		return "", err
	}
	return marshal(reg.Tranche)
}

// checkCollateral is the mint gate of Issue.
func checkCollateral(ctx *txn.Context, d schema.Deal, issuing schema.Tranche, units int64) error {
	pool, err := readPool(ctx, d.Pool)
	if err != nil {
		return err
	}
	limit, err := pool.Balance.MulRateFloor(d.RequiredCollateralization)
	if err != nil {
		return errs.New(errs.Internal, "deal %s: collateral limit: %v", d.ID, err)
	}
	factors, err := readSeasonedFactors(ctx, d)
	if err != nil {
		return err
	}
	var total money.Amount
	for _, id := range d.Tranches {
		t := issuing
		if id != issuing.ID {
			if t, err = readTranche(ctx, id); err != nil {
				return err
			}
		} else if t.Issued > t.MaxUnits()-units {
			// Token's Mint names this limit; the face below would overflow.
			return errs.New(errs.LimitExceeded, "tranche %s: issuing %d units would exceed the %d units its original face %s allows",
				t.ID, units, t.MaxUnits(), t.OriginalFace)
		} else {
			t.Issued += units
		}
		face, err := factors.face(t, t.Issued)
		if err != nil {
			return errs.New(errs.Overflow, "deal %s: issued face of tranche %s: %v", d.ID, t.ID, err)
		}
		if total, err = total.Add(face); err != nil {
			return errs.New(errs.Overflow, "deal %s: issued face overflows", d.ID)
		}
	}
	if total > limit {
		return errs.New(errs.LimitExceeded,
			"deal %s: issuing %d units of tranche %s would bring the issued face to %s, above the sealed pool balance %s × required collateralization %s = %s",
			d.ID, units, issuing.ID, total, pool.Balance, d.RequiredCollateralization, limit)
	}
	return nil
}

func requireDealArranger(caller *txn.Caller, d schema.Deal) error {
	if caller.Identity.MSP != d.Arranger {
		return errs.New(errs.Forbidden, "deal %s is arranged by %s; an arranger of %s may not act on it", d.ID, d.Arranger, caller.Identity.MSP)
	}
	return nil
}

func readDeal(ctx *txn.Context, id string) (schema.Deal, string, error) {
	key, err := ctx.Key(schema.TypeDeal, id)
	if err != nil {
		return schema.Deal{}, "", err
	}
	var d schema.Deal
	found, err := ctx.Get(key, &d)
	if err != nil {
		return schema.Deal{}, "", err
	}
	if !found {
		return schema.Deal{}, "", errs.New(errs.NotFound, "deal %s not found", id)
	}
	return d, key, nil
}

func readTranche(ctx *txn.Context, id string) (schema.Tranche, error) {
	key, err := ctx.Key(schema.TypeTranche, id)
	if err != nil {
		return schema.Tranche{}, err
	}
	var t schema.Tranche
	found, err := ctx.Get(key, &t)
	if err != nil {
		return schema.Tranche{}, err
	}
	if !found {
		return schema.Tranche{}, errs.New(errs.Internal, "tranche %s of a deal is missing", id)
	}
	return t, nil
}

func readPool(ctx *txn.Context, id string) (schema.Pool, error) {
	key, err := ctx.Key(schema.TypePool, id)
	if err != nil {
		return schema.Pool{}, err
	}
	var p schema.Pool
	found, err := ctx.Get(key, &p)
	if err != nil {
		return schema.Pool{}, err
	}
	if !found {
		return schema.Pool{}, errs.New(errs.NotFound, "pool %s not found", id)
	}
	return p, nil
}

// existsErr turns the result of an existence check into the error to
// return: the read's error, or ALREADY_EXISTS.
func existsErr(readErr error, format string, a ...any) error {
	if readErr != nil {
		return readErr
	}
	return errs.New(errs.AlreadyExists, format, a...)
}

// nonNil stores an absent list as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func marshal(v any) (string, error) {
	b, err := canon.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
