package loansim

// The tables below shape the generated pool. Weights are integers so that
// drawing from them needs no floating point; they are rough public
// figures (state populations in hundred-thousands, US new-vehicle sales
// shares, prime auto term and score mixes), good enough that a pool looks
// like a pool, not calibrated to any issuer.

type weighted[T any] struct {
	items   []T
	weights []int64
	total   int64
}

func newWeighted[T any](pairs ...pair[T]) weighted[T] {
	var w weighted[T]
	for _, p := range pairs {
		w.items = append(w.items, p.item)
		w.weights = append(w.weights, p.weight)
		w.total += p.weight
	}
	return w
}

func (w *weighted[T]) draw(s *stream) T { return w.items[s.pick(w.weights, w.total)] }

type pair[T any] struct {
	item   T
	weight int64
}

// states: the 50 states and DC, weighted by population.
var states = newWeighted(
	pair[string]{"CA", 390}, pair[string]{"TX", 300}, pair[string]{"FL", 222}, pair[string]{"NY", 197},
	pair[string]{"PA", 130}, pair[string]{"IL", 126}, pair[string]{"OH", 118}, pair[string]{"GA", 110},
	pair[string]{"NC", 108}, pair[string]{"MI", 100}, pair[string]{"NJ", 93}, pair[string]{"VA", 87},
	pair[string]{"WA", 78}, pair[string]{"AZ", 74}, pair[string]{"TN", 71}, pair[string]{"MA", 70},
	pair[string]{"IN", 68}, pair[string]{"MO", 62}, pair[string]{"MD", 62}, pair[string]{"WI", 59},
	pair[string]{"CO", 58}, pair[string]{"MN", 57}, pair[string]{"SC", 53}, pair[string]{"AL", 51},
	pair[string]{"LA", 46}, pair[string]{"KY", 45}, pair[string]{"OR", 42}, pair[string]{"OK", 40},
	pair[string]{"CT", 36}, pair[string]{"UT", 34}, pair[string]{"IA", 32}, pair[string]{"NV", 32},
	pair[string]{"AR", 30}, pair[string]{"MS", 29}, pair[string]{"KS", 29}, pair[string]{"NM", 21},
	pair[string]{"NE", 20}, pair[string]{"ID", 19}, pair[string]{"WV", 18}, pair[string]{"HI", 14},
	pair[string]{"NH", 14}, pair[string]{"ME", 14}, pair[string]{"MT", 11}, pair[string]{"RI", 11},
	pair[string]{"DE", 10}, pair[string]{"SD", 9}, pair[string]{"ND", 8}, pair[string]{"AK", 7},
	pair[string]{"DC", 7}, pair[string]{"VT", 6}, pair[string]{"WY", 6},
)

type manufacturer struct {
	name   string
	models []string
}

// makes: manufacturers weighted by US sales share, with common models.
var makes = newWeighted(
	pair[manufacturer]{manufacturer{"TOYOTA", []string{"CAMRY", "COROLLA", "RAV4", "TACOMA", "HIGHLANDER"}}, 15},
	pair[manufacturer]{manufacturer{"FORD", []string{"F-150", "ESCAPE", "EXPLORER", "MUSTANG", "BRONCO"}}, 13},
	pair[manufacturer]{manufacturer{"CHEVROLET", []string{"SILVERADO", "EQUINOX", "MALIBU", "TAHOE", "COLORADO"}}, 12},
	pair[manufacturer]{manufacturer{"HONDA", []string{"CIVIC", "ACCORD", "CR-V", "PILOT"}}, 9},
	pair[manufacturer]{manufacturer{"NISSAN", []string{"ALTIMA", "ROGUE", "SENTRA", "FRONTIER"}}, 7},
	pair[manufacturer]{manufacturer{"HYUNDAI", []string{"ELANTRA", "TUCSON", "SANTA FE", "SONATA"}}, 6},
	pair[manufacturer]{manufacturer{"KIA", []string{"FORTE", "SPORTAGE", "SORENTO", "TELLURIDE"}}, 5},
	pair[manufacturer]{manufacturer{"JEEP", []string{"WRANGLER", "GRAND CHEROKEE", "CHEROKEE", "COMPASS"}}, 5},
	pair[manufacturer]{manufacturer{"RAM", []string{"1500", "2500"}}, 5},
	pair[manufacturer]{manufacturer{"GMC", []string{"SIERRA", "ACADIA", "TERRAIN"}}, 4},
	pair[manufacturer]{manufacturer{"SUBARU", []string{"OUTBACK", "FORESTER", "CROSSTREK"}}, 4},
	pair[manufacturer]{manufacturer{"VOLKSWAGEN", []string{"JETTA", "TIGUAN", "ATLAS"}}, 3},
	pair[manufacturer]{manufacturer{"MAZDA", []string{"CX-5", "MAZDA3", "CX-30"}}, 3},
	pair[manufacturer]{manufacturer{"BMW", []string{"3 SERIES", "X3", "X5"}}, 2},
	pair[manufacturer]{manufacturer{"MERCEDES-BENZ", []string{"C-CLASS", "GLC"}}, 2},
	pair[manufacturer]{manufacturer{"TESLA", []string{"MODEL 3", "MODEL Y"}}, 2},
	pair[manufacturer]{manufacturer{"DODGE", []string{"CHARGER", "DURANGO"}}, 2},
)

// termMonths: original loan terms in months.
var termMonths = newWeighted(
	pair[int]{36, 6}, pair[int]{48, 10}, pair[int]{60, 28}, pair[int]{66, 6},
	pair[int]{72, 35}, pair[int]{75, 5}, pair[int]{84, 10},
)

// scoreTier is a credit-score band with the APR range (basis points) a
// prime lender charges it on a new vehicle.
type scoreTier struct {
	minScore, maxScore int64
	minAPR, maxAPR     int64
}

var scoreTiers = newWeighted(
	pair[scoreTier]{scoreTier{620, 659, 850, 1300}, 10},
	pair[scoreTier]{scoreTier{660, 699, 650, 1050}, 18},
	pair[scoreTier]{scoreTier{700, 739, 450, 800}, 24},
	pair[scoreTier]{scoreTier{740, 779, 300, 600}, 22},
	pair[scoreTier]{scoreTier{780, 850, 200, 450}, 26},
)

// Loan-level bounds. APRs stay within 2–14%; used vehicles pay a spread.
const (
	minAPRBP          = 200
	maxAPRBP          = 1400
	usedSpreadBP      = 100
	newShareBP        = 4500 // 45% of loans finance new vehicles
	maxUsedTerm       = 72
	newMinCents       = 18_000_00
	newMaxCents       = 60_000_00
	usedMinCents      = 8_000_00
	usedMaxCents      = 40_000_00
	maxSeasoning      = 24 // months between origination and cut-off
	minMonthsAtCutoff = 12 // at least this many instalments left at cut-off
)
