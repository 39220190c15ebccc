// Package scheduler runs a deal's payment date by itself, in each bank's
// gateway app. On the trustee's gateway it certifies each period on its
// determination date — once the servicer's report is complete, its control
// totals reconcile and every fixing the waterfall needs resolves — and on
// the payment date claims for every holder of the deal's tranches
// (Servicing:ClaimFor, pushed in batches of bounded concurrency) and pays
// the fees. On any bank's gateway it claims, on the payment date, for the
// bank's own clients who opted in.
//
// Its deals are the configuration's (scheduler.deals) and those an admin
// registers at run time (PUT /v1/scheduler/deals/{deal}, registry.go),
// kept in the store (store.RegisteredDeals) so a restart runs them again;
// a deal is in one or the other, never both.
//
// Progress is kept in the gateway's store (store.ScheduleBook), one record
// per step keyed deal/period/step/holder, which is also the step's
// idempotency key: a step is recorded pending before it is submitted and
// done after it commits, so a restarted gateway skips what is done and
// re-runs only what was pending. Re-running a pending claim cannot pay
// twice: a claim pays units × (index − indexPaid) and moves indexPaid, so
// a second claim of the same period pays nothing (the chaincode writes
// nothing), and a certification that committed is seen as done from the
// deal's servicing status.
//
// A step that waits past its date (a late report, a fixing missing, a
// collection account short) raises an alert: a log line naming the deal
// and what is missing, a metric, and the alert on GET
// /v1/deals/{deal}/schedule, which also shows what ran and what is next.
// Dates come from a Clock, which tests and demos set (config
// scheduler.now, or PUT /v1/scheduler/clock) instead of waiting.
//
// Imports: the gateway's api, ledger, metrics and store packages, the
// chaincode's schema and pure core, and the standard library.
package scheduler
