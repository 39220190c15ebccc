// Package positions is a tranche's register of holders: the public terms
// and supply, the tranche book the trustee keeps (issuance account,
// redemptions, holder count) and the holders' positions with their
// frozen and held units. Every movement of units goes through a Register,
// which settles the accrued distributions first (ledger/accruals). It may
// import ledger/txn, ledger/cash, ledger/accruals, chaincode/schema and
// chaincode/core.
package positions

import (
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/ledger/accruals"
	"github.com/tranchenet/tranchenet/chaincode/ledger/cash"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Register is one tranche's register of holders as one transaction sees
// it: the public terms and supply (Tranche), the book the trustee keeps
// (TrancheBook: issuance account, redemptions, holder count; read on
// first use, see Book) and the positions and claims read so far. Every movement of units goes through
// Move: transfers, forced transfers and redemptions here, placements from
// the issuance account in the Deal contract, and deliveries in the
// Settlement contract, so the transfer rules, the holder count, the
// conservation of units
//
//	Σ positions + Book.IssuerUnits = Tranche.Issued − Book.Redeemed
//
// and the settlement of accrued distributions before any holder's units
// change (package ledger/accruals) are enforced in one place. Servicing's claims
// settle through PayAccrued, so the Register is the only writer of
// positions.
//
// Fabric does not let a transaction read its own writes; a Register
// remembers what it wrote, so several movements of one tranche in one
// transaction (a batch of settlements) see each other's effects.
type Register struct {
	ctx *txn.Context
	cfg roles.OrgConfig

	Tranche schema.Tranche
	// book is the tranche book once bookRead: only a movement that can
	// change it (an issue, a redemption, a holder arriving or leaving) and
	// the holder count read it, so a transfer between holders who stay
	// holders costs one read less and does not conflict with a placement
	// or a redemption committed meanwhile.
	book     schema.TrancheBook
	bookRead bool

	trancheKey, bookKey string
	positions           map[string]*schema.Position // by holder key
	claims              map[string]*rules.Claims    // by holder key; nil: none on record
	// shards are the holder-count shards read or written so far, by key
	// (nil: the tranche has no such shard); allShards once all were read.
	shards    map[string]*schema.HolderShard
	allShards bool
	// accruals settles holders' distributions before their units change;
	// nil for a register opened without a cash ledger.
	accruals *accruals.Settler
	// paidTo are the holders Move paid an accrued distribution, in order.
	paidTo []roles.Identity
}

// Open reads a tranche (its book is read when first needed). ledger is the transaction's one cash
// ledger, through which Move and PayAccrued pay holders' accrued
// distributions into their cash accounts; a register that moves no units
// (a query, a freeze, a pause, a mint, a hold) may be opened with nil,
// and then refuses to move any.
func Open(ctx *txn.Context, trancheID string, ledger *cash.Ledger) (*Register, error) {
	cfg, err := ctx.Config()
	if err != nil {
		return nil, err
	}
	r := &Register{ctx: ctx, cfg: cfg, positions: map[string]*schema.Position{}, claims: map[string]*rules.Claims{},
		shards: map[string]*schema.HolderShard{}}
	if ledger != nil {
		r.accruals = accruals.New(ctx, ledger)
	}
	if r.trancheKey, err = ctx.Key(schema.TypeTranche, trancheID); err != nil {
		return nil, err
	}
	if r.bookKey, err = ctx.Key(schema.TypeTrancheBook, trancheID); err != nil {
		return nil, err
	}
	found, err := tranches.Get(ctx, r.trancheKey, &r.Tranche)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errs.New(errs.NotFound, "tranche %s not found", trancheID)
	}
	return r, nil
}

// Book returns the tranche book, read on first use (with this
// transaction's own write, if any).
func (r *Register) Book() (schema.TrancheBook, error) {
	if r.bookRead {
		return r.book, nil
	}
	found, err := r.ctx.Get(r.bookKey, &r.book)
	if err != nil {
		return schema.TrancheBook{}, err
	}
	if !found {
		return schema.TrancheBook{}, errs.New(errs.Internal, "tranche %s has no book: the ledger is inconsistent", r.Tranche.ID)
	}
	r.bookRead = true
	return r.book, nil
}

// Create opens a new tranche's register: its public terms and supply, and
// an empty tranche book and holder-count shards that carry the trustee's
// key-level policy from their first write, since the trustee keeps them
// as registrar.
func Create(ctx *txn.Context, t schema.Tranche) error {
	trancheKey, err := ctx.Key(schema.TypeTranche, t.ID)
	if err != nil {
		return err
	}
	bookKey, err := ctx.Key(schema.TypeTrancheBook, t.ID)
	if err != nil {
		return err
	}
	shards, err := shardWrites(ctx, t.ID)
	if err != nil {
		return err
	}
	return ctx.Apply(append([]txn.Write{{Key: trancheKey, Value: t}, {Key: bookKey, Value: schema.TrancheBook{}, KeptByTrustee: true}}, shards...)...)
}

// Movement is one movement of units of the register's tranche.
type Movement struct {
	Kind rules.Kind
	// From is the holder units leave; zero for KindIssue, whose units
	// leave the SPV's issuance account (Book.IssuerUnits).
	From roles.Identity
	// To is the holder units reach; zero for KindRedeem, whose units are
	// cancelled (Book.Redeemed).
	To    roles.Identity
	Units int64
}

// Position returns a holder's position (zero if it holds nothing, or if
// its organisation keeps no registry and so cannot hold units).
func (r *Register) Position(holder roles.Identity) (schema.Position, error) {
	p, err := r.position(holder)
	if err != nil {
		return schema.Position{}, err
	}
	return *p, nil
}

func (r *Register) position(holder roles.Identity) (*schema.Position, error) {
	if p, ok := r.positions[holder.Key()]; ok {
		return p, nil
	}
	p := &schema.Position{}
	if registry, err := r.cfg.RegistryFor(holder.MSP); err == nil {
		key, err := r.positionKey(holder)
		if err != nil {
			return nil, err
		}
		if _, err := r.ctx.GetPrivate(registry, key, p); err != nil {
			return nil, err
		}
	}
	r.positions[holder.Key()] = p
	return p, nil
}

func (r *Register) positionKey(holder roles.Identity) (string, error) {
	return r.ctx.Key(schema.TypePosition, r.Tranche.ID, holder.Key())
}

// claimsOf returns a holder's claims from the compliance collection, or
// nil when none are on record.
func (r *Register) claimsOf(holder roles.Identity) (*rules.Claims, error) {
	if c, ok := r.claims[holder.Key()]; ok {
		return c, nil
	}
	key, err := r.ctx.Key(schema.TypeClaims, holder.Key())
	if err != nil {
		return nil, err
	}
	var c rules.Claims
	found, err := r.ctx.GetPrivate(roles.ComplianceCollection, key, &c)
	if err != nil {
		return nil, err
	}
	var out *rules.Claims
	if found {
		out = &c
	}
	r.claims[holder.Key()] = out
	return out, nil
}

// Check decides whether m may happen now, without writing: the transfer
// rules (package rules), then the issuance account's balance for a
// placement, then the units reserved by pending settlements. It returns
// nil or the refusal with its stable code.
func (r *Register) Check(m Movement) error {
	_, _, err := r.prepare(m)
	return err
}

// Move checks m and, if it may happen, pays each holder whose units it
// changes the distributions they have accrued (package accruals: into the
// holder's cash account, at the tranche's index; a new holder starts at
// the index and earns nothing of the past), then applies it and writes
// the positions and the book. Nothing is written when it is refused.
func (r *Register) Move(m Movement) error {
	fromp, top, err := r.prepare(m)
	if err != nil {
		return err
	}
	var from, to schema.Position
	if m.Kind != rules.KindIssue {
		from = *fromp
		if err := r.settleAccrued(m.From, &from); err != nil {
			return err
		}
	}
	if m.Kind != rules.KindRedeem {
		to = *top
		if err := r.settleAccrued(m.To, &to); err != nil {
			return err
		}
	}
	// The book only changes, and so is only read, for an issue, a
	// redemption or a holder arriving at or leaving zero units.
	var before schema.TrancheBook
	if m.Kind == rules.KindIssue || m.Kind == rules.KindRedeem || from.Units == m.Units || to.Units == 0 {
		if before, err = r.Book(); err != nil {
			return err
		}
	}
	book, from, to := DecideMove(before, from, to, m)
	var c change
	if m.Kind != rules.KindIssue {
		c.positions = append(c.positions, holding{m.From, from})
	}
	if m.Kind != rules.KindRedeem {
		c.positions = append(c.positions, holding{m.To, to})
	}
	departed := m.Kind != rules.KindIssue && fromp.Units > 0 && from.Units == 0
	arrived := m.Kind != rules.KindRedeem && top.Units == 0 && to.Units > 0
	if err := r.countHolders(m, departed, arrived, &book, &c); err != nil {
		return err
	}
	// Write the tranche book only when it changed (issuance, redemption,
	// a holder of a tranche without shards): every transfer reads it, but
	// if every transfer wrote it, concurrent transfers of a tranche would
	// all conflict (MVCC) and settle one per block.
	if book != before {
		c.book = &book
	}
	return r.apply(c)
}

// prepare runs every check of m (CheckMovement) and returns the two
// positions it would change (nil for the side that is an account of the
// book).
func (r *Register) prepare(m Movement) (from, to *schema.Position, err error) {
	now, err := r.ctx.Now()
	if err != nil {
		return nil, nil, err
	}
	var sender, receiver rules.Party
	if m.Kind != rules.KindIssue {
		if sender, from, err = r.party(m.From); err != nil {
			return nil, nil, err
		}
	}
	if m.Kind != rules.KindRedeem {
		if receiver, to, err = r.party(m.To); err != nil {
			return nil, nil, err
		}
	}
	var book schema.TrancheBook
	if m.Kind == rules.KindIssue {
		if book, err = r.Book(); err != nil { // the issuance account's balance
			return nil, nil, err
		}
	}
	if r.Tranche.Rules.MaxHolders > 0 {
		// Only a holder cap needs the count: read every shard (rule 14).
		if book.Holders, err = r.HolderCount(); err != nil {
			return nil, nil, err
		}
	}
	if err := CheckMovement(r.cfg, r.Tranche, book, m, now, sender, receiver, from, to); err != nil {
		return nil, nil, err
	}
	return from, to, nil
}

// party returns the rules' view of a holder and its current position.
func (r *Register) party(id roles.Identity) (rules.Party, *schema.Position, error) {
	p, err := r.position(id)
	if err != nil {
		return rules.Party{}, nil, err
	}
	c, err := r.claimsOf(id)
	if err != nil {
		return rules.Party{}, nil, err
	}
	return rules.Party{Key: id.Key(), MSP: id.MSP, Claims: c}, p, nil
}

func (r *Register) putPosition(holder roles.Identity, p schema.Position) error {
	return r.apply(change{positions: []holding{{holder, p}}})
}

// holding is a holder's position as a decision left it.
type holding struct {
	holder   roles.Identity
	position schema.Position
}

// change is what a decision wrote: positions, then the tranche's public
// record, then its book.
type change struct {
	positions []holding
	tranche   *schema.Tranche
	book      *schema.TrancheBook
	shards    []shardWrite
}

// apply writes a change through txn.Context.Apply and remembers it, so
// later movements of the transaction see it.
func (r *Register) apply(c change) error {
	var writes []txn.Write
	for _, h := range c.positions {
		registry, err := r.cfg.RegistryFor(h.holder.MSP)
		if err != nil {
			return err
		}
		key, err := r.positionKey(h.holder)
		if err != nil {
			return err
		}
		writes = append(writes, txn.Write{Collection: registry, Key: key, Value: h.position})
	}
	if c.tranche != nil {
		if err := keepTerms(r.Tranche, *c.tranche); err != nil {
			return err
		}
		writes = append(writes, txn.Write{Key: r.trancheKey, Value: *c.tranche, Governed: true})
	}
	if c.book != nil {
		writes = append(writes, txn.Write{Key: r.bookKey, Value: *c.book, KeptByTrustee: true})
	}
	for _, s := range c.shards {
		writes = append(writes, txn.Write{Key: s.key, Value: s.shard})
	}
	if err := r.ctx.Apply(writes...); err != nil {
		return err
	}
	for _, h := range c.positions {
		p := h.position
		r.positions[h.holder.Key()] = &p
	}
	if c.tranche != nil {
		r.Tranche = *c.tranche
	}
	if c.book != nil {
		r.book, r.bookRead = *c.book, true
	}
	for _, s := range c.shards {
		v := s.shard
		r.shards[s.key] = &v
	}
	return nil
}

// settleAccrued pays a holder the distributions its position has accrued
// and moves its IndexPaid to the index; the caller writes the position.
func (r *Register) settleAccrued(holder roles.Identity, p *schema.Position) error {
	if r.accruals == nil {
		return errs.New(errs.Internal, "tranche %s: a register opened without the transaction's cash ledger cannot change units: their accrued distributions are paid in cash", r.Tranche.ID)
	}
	st, err := r.accruals.Settle(r.Tranche.ID, holder, p)
	if err == nil && st.Amount > 0 {
		r.paidTo = append(r.paidTo, holder)
	}
	return err
}

// EmitAccrualsPaid announces each accrual Move paid with the event a
// claim emits (DistributionClaimed: the tranche and the holder, never the
// amount), so that a bank's read model refreshes the holder's cash. Only
// a contract whose own event names the holders anyway may call it: the
// Settlement contract's events must not name parties.
func (r *Register) EmitAccrualsPaid() error {
	for _, h := range r.paidTo {
		if err := r.ctx.Emit("DistributionClaimed", schema.DistributionClaimed{Tranche: r.Tranche.ID, Holder: h.Key()}); err != nil {
			return err
		}
	}
	return nil
}

// PayAccrued pays a holder what its position has accrued (units × (index
// − IndexPaid), floored to the cent) into its cash account without
// moving units: a claim. It returns the position after the claim, what
// was paid, and whether anything was written: nothing is when nothing is
// due, nor for a position without units, whose IndexPaid matters only
// once it receives some (and Move settles it then).
func (r *Register) PayAccrued(holder roles.Identity) (schema.Position, distribution.Settlement, bool, error) {
	if _, err := r.cfg.RegistryFor(holder.MSP); err != nil {
		return schema.Position{}, distribution.Settlement{}, false, err
	}
	p, err := r.position(holder)
	if err != nil {
		return schema.Position{}, distribution.Settlement{}, false, err
	}
	if r.accruals == nil {
		return schema.Position{}, distribution.Settlement{}, false, errs.New(errs.Internal, "tranche %s: a register opened without the transaction's cash ledger cannot pay accruals", r.Tranche.ID)
	}
	next := *p
	st, err := r.accruals.Settle(r.Tranche.ID, holder, &next)
	if err != nil {
		return schema.Position{}, distribution.Settlement{}, false, err
	}
	if p.Units == 0 || (st.Amount == 0 && st.NewIndex.Equal(st.IndexPaid)) {
		return *p, st, false, nil // Settle paid nothing and left the class book alone
	}
	if err := r.putPosition(holder, next); err != nil {
		return schema.Position{}, distribution.Settlement{}, false, err
	}
	return next, st, true, nil
}

// Mint adds units to the SPV's issuance account and to the tranche's
// public supply (DecideMint). The deal's collateral gate is the caller's
// to check first (Deal:Issue).
func (r *Register) Mint(units int64) error {
	book, err := r.Book()
	if err != nil {
		return err
	}
	t, b, err := DecideMint(r.Tranche, book, units)
	if err != nil {
		return err
	}
	return r.apply(change{tranche: &t, book: &b})
}

// SetFrozen sets how many of a holder's units the trustee has frozen
// (math.MaxInt64: all of them, now and later; 0: none).
func (r *Register) SetFrozen(holder roles.Identity, units int64) error {
	if units < 0 {
		return errs.Field("units", "must not be negative, got %d", units)
	}
	if _, err := r.cfg.RegistryFor(holder.MSP); err != nil {
		return err
	}
	p, err := r.position(holder)
	if err != nil {
		return err
	}
	return r.putPosition(holder, DecideFrozen(*p, units))
}

// SetHeld sets the units of a holder's position that pending settlement
// instructions reserve (the Settlement contract's to call): they stay the
// holder's but Move refuses to move them until the hold is lowered, which
// the settlement does in the same transaction before it delivers them.
func (r *Register) SetHeld(holder roles.Identity, units int64) error {
	p, err := r.position(holder)
	if err != nil {
		return err
	}
	next, err := DecideHeld(r.Tranche.ID, holder, *p, units)
	if err != nil {
		return err
	}
	return r.putPosition(holder, next)
}

// SetPaused pauses or resumes every movement but forced transfers. A
// tranche of a deal in an event of default (declared by the trustee, or a
// breached trigger's, as Servicing records it) stays paused: resuming it
// is refused with WRONG_STATE.
func (r *Register) SetPaused(paused bool) error {
	t, err := DecidePaused(r.Tranche, paused)
	if err != nil {
		return err
	}
	if !paused {
		if err := r.refuseInEventOfDefault(); err != nil {
			return err
		}
	}
	return r.apply(change{tranche: &t})
}

// Outstanding is the number of units in existence: issued less redeemed.
func (r *Register) Outstanding() (int64, error) {
	book, err := r.Book()
	if err != nil {
		return 0, err
	}
	return r.Tranche.Issued - book.Redeemed, nil
}

func txnCorrupt(key string) error {
	return errs.New(errs.Internal, "registry key %q is not a position key", key)
}
