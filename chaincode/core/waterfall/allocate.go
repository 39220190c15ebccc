package waterfall

import (
	"fmt"
	"sort"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// rankGroups orders the positions of idx (a list of class indices) by rank
// and groups equal ranks: most senior first, or most junior first for loss
// allocation. Ties keep definition order, so the grouping is deterministic.
func (r *run) rankGroups(idx []int, juniorFirst bool) [][]int {
	pos := make([]int, len(idx))
	for k := range pos {
		pos[k] = k
	}
	rank := func(k int) int { return r.def.Classes[idx[k]].Rank }
	sort.SliceStable(pos, func(a, b int) bool {
		if juniorFirst {
			return rank(pos[a]) > rank(pos[b])
		}
		return rank(pos[a]) < rank(pos[b])
	})
	var groups [][]int
	for n, k := range pos {
		if n > 0 && rank(k) == rank(pos[n-1]) {
			groups[len(groups)-1] = append(groups[len(groups)-1], k)
			continue
		}
		groups = append(groups, []int{k})
	}
	return groups
}

// fill splits amount over positions that can each take at most caps[k]:
// group by group in order, each group taking what it can, pro rata to caps
// within the group by largest remainder. Parts never exceed their caps and
// add up to min(amount, Σ caps).
func fill(amount money.Amount, caps []money.Amount, groups [][]int) ([]money.Amount, error) {
	parts := make([]money.Amount, len(caps))
	left := amount
	for _, g := range groups {
		if left <= 0 {
			break
		}
		ws := make([]money.Amount, len(g))
		var room money.Amount
		for n, k := range g {
			ws[n] = caps[k]
			room += caps[k]
		}
		take := min(left, room)
		if take == 0 {
			continue
		}
		ps, unallocated, err := money.Allocate(take, ws)
		if err != nil || unallocated != 0 {
			return nil, fmt.Errorf("split %s over %v left %s: %v", take, ws, unallocated, err)
		}
		for n, k := range g {
			parts[k] = ps[n]
		}
		left -= take
	}
	return parts, nil
}
