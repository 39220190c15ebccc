package store

import (
	"reflect"
	"testing"
	"time"
)

// TestScheduledDealsSurviveAReopen: registrations are listed in deal
// order, replaced by a second Put, removed by Delete, and still there
// after the database is closed and opened again (a gateway restart).
func TestScheduledDealsSurviveAReopen(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	book := db.ScheduledDeals()
	if list, err := book.List(); err != nil || len(list) != 0 {
		t.Fatalf("empty store: %v %v", list, err)
	}
	at := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	for _, d := range []RegisteredDeal{
		{Deal: "DEAL-B", DeterminationDays: 2, OptIn: []string{}, Registered: at, By: "admin"},
		{Deal: "DEAL-A", DeterminationDays: 0, OptIn: []string{"investor1"}, Registered: at},
		{Deal: "DEAL-C", DeterminationDays: 5, OptIn: []string{}, Registered: at},
	} {
		if err := book.Put(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := book.Put(RegisteredDeal{Deal: "DEAL-B", DeterminationDays: 3, OptIn: []string{}, Registered: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if found, err := book.Delete("DEAL-C"); !found || err != nil {
		t.Fatalf("delete DEAL-C: %v %v", found, err)
	}
	if found, err := book.Delete("DEAL-C"); found || err != nil {
		t.Fatalf("second delete of DEAL-C: %v %v", found, err)
	}
	db.Close()

	db, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	book = db.ScheduledDeals()
	list, err := book.List()
	if err != nil {
		t.Fatal(err)
	}
	want := []RegisteredDeal{
		{Deal: "DEAL-A", DeterminationDays: 0, OptIn: []string{"investor1"}, Registered: at},
		{Deal: "DEAL-B", DeterminationDays: 3, OptIn: []string{}, Registered: at.Add(time.Hour)},
	}
	if !reflect.DeepEqual(list, want) {
		t.Fatalf("after reopening:\n got %+v\nwant %+v", list, want)
	}
	if d, found, err := book.Get("DEAL-B"); !found || err != nil || d.DeterminationDays != 3 {
		t.Fatalf("get DEAL-B: %+v %v %v", d, found, err)
	}
	if _, found, err := book.Get("DEAL-C"); found || err != nil {
		t.Fatalf("get deleted DEAL-C: %v %v", found, err)
	}
}
