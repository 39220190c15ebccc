package api

import (
	"errors"
	"strconv"
	"time"

	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

var eventParams = []Param{
	{Name: "name", In: "query", Description: "event type, e.g. TokenTransferred", MaxLength: 128},
	{Name: "txId", In: "query", Description: "Fabric transaction ID", Pattern: `^[0-9a-f]{1,128}$`},
	{Name: "from", In: "query", Type: "string", Format: "date-time", Description: "transaction time at or after (RFC 3339)"},
	{Name: "to", In: "query", Type: "string", Format: "date-time", Description: "transaction time before (RFC 3339)"},
	{Name: "after", In: "query", Description: "cursor: the next value of the previous page", MaxLength: 64},
	{Name: "limit", In: "query", Type: "integer", Description: "page size, 1 to 500 (default 50)", Pattern: `^[0-9]{1,3}$`},
	{Name: "order", In: "query", Description: "asc (oldest first, default) or desc", Enum: []string{"asc", "desc"}},
}

func registerEvents(s *Server) {
	Register(s, Endpoint[NoBody, store.EventPage]{
		Method: "GET", Path: "/v1/events", Tag: "events",
		Summary: "Chaincode events seen by this gateway",
		Description: "From the gateway's read model, fed by its chaincode event listener: every event of every transaction, " +
			"in ledger order (block, transaction, event), filtered by type, transaction or time, page by page.",
		Params: eventParams,
		Handle: func(c *Call, _ *NoBody) (*store.EventPage, error) {
			q, err := eventQuery(c)
			if err != nil {
				return nil, err
			}
			var page store.EventPage
			err = c.s.store.View(func(r store.Reader) error {
				var err error
				page, err = r.Events(q)
				return err
			})
			if errors.Is(err, store.ErrBadCursor) {
				return nil, BadInput("after", "%v", err)
			}
			return &page, err
		},
	})
}

func eventQuery(c *Call) (store.EventQuery, error) {
	q := store.EventQuery{Name: c.Query("name"), TxID: c.Query("txId"), After: c.Query("after"), Desc: c.Query("order") == "desc"}
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		if v := c.Query(t.name); v != "" {
			parsed, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return q, BadInput(t.name, "%q is not an RFC 3339 time such as 2025-01-31T00:00:00Z", v)
			}
			*t.dst = parsed
		}
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxPageSize {
			return q, BadInput("limit", "want 1 to %d, got %q", store.MaxPageSize, v)
		}
		q.Limit = n
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return q, BadInput("to", "must be after from")
	}
	return q, nil
}
