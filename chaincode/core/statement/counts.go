package statement

import "github.com/tranchenet/tranchenet/chaincode/core/loantape"

// WithDelinquencyCounts adds to section F the number of loans in each
// delinquency bucket, from the servicer report's aggregates (the
// waterfall's period carries balances only). The buckets map as the
// waterfall's do (distribution.PeriodInputs.Period): 31–60 days past due
// → 30-59, 61–90 → 60-89, over 90 → 90+. A statement built without a
// report keeps no counts.
func (s *Statement) WithDelinquencyCounts(d loantape.DelinquencyBuckets) {
	counts := []int{d.Days31To60.Count, d.Days61To90.Count, d.Days91To120.Count + d.Over120.Count}
	counts = append(counts, counts[0]+counts[1]+counts[2])
	for i := range s.Performance.Delinquencies {
		if i < len(counts) {
			n := counts[i]
			s.Performance.Delinquencies[i].Count = &n
		}
	}
}
