// Package pool is the Pool contract: SPV pools and their loan tapes.
//
// A pool is created by an arranger for an originator and a servicer. The
// servicer adds the loans in numbered chunks through transient data (the
// loans never appear in the arguments or in public state): each loan goes
// into the loanTape collection, its Merkle leaf into the chunk's leaf
// list, and the running Merkle peaks and aggregates into the public tape
// progress record, whose key-level policy is the trustee AND the servicer,
// so adding loans needs exactly the parties the loanTape collection
// policy needs. Sealing publishes the root, count, balance and aggregates
// from the progress record without reading a loan, so any majority can
// endorse it. Afterwards a loanTape member can fetch a loan with its
// inclusion proof and anyone can verify it against the public root.
//
// That is a tape added in order. A tape whose chunks declare a
// power-of-two size goes in concurrently (chunks.go): each chunk writes
// its own public record instead of the progress record, and keeps its
// loans as one private value instead of a key a loan (tape_values.go), so
// CheckTape must find no loan in two chunks before Seal.
package pool

import (
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/contracts/internal/args"
	"github.com/tranchenet/tranchenet/chaincode/core/assetclass"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/ledger/keypolicy"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Contract is the Pool contract.
type Contract struct {
	txn.Base
}

// New returns the contract under its public name "Pool".
func New() *Contract {
	return &Contract{Base: txn.NewBase("Pool", "SPV pools: loan tapes in chunks, sealing with a Merkle root and aggregates, loan inclusion proofs")}
}

// CreateInput is the argument of Pool:Create:
//
//	{"id":"POOL-1","name":"Auto pool 2026-1","originator":"Org2MSP","servicer":"Org2MSP","cutoffDate":"2026-03-31"}
type CreateInput struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Originator string `json:"originator"` // MSP
	Servicer   string `json:"servicer"`   // MSP; its servicers add the loans
	CutoffDate string `json:"cutoffDate"` // YYYY-MM-DD
	// AssetClass picks the loan tape's record and checks: "auto" (the
	// default when absent) or "mortgage" (package assetclass).
	AssetClass string `json:"assetClass,omitempty"`
	// DiscountRate is a lease pool's discount rate, a decimal fraction
	// ("0.065"): required for "leases", refused for other classes.
	DiscountRate string `json:"discountRate,omitempty"`
}

// TransientLoans is the transient field carrying a chunk's loans, a JSON
// array of loantape.Loan.
const TransientLoans = "loans"

// MaxChunkLoans bounds a chunk added in order: twice
// loantape.DefaultChunkSize, so a chunk's transient data and writes stay
// well within a transaction. A chunk of a declared size may hold up to
// MaxConcurrentChunkLoans.
const MaxChunkLoans = 2 * loantape.DefaultChunkSize

// Create records an open pool (arranger). The originator must be a
// consortium member and the servicer an organisation whose identities may
// hold the servicer role (and so a member of the loanTape collection).
func (c *Contract) Create(ctx *txn.Context, poolJSON string) error {
	if _, err := ctx.Require(roles.Arranger); err != nil {
		return err
	}
	var in CreateInput
	if err := canon.Unmarshal([]byte(poolJSON), &in); err != nil {
		return errs.Wrap(err, "poolJSON")
	}
	cfg, err := ctx.Config()
	if err != nil {
		return err
	}
	if err := in.validate(cfg); err != nil {
		return err
	}
	key, err := ctx.Key(schema.TypePool, in.ID)
	if err != nil {
		return err
	}
	if exists, err := ctx.Get(key, &schema.Pool{}); err != nil {
		return err
	} else if exists {
		return errs.New(errs.AlreadyExists, "pool %s already exists", in.ID)
	}
	p := schema.Pool{ID: in.ID, Name: in.Name, Originator: in.Originator, Servicer: in.Servicer,
		CutoffDate: in.CutoffDate, Status: schema.PoolOpen, CreatedTx: ctx.TxID()}
	if in.AssetClass != string(assetclass.Auto) {
		p.AssetClass = in.AssetClass
	}
	p.DiscountRate = in.DiscountRate
	if err := ctx.Put(key, p); err != nil {
		return err
	}
	progressKey, err := ctx.Key(schema.TypePoolTape, in.ID)
	if err != nil {
		return err
	}
	progress := schema.TapeProgress{Pool: in.ID, Builder: (&merkle.Builder{}).State(), Aggregates: loantape.TapeAggregates{}}
	if err := putTapeRecord(ctx, progressKey, in.Servicer, progress); err != nil {
		return err
	}
	return ctx.Emit("PoolCreated", poolCreatedEvent{Pool: p.ID, Originator: p.Originator, Servicer: p.Servicer, CutoffDate: p.CutoffDate})
}

func (in CreateInput) validate(cfg roles.OrgConfig) error {
	if _, err := schema.ParseID("id", in.ID); err != nil {
		return err
	}
	if _, err := schema.ParseText("name", in.Name, 200); err != nil {
		return err
	}
	if _, err := assetclass.Parse(in.AssetClass); err != nil {
		return errs.Field("assetClass", "%v", err)
	}
	if err := validateDiscountRate(in.AssetClass, in.DiscountRate); err != nil {
		return err
	}
	if !cfg.IsMember(in.Originator) {
		return errs.Field("originator", "%q is not a member of the consortium", in.Originator)
	}
	if o, ok := cfg.Org(in.Servicer); !ok || !o.Roles.Has(roles.Servicer) {
		return errs.Field("servicer", "%q is not a member whose identities may hold role servicer (members that may: %v)",
			in.Servicer, cfg.MSPsWithRole(roles.Servicer))
	}
	d, err := daycount.Parse(in.CutoffDate)
	if err != nil {
		return errs.Field("cutoffDate", "%v", err)
	}
	if d.String() != in.CutoffDate {
		return errs.Field("cutoffDate", "write the date as %s", d)
	}
	return nil
}

// AddLoans appends a chunk of loans, given as a JSON array of loantape
// records in the transient field "loans", to an open pool (a servicer of
// the pool's servicer organisation). Chunks are numbered from 0 and must
// come in order: a chunk already added is refused with ALREADY_EXISTS, so
// a retried submission never adds loans twice. Each loan is validated by
// loantape against the pool's cut-off date; an asset number already in the
// pool or twice in the chunk is refused.
func (c *Contract) AddLoans(ctx *txn.Context, poolID, chunkNo string) error {
	caller, err := ctx.Require(roles.Servicer)
	if err != nil {
		return err
	}
	if _, err := schema.ParseID("poolID", poolID); err != nil {
		return err
	}
	chunk, err := args.ParseCount("chunkNo", chunkNo)
	if err != nil {
		return err
	}
	raw, err := ctx.Transient(TransientLoans)
	if err != nil {
		return err
	}
	p, _, err := readPool(ctx, poolID)
	if err != nil {
		return err
	}
	entries, err := decodeChunk(p, raw)
	if err != nil {
		return err
	}
	if caller.Identity.MSP != p.Servicer {
		return errs.New(errs.Forbidden, "pool %s is serviced by %s; a servicer of %s may not add its loans", poolID, p.Servicer, caller.Identity.MSP)
	}
	if p.Status != schema.PoolOpen {
		return errs.New(errs.WrongState, "pool %s is sealed: its loan tape can no longer change", poolID)
	}
	progress, progressKey, err := readProgress(ctx, poolID)
	if err != nil {
		return err
	}
	size, concurrent, err := chunkSizeOf(ctx)
	if err != nil {
		return err
	}
	if concurrent {
		return addChunk(ctx, p, int(chunk), size, progress, entries)
	}
	if found, err := ctx.Get(chunkKey(ctx, poolID, 0), &schema.TapeChunk{}); err != nil {
		return err
	} else if found {
		return errs.Field(TransientChunkSize, "pool %s takes its loans in chunks of a declared size (its chunk 0 is on the ledger): send chunkSize with every chunk", poolID)
	}
	switch {
	case len(entries) > MaxChunkLoans:
		return errs.Field(TransientLoans, "a chunk added in order has 1 to %d loans, got %d (chunks of a power of two up to %d go with chunkSize)", MaxChunkLoans, len(entries), MaxConcurrentChunkLoans)
	case int(chunk) < progress.NextChunk:
		return errs.New(errs.AlreadyExists, "pool %s: chunk %d was already added (next is %d)", poolID, chunk, progress.NextChunk)
	case int(chunk) > progress.NextChunk:
		return errs.New(errs.WrongState, "pool %s: chunk %d is out of order, the next chunk is %d", poolID, chunk, progress.NextChunk)
	}
	sums, err := checkEntries(p, entries)
	if err != nil {
		return err
	}
	if progress.Aggregates, err = progress.Aggregates.Add(sums); err != nil {
		return errs.Field(TransientLoans, "%v", err)
	}
	builder, err := merkle.Restore(progress.Builder)
	if err != nil {
		return errs.New(errs.Internal, "pool %s: stored Merkle state: %v", poolID, err)
	}
	leaves, err := putLoans(ctx, poolID, int(chunk), builder.Size(), entries)
	if err != nil {
		return err
	}
	for _, l := range leaves {
		builder.Add(l)
	}
	progress.NextChunk++
	progress.Builder = builder.State()
	if err := ctx.Put(progressKey, progress); err != nil {
		return err
	}
	return ctx.Emit("LoansAdded", loansAddedEvent{Pool: poolID, Chunk: int(chunk), Loans: len(entries), LoansInPool: builder.Size()})
}

// putLoans writes a chunk's loans into the loanTape collection, the
// first at leaf index first, refusing an asset number already in the pool
// (or twice in the chunk), and the chunk's leaf list; it returns the
// leaves.
func putLoans(ctx *txn.Context, poolID string, chunk, first int, entries []tapeEntry) ([][merkle.Size]byte, error) {
	keys := make([]string, len(entries))
	for i, e := range entries {
		key, err := ctx.Key(schema.TypeLoan, poolID, e.Loan.AssetNumber)
		if err != nil {
			return nil, err
		}
		keys[i] = key
	}
	// One multi-key read for the chunk: every key is still in the read
	// set, so a loan two concurrent chunks both carry fails the later one
	// with an MVCC conflict.
	err := ctx.GetPrivateMany(roles.LoanTapeCollection, keys, func(i int, raw []byte) error {
		var existing schema.TapeLoan
		if err := txn.DecodePrivate(keys[i], raw, &existing); err != nil {
			return err
		}
		return errs.New(errs.AlreadyExists, "pool %s: loan %s (loans[%d]) was already added in chunk %d", poolID, entries[i].Loan.AssetNumber, i, existing.Chunk)
	}, nil)
	if err != nil {
		return nil, err
	}
	leaves := schema.TapeLeaves{FirstIndex: first, Leaves: make([]string, len(entries))}
	hashes := make([][merkle.Size]byte, len(entries))
	err = ctx.Batched(func() error {
		for i, e := range entries {
			hashes[i] = merkle.LeafHash(e.canonical())
			leaves.Leaves[i] = merkle.Hex(hashes[i])
			if err := ctx.PutPrivate(roles.LoanTapeCollection, keys[i], schema.TapeLoan{Index: first + i, Chunk: chunk, Loan: e.Loan, Mortgage: e.Mortgage, Lease: e.Lease}); err != nil {
				return err
			}
		}
		leavesKey, err := leavesKey(ctx, poolID, chunk)
		if err != nil {
			return err
		}
		return ctx.PutPrivate(roles.LoanTapeCollection, leavesKey, leaves)
	})
	if err != nil {
		return nil, err
	}
	return hashes, nil
}

// checkChunk validates a chunk's loans and returns their aggregates.
func checkChunk(p schema.Pool, loans []loantape.Loan) (loantape.TapeAggregates, error) {
	for i, l := range loans {
		if _, err := schema.ParseAssetNumber(fmt.Sprintf("%s[%d].assetNumber", TransientLoans, i), l.AssetNumber); err != nil {
			return loantape.TapeAggregates{}, err
		}
	}
	cutoff, err := loantape.ParseDate(p.CutoffDate)
	if err != nil {
		return loantape.TapeAggregates{}, errs.New(errs.Internal, "pool %s: stored cut-off date: %v", p.ID, err)
	}
	v, err := loantape.NewTapeValidator(loantape.TapeRules{Cutoff: cutoff})
	if err != nil {
		return loantape.TapeAggregates{}, errs.New(errs.Internal, "tape validator: %v", err)
	}
	for i, l := range loans {
		v.Check(i+1, l)
	}
	if err := v.Err(); err != nil {
		return loantape.TapeAggregates{}, rowErrors(err)
	}
	return v.Aggregates(), nil
}

// rowErrors renders loantape's validation errors as one BAD_INPUT error
// naming each loan by its position in the chunk, its asset number, the
// field and the rule.
func rowErrors(err error) error {
	ve, ok := err.(*loantape.ValidationError)
	if !ok || len(ve.Errors) == 0 {
		return errs.Field(TransientLoans, "%v", err)
	}
	first := ve.Errors[0]
	field := fmt.Sprintf("%s[%d]", TransientLoans, first.Line-1)
	if first.Field != "" {
		field += "." + first.Field
	}
	msg := ""
	for i, re := range ve.Errors {
		if i > 0 {
			msg += "; "
		}
		msg += fmt.Sprintf("%s[%d] (loan %s): %s (rule %s)", TransientLoans, re.Line-1, re.AssetNumber, re.Msg, re.Rule)
	}
	if ve.Limited {
		msg += "; checking stopped at the error limit"
	}
	return &errs.Error{Code: errs.BadInput, Field: field, Msg: fmt.Sprintf("%d loan error(s): %s", len(ve.Errors), msg)}
}

// Seal fixes an open pool's loan tape and publishes its Merkle root, loan
// count, balance and aggregates (a servicer of the pool's servicer
// organisation, or an arranger). It reads only public state; a tape added
// in chunks of a declared size must have passed CheckTape.
func (c *Contract) Seal(ctx *txn.Context, poolID string) error {
	p, key, err := openPoolFor(ctx, poolID, "seal it")
	if err != nil {
		return err
	}
	sums, count, root, chunkSize, err := sealedTape(ctx, poolID)
	if err != nil {
		return err
	}
	if count == 0 {
		return errs.New(errs.WrongState, "pool %s has no loans: add loans before sealing", poolID)
	}
	aggregates, err := canon.Marshal(sums)
	if err != nil {
		return err
	}
	p.Status, p.LoanCount, p.Balance = schema.PoolSealed, count, sums.Balance
	p.MerkleRoot, p.Aggregates, p.SealedTx = merkle.Hex(root), aggregates, ctx.TxID()
	p.TapeChunkSize = chunkSize
	if err := ctx.Put(key, p); err != nil {
		return err
	}
	return ctx.Emit("PoolSealed", poolSealedEvent{Pool: poolID, LoanCount: p.LoanCount, Balance: p.Balance.String(), MerkleRoot: p.MerkleRoot})
}

// sealedTape is what Seal publishes of a tape: from its chunk records
// when it was added in chunks of a declared size (then checked by
// CheckTape, and chunkSize is that size), else from the progress record.
func sealedTape(ctx *txn.Context, poolID string) (sums loantape.TapeAggregates, count int, root [merkle.Size]byte, chunkSize int, err error) {
	chunks, err := readChunks(ctx, poolID)
	if err != nil {
		return sums, 0, merkle.EmptyRoot, 0, err
	}
	if len(chunks) > 0 {
		if sums, count, root, err = tapeOfChunks(poolID, chunks); err != nil {
			return sums, 0, merkle.EmptyRoot, 0, err
		}
		if err := requireChecked(ctx, poolID, len(chunks), count, root); err != nil {
			return sums, 0, merkle.EmptyRoot, 0, err
		}
		return sums, count, root, chunks[0].ChunkSize, nil
	}
	progress, _, err := readProgress(ctx, poolID)
	if err != nil {
		return sums, 0, merkle.EmptyRoot, 0, err
	}
	builder, err := merkle.Restore(progress.Builder)
	if err != nil {
		return sums, 0, merkle.EmptyRoot, 0, errs.New(errs.Internal, "pool %s: stored Merkle state: %v", poolID, err)
	}
	return progress.Aggregates, builder.Size(), builder.Root(), 0, nil
}

// openPoolFor reads an open pool for a servicer of its servicer
// organisation or an arranger, the callers who may finish its tape (what
// names what they would do, for the refusal).
func openPoolFor(ctx *txn.Context, poolID, what string) (schema.Pool, string, error) {
	caller, err := ctx.Require(roles.Servicer, roles.Arranger)
	if err != nil {
		return schema.Pool{}, "", err
	}
	if _, err := schema.ParseID("poolID", poolID); err != nil {
		return schema.Pool{}, "", err
	}
	p, key, err := readPool(ctx, poolID)
	if err != nil {
		return schema.Pool{}, "", err
	}
	if !caller.Has(roles.Arranger) && caller.Identity.MSP != p.Servicer {
		return schema.Pool{}, "", errs.New(errs.Forbidden, "pool %s is serviced by %s; a servicer of %s may not %s", poolID, p.Servicer, caller.Identity.MSP, what)
	}
	if p.Status != schema.PoolOpen {
		return schema.Pool{}, "", errs.New(errs.WrongState, "pool %s is already sealed (root %s)", poolID, p.MerkleRoot)
	}
	return p, key, nil
}

func readPool(ctx *txn.Context, id string) (schema.Pool, string, error) {
	key, err := ctx.Key(schema.TypePool, id)
	if err != nil {
		return schema.Pool{}, "", err
	}
	var p schema.Pool
	found, err := ctx.Get(key, &p)
	if err != nil {
		return schema.Pool{}, "", err
	}
	if !found {
		return schema.Pool{}, "", errs.New(errs.NotFound, "pool %s not found", id)
	}
	return p, key, nil
}

func readProgress(ctx *txn.Context, id string) (schema.TapeProgress, string, error) {
	key, err := ctx.Key(schema.TypePoolTape, id)
	if err != nil {
		return schema.TapeProgress{}, "", err
	}
	var p schema.TapeProgress
	found, err := ctx.Get(key, &p)
	if err != nil {
		return schema.TapeProgress{}, "", err
	}
	if !found {
		return schema.TapeProgress{}, "", errs.New(errs.Internal, "pool %s has no tape progress record", id)
	}
	return p, key, nil
}

// putTapeRecord writes a public record of a tape and keeps it by the
// loanTape collection's parties, the trustee AND the pool's servicer: only
// transactions both endorse, which alone can read the tape, change it.
func putTapeRecord(ctx *txn.Context, key, servicer string, v any) error {
	if err := ctx.Put(key, v); err != nil {
		return err
	}
	cfg, err := ctx.Config()
	if err != nil {
		return err
	}
	return keypolicy.KeptBy(ctx.GetStub(), key, append(cfg.MSPsWithRole(roles.Trustee), servicer)...)
}

func leavesKey(ctx *txn.Context, poolID string, chunk int) (string, error) {
	return ctx.Key(schema.TypeLoanLeaves, poolID, schema.ChunkNo(chunk))
}

func marshal(v any) (string, error) {
	b, err := canon.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
