package statement

import (
	"slices"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// TestDelinquencyCountsFromTheReport: section F counts the loans of each
// bucket as the report's aggregates do (over 90 days = 91–120 + 120+),
// in JSON and CSV; without a report it prints no count.
func TestDelinquencyCountsFromTheReport(t *testing.T) {
	_, _, _, sts := runDeal(t)
	st := sts[0]
	for _, row := range csvRows(t, st) {
		if row[2] == "count" {
			t.Fatalf("a statement without a report prints counts: %v", row)
		}
	}
	st.WithDelinquencyCounts(loantape.DelinquencyBuckets{Current: loantape.Bucket{Count: 90},
		Days31To60: loantape.Bucket{Count: 4}, Days61To90: loantape.Bucket{Count: 2}, Days91To120: loantape.Bucket{Count: 1}, Over120: loantape.Bucket{Count: 3}})
	var got []int
	for _, d := range st.Performance.Delinquencies {
		got = append(got, *d.Count)
	}
	if want := []int{4, 2, 4, 10}; !slices.Equal(got, want) {
		t.Fatalf("counts %v, want %v (30-59, 60-89, 90+, total)", got, want)
	}
	var rows []string
	for _, row := range csvRows(t, st) {
		if row[2] == "count" {
			rows = append(rows, row[1]+"="+row[3])
		}
	}
	if want := []string{"30-59 days=4", "60-89 days=2", "90+ days=4", "Total 30+ days=10"}; !slices.Equal(rows, want) {
		t.Fatalf("CSV counts %v, want %v", rows, want)
	}
}
