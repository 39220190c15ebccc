package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// Rebuild replays the chain's chaincode events through the gateway's own
// listener and projections into a fresh database in dir, from the start
// block to the checkpoint of the gateway's database (cfg.DataDir), and
// stops exactly there: the two databases have then applied the same
// events, and their read models must agree (store.DumpReadModel). The
// gateway app must be stopped (its database is read for the checkpoint).
// It returns the checkpoint reached.
func Rebuild(ctx context.Context, cfg config.Config, dir string, log *slog.Logger) (store.Checkpoint, error) {
	if cfg.Events.Disabled {
		return store.Checkpoint{}, errors.New("rebuild: events.disabled: this gateway keeps no read model")
	}
	target, found, err := checkpointOf(cfg.DataDir)
	if err != nil || !found {
		return target, err // nothing applied: an empty read model is its own rebuild
	}
	fresh, err := store.Open(dir)
	if err != nil {
		return store.Checkpoint{}, err
	}
	defer fresh.Close()
	var started bool
	if err := fresh.View(func(r store.Reader) error {
		_, started, err = r.Checkpoint()
		return err
	}); err != nil || started {
		return store.Checkpoint{}, errors.Join(err, fmt.Errorf("rebuild: %s already holds a read model; rebuild into an empty directory", dir))
	}
	gw, err := ledger.Dial(cfg)
	if err != nil {
		return store.Checkpoint{}, err
	}
	defer gw.Close()
	source := untilSource{Source: eventSource(cfg, gw, log), last: target}
	listener := newListener(cfg, fresh, source, ownPeerQuery(gw, cfg.MSPID, cfg.Events.FetchIdentity), log, nil)

	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		listener.Run(runCtx)
	}()
	defer func() { stop(); <-done }()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		cp, err := listener.Checkpoint()
		if err != nil {
			return cp, err
		}
		if cp.Block == target.Block && len(cp.Applied) == len(target.Applied) {
			return cp, nil
		}
		select {
		case <-ctx.Done():
			status := listener.Status()
			return cp, fmt.Errorf("rebuild: at block %d of %d when stopped (%w); last stream error: %s", cp.Block, target.Block, ctx.Err(), status.LastError)
		case <-tick.C:
		}
	}
}

// checkpointOf reads the listener's checkpoint of the database in dataDir.
func checkpointOf(dataDir string) (cp store.Checkpoint, found bool, err error) {
	db, err := store.Open(dataDir)
	if err != nil {
		return cp, false, err
	}
	defer db.Close()
	err = db.View(func(r store.Reader) error {
		cp, found, err = r.Checkpoint()
		return err
	})
	return cp, found, err
}

// untilSource streams a source's events up to and including the
// transaction last.TxID of block last.Block, then ends the stream, so a
// rebuild stops at the checkpoint it is to reproduce even though its
// listener applies what the stream has ready in batches.
type untilSource struct {
	events.Source
	last store.Checkpoint
}

func (s untilSource) Events(ctx context.Context, cp store.Checkpoint) (<-chan events.RawEvent, error) {
	out := make(chan events.RawEvent)
	if cp.Block > s.last.Block || cp.Block == s.last.Block && len(cp.Applied) >= len(s.last.Applied) {
		close(out)
		return out, nil
	}
	in, err := s.Source.Events(ctx, cp)
	if err != nil {
		return nil, err
	}
	go func() {
		defer close(out)
		for raw := range in {
			if raw.Block > s.last.Block {
				return
			}
			select {
			case out <- raw:
			case <-ctx.Done():
				return
			}
			if raw.Block == s.last.Block && raw.TxID == s.last.TxID {
				return
			}
		}
	}()
	return out, nil
}
