// Package readmodel is the gateway app's local database: the projections of
// chaincode events that serve statements, report history and search without
// a round trip to the peer, the event listener's checkpoint and the
// idempotency records, all in one file.
//
// Why bbolt (go.etcd.io/bbolt): it is pure Go (no cgo, so the app stays a
// static binary), keeps everything in a single file, gives fully ACID
// transactions with one writer and many concurrent readers — which is what
// lets the event listener apply an event and advance its checkpoint
// atomically — and is maintained by the etcd project, which runs it under
// Kubernetes everywhere. The read model is rebuildable from the chain, so an
// embedded store is enough; a bank that wants SQL reporting can add a
// projection that writes elsewhere.
package readmodel

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.etcd.io/bbolt"
)

// FileName is the database file inside the data directory.
const FileName = "gateway.db"

// Store is the open database.
type Store struct {
	db *bbolt.DB
}

// Open opens (creating if needed) the database in dataDir. It fails after a
// second if another process holds the file: two gateway apps must never
// share a data directory.
func Open(dataDir string) (*Store, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dataDir, FileName)
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w (is another gateway-app using this data directory?)", path, err)
	}
	return &Store{db: db}, nil
}

// DB returns the bbolt database, for packages that keep their own buckets in it.
func (s *Store) DB() *bbolt.DB { return s.db }

// View runs a read-only transaction.
func (s *Store) View(fn func(tx *bbolt.Tx) error) error { return s.db.View(fn) }

// Update runs a read-write transaction: all of fn's writes commit, or none.
func (s *Store) Update(fn func(tx *bbolt.Tx) error) error { return s.db.Update(fn) }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }
