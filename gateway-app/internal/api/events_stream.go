package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/tranchenet/tranchenet/gateway-app/internal/alerts"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// The live tail of the event log as server-sent events. The read model is
// the source (not the peer): a client sees exactly what GET /v1/events
// lists, in the same order, and resumes with the same cursor.

// Stream timing: how often the read model is polled for new events, how
// often a comment keeps idle proxies from closing the connection, and how
// many past events a stream without a cursor starts with.
const (
	streamPoll      = 500 * time.Millisecond
	streamKeepAlive = 15 * time.Second
	streamBacklog   = 20
)

func registerEventStream(s *Server) {
	path := "/v1/events/stream"
	rt := &route{
		method: http.MethodGet, path: path, id: operationID(http.MethodGet, path), tag: "events",
		summary: "Live tail of the chaincode events seen by this gateway (server-sent events)",
		description: "text/event-stream: each event of the read model as it is applied, one `data:` line of the event's JSON (as GET /v1/events lists it) " +
			"with `id:` its cursor (`event: ledger`). The gateway's alerts (`event: alert`: a scheduler step past its date, with the deal, period, step, " +
			"due date and what is missing) come on the same stream as they are raised, without an id: they are not in the event log. Without `after` (or a Last-Event-ID header) the stream starts with the last 20 events. " +
			"Send the bearer token in Authorization (read the stream with fetch: EventSource cannot send headers).",
		params: compileParams(http.MethodGet, path, []Param{
			{Name: "after", In: "query", Description: "cursor: start after this event (an id: of an earlier stream, or next of GET /v1/events)", MaxLength: 64},
			{Name: "name", In: "query", Description: "only events of this type", MaxLength: 128},
		}),
		status: http.StatusOK, contentType: "text/event-stream",
	}
	rt.handler = s.wrap(rt, s.streamEvents)
	s.register(rt)
}

// streamEvents polls the event log after the cursor and writes each new
// event, until the client goes away.
func (s *Server) streamEvents(c *Call) {
	w, r := c.w, c.Request
	q := store.EventQuery{Name: c.Query("name"), After: c.Query("after"), Limit: store.MaxPageSize}
	if q.After == "" {
		q.After = r.Header.Get("Last-Event-ID")
	}
	var page store.EventPage
	err := s.store.View(func(rd store.Reader) error {
		var err error
		if q.After == "" {
			// The backlog: the newest events, sent oldest first.
			page, err = rd.Events(store.EventQuery{Name: q.Name, Desc: true, Limit: streamBacklog})
			for i, j := 0, len(page.Events)-1; i < j; i, j = i+1, j-1 {
				page.Events[i], page.Events[j] = page.Events[j], page.Events[i]
			}
			return err
		}
		page, err = rd.Events(q)
		return err
	})
	if errors.Is(err, store.ErrBadCursor) {
		err = BadInput("after", "%v", err)
	}
	if err != nil {
		s.writeProblem(w, r, problemFrom(err))
		return
	}
	var raised <-chan alerts.Alert
	if q.Name == "" || q.Name == alerts.EventName {
		var stop func()
		raised, stop = s.alerts.Subscribe()
		defer stop()
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	poll, keepAlive := time.NewTicker(streamPoll), time.NewTicker(streamKeepAlive)
	defer poll.Stop()
	defer keepAlive.Stop()
	for {
		for _, ev := range page.Events {
			data, err := json.Marshal(ev)
			if err != nil {
				return
			}
			q.After = ev.Cursor()
			fmt.Fprintf(w, "id: %s\nevent: ledger\ndata: %s\n\n", q.After, data)
		}
		// The server's WriteTimeout bounds ordinary requests; a stream
		// lives as long as its client, so each flush gets a fresh deadline.
		_ = rc.SetWriteDeadline(time.Now().Add(2 * streamKeepAlive))
		if err := rc.Flush(); err != nil {
			return
		}
		page = store.EventPage{}
		select {
		case <-r.Context().Done():
			return
		case <-keepAlive.C:
			fmt.Fprint(w, ": keep-alive\n\n")
			continue
		case a := <-raised:
			data, err := json.Marshal(a)
			if err != nil {
				return
			}
			fmt.Fprintf(w, "event: alert\ndata: %s\n\n", data)
			continue
		case <-poll.C:
		}
		if err := s.store.View(func(rd store.Reader) error {
			var err error
			page, err = rd.Events(q)
			return err
		}); err != nil {
			s.log.WarnContext(r.Context(), "event stream: reading the event log", "err", err)
			return
		}
	}
}
