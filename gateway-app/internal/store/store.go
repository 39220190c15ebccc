// Package store is the gateway app's local database, and the only package
// that knows how it is kept: the read model fed by chaincode events
// (clients' holdings and cash with their history, the deals' report and
// distribution history, statements, the event log), the event listener's
// checkpoint, the loan book of the files this gateway uploaded, and the
// idempotency records of the API, all in one file.
//
// Callers see small interfaces named for what they need — ReadModel and
// LoanBookReader to read, Writer to change the read model inside one
// transaction, Idempotency for the API's retry records — and never a
// database type. View and Update run a function in one transaction:
// everything an Update's function writes commits together, or nothing
// does, which is what lets the event listener apply an event's
// projections and advance its checkpoint atomically.
//
// Why bbolt (go.etcd.io/bbolt) inside: it is pure Go (no cgo, so the app
// stays a static binary), keeps everything in a single file, gives fully
// ACID transactions with one writer and many concurrent readers, and is
// maintained by the etcd project, which runs it under Kubernetes
// everywhere. The read model is rebuildable from the chain, so an embedded
// store is enough; a bank that wants SQL reporting can add a projection
// that writes elsewhere.
//
// On disk: the buckets and keys are those the gateway wrote before this
// package existed (readmodel, events, projections, api), so an existing
// data directory opens unchanged.
//
// Imports: bbolt, shopspring/decimal, the chaincode's pure core (loantape,
// money) and the standard library; nothing of the gateway. No other
// package may import bbolt.
package store

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.etcd.io/bbolt"
)

// FileName is the database file inside the data directory.
const FileName = "gateway.db"

// Store runs functions in transactions over the read model. *DB is the
// implementation; the event listener and the upload workflow take this
// interface.
type Store interface {
	// View runs fn in a read-only transaction: a consistent snapshot.
	View(fn func(Reader) error) error
	// Update runs fn in a read-write transaction: all of fn's writes
	// commit, or none if fn returns an error (or panics).
	Update(fn func(Writer) error) error
}

// Reader is everything a transaction can read.
type Reader interface {
	ReadModel
	LoanBookReader
	// Checkpoint returns the event listener's position; found is false
	// before the first event.
	Checkpoint() (cp Checkpoint, found bool, err error)
}

// Writer is a read-write transaction: the projections' writes, the
// listener's checkpoint and the loan book.
type Writer interface {
	Reader
	Projections
	LoanBookWriter
	// SetCheckpoint records the event listener's position. Write it in the
	// same Update as the event's projections.
	SetCheckpoint(cp Checkpoint) error
}

// DB is the open database.
type DB struct {
	db *bbolt.DB
}

var _ Store = (*DB)(nil)

// Open opens (creating if needed) the database in dataDir. It fails after a
// second if another process holds the file: two gateway apps must never
// share a data directory.
func Open(dataDir string) (*DB, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dataDir, FileName)
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w (is another gateway-app using this data directory?)", path, err)
	}
	if err := db.Update(func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketIdempotency)
		return err
	}); err != nil {
		db.Close()
		return nil, err
	}
	return &DB{db: db}, nil
}

// View runs fn in a read-only transaction.
func (d *DB) View(fn func(Reader) error) error {
	return d.db.View(func(tx *bbolt.Tx) error { return fn(txn{tx}) })
}

// Update runs fn in a read-write transaction: all of fn's writes commit,
// or none.
func (d *DB) Update(fn func(Writer) error) error {
	return d.db.Update(func(tx *bbolt.Tx) error { return fn(txn{tx}) })
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// txn is one bbolt transaction seen through Reader and Writer. The
// transaction ends when View or Update returns: a txn must not be kept.
type txn struct {
	tx *bbolt.Tx
}

var _ Writer = txn{}
