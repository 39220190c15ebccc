package chaos

import (
	"reflect"
	"testing"
	"time"
)

func TestScheduleIsReproducibleAndCoversEveryKind(t *testing.T) {
	a, b := Schedule(18, 6*time.Minute), Schedule(18, 6*time.Minute)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("the same seed gave two schedules:\n%v\n%v", a, b)
	}
	if reflect.DeepEqual(a, Schedule(19, 6*time.Minute)) {
		t.Fatal("another seed gave the same schedule")
	}
	seen := map[Kind]int{}
	for i, p := range a {
		seen[p.Kind]++
		if i > 0 && p.After <= a[i-1].After+a[i-1].Down {
			t.Fatalf("fault %d (%s) starts before fault %d is repaired", i, p, i-1)
		}
		if p.Down < minDown || p.Down > maxDown {
			t.Fatalf("fault %s: outage outside %s–%s", p, minDown, maxDown)
		}
		if i > 0 {
			if gap := p.After - a[i-1].After - a[i-1].Down; gap < minGap || gap > maxGap {
				t.Fatalf("fault %s: %s after the previous repair, outside %s–%s", p, gap, minGap, maxGap)
			}
		}
	}
	for _, k := range AllKinds {
		if seen[k] == 0 {
			t.Errorf("no %s fault in %v", k, a)
		}
	}
	if a[len(AllKinds)-1].Kind != Network {
		t.Errorf("the whole-network restart must come after real use, last of the first round: %v", a)
	}
	// A short campaign still runs every kind once; a long one draws more.
	if n := len(Schedule(18, time.Second)); n != len(AllKinds) {
		t.Errorf("a 1 s campaign has %d faults, want one of each kind (%d)", n, len(AllKinds))
	}
	if n := len(Schedule(18, 30*time.Minute)); n <= len(AllKinds) {
		t.Errorf("a 30 min campaign has only %d faults", n)
	}
}
