package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

func TestEventsListsTheReadModel(t *testing.T) {
	ts := newTestServer(t)
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	ts.store.Update(func(w store.Writer) error {
		for i := 0; i < 5; i++ {
			name := "TokenTransferred"
			if i%2 == 1 {
				name = "ReportCertified"
			}
			at := base.Add(time.Duration(i) * time.Hour)
			rec := store.EventRecord{Block: uint64(10 + i), TxID: fmt.Sprintf("%064x", i), Name: name, ChaincodeEvent: "tranchenet",
				Schema: events.EnvelopeSchema, Time: &at, Data: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i))}
			if err := w.AppendEvent(rec); err != nil {
				return err
			}
		}
		return nil
	})
	list := func(query string) store.EventPage {
		t.Helper()
		a := ts.do(req{method: "GET", path: "/v1/events?" + query, token: trusteeToken})
		if a.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", query, a.Status, a.Body)
		}
		var p store.EventPage
		a.json(t, &p)
		return p
	}
	blocks := func(p store.EventPage) []uint64 {
		var out []uint64
		for _, e := range p.Events {
			out = append(out, e.Block)
		}
		return out
	}

	if got := blocks(list("")); fmt.Sprint(got) != "[10 11 12 13 14]" {
		t.Fatalf("all: %v", got)
	}
	if got := blocks(list("name=ReportCertified")); fmt.Sprint(got) != "[11 13]" {
		t.Fatalf("by name: %v", got)
	}
	if got := blocks(list("txId=" + fmt.Sprintf("%064x", 2))); fmt.Sprint(got) != "[12]" {
		t.Fatalf("by tx: %v", got)
	}
	from, to := base.Add(time.Hour).Format(time.RFC3339), base.Add(3*time.Hour).Format(time.RFC3339)
	if got := blocks(list("from=" + url.QueryEscape(from) + "&to=" + url.QueryEscape(to))); fmt.Sprint(got) != "[11 12]" {
		t.Fatalf("by time: %v", got)
	}
	page := list("limit=2&order=desc")
	if fmt.Sprint(blocks(page)) != "[14 13]" || page.Next == "" {
		t.Fatalf("page 1: %v next %q", blocks(page), page.Next)
	}
	page = list("limit=2&order=desc&after=" + page.Next)
	if fmt.Sprint(blocks(page)) != "[12 11]" || page.Next == "" {
		t.Fatalf("page 2: %v", blocks(page))
	}
	page = list("limit=2&order=desc&after=" + page.Next)
	if fmt.Sprint(blocks(page)) != "[10]" || page.Next != "" {
		t.Fatalf("page 3: %v next %q", blocks(page), page.Next)
	}
	var data map[string]int
	if err := json.Unmarshal(list("txId=" + fmt.Sprintf("%064x", 4)).Events[0].Data, &data); err != nil || data["n"] != 4 {
		t.Fatalf("event data %v %v", data, err)
	}
}
