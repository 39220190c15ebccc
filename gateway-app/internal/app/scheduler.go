package app

import (
	"context"
	"log/slog"

	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/endorse"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/metrics"
	"github.com/tranchenet/tranchenet/gateway-app/internal/scheduler"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// newScheduler builds the payment-date scheduler of cfg.Scheduler over the
// app's ledger, endorsement resolver and store: it runs the configured
// deals and those registered at run time.
func newScheduler(cfg config.Config, l ledger.Ledger, ids []ledger.IdentityInfo, resolver *endorse.Resolver, db *store.DB, log *slog.Logger, reg *metrics.Registry) *scheduler.Scheduler {
	sc := *cfg.Scheduler
	now, set, _ := sc.SchedulerNow() // validated with the configuration
	keys := map[string]string{}
	for _, id := range ids {
		keys[id.Name] = id.ID.Key()
	}
	fabric := scheduler.Fabric{
		Ledger: l, Identity: sc.Identity, Reader: cfg.Events.FetchIdentity, MSP: cfg.MSPID, Keys: keys,
		Endorsers: func(ctx context.Context, fn, msp string) ([]string, error) {
			if _, ok := endorse.Kind(fn); !ok {
				return nil, nil
			}
			return resolver.Resolve(ctx, fn, msp, "")
		},
	}
	s := scheduler.New(sc, fabric, db.Schedule(), scheduler.NewSettable(now, set), log.With("component", "scheduler"), reg)
	s.UseRegistry(db.ScheduledDeals()) // deals registered through PUT /v1/scheduler/deals/{deal}
	return s
}
