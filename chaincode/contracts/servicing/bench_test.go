package servicing_test

import (
	"fmt"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// spreadHolders re-registers tranche A as held by n holders of the
// investor bank, seeding their positions straight into the registry (a
// hundred thousand placements through the contracts would take minutes;
// certification never reads a position, and a claim reads only its own).
func spreadHolders(b *testing.B, d *dealFixture, n int) []roles.Identity {
	b.Helper()
	w, a := d.w, d.tranche["A"]
	registry := roles.RegistryCollection(w.Net.Investors)
	var total int64
	for h, u := range d.holders[a] {
		total += u
		reg := roles.RegistryCollection(h.MSPID())
		w.SeedPrivate(reg, contracttest.CompositeKey(schema.TypePosition, a, w.Key(h)), contracttest.MustCanon(b, schema.Position{}))
	}
	holders := make([]roles.Identity, n)
	for i := range holders {
		holders[i] = roles.Identity{MSP: w.Net.Investors, ID: fmt.Sprintf("%064x", i+1)}
		units := total / int64(n)
		if i == 0 {
			units += total % int64(n)
		}
		w.SeedPrivate(registry, contracttest.CompositeKey(schema.TypePosition, a, holders[i].Key()), contracttest.MustCanon(b, schema.Position{Units: units}))
	}
	return holders
}

// BenchmarkCertify is one certification transaction (period 1 of a
// 400-loan deal: the waterfall, the cash moves, four class indices, the
// proof of reserve), simulated on the trustee's peer through the contract
// router. holders=10 and holders=100000 differ only in how many holders
// share tranche A: the figures must be the same.
func BenchmarkCertify(b *testing.B) {
	for _, n := range []int{10, 100_000} {
		b.Run(fmt.Sprintf("holders=%d", n), func(b *testing.B) {
			w := newWorld(b)
			d := newDeal(b, w, 400, 100)
			spreadHolders(b, d, n)
			m := d.nextMonth(b)
			d.report(b, m)
			w.Must(w.Servicer, "Servicing:RemitCollections", d.deal, m.collections().String())
			b.ReportAllocs()
			for b.Loop() {
				tx := w.Endorse(w.Trustee, "Servicing:Certify", []string{d.deal, "1"}, stubtest.OnPeer(w.Net.Trustee))
				if r := tx.Endorsement(); r.Status != 200 {
					b.Fatal(r.Message)
				}
			}
		})
	}
}

// BenchmarkClaim is one holder's claim (the trustee paying it as paying
// agent) after a certified period, with 10 or 100,000 holders of the
// tranche: each claim reads one position and one class book, so its cost
// does not grow with the holders either; paying them all is n claims.
func BenchmarkClaim(b *testing.B) {
	for _, n := range []int{10, 100_000} {
		b.Run(fmt.Sprintf("holders=%d", n), func(b *testing.B) {
			w := newWorld(b)
			d := newDeal(b, w, 400, 100)
			holders := spreadHolders(b, d, n)
			d.runPeriod(b)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				h := holders[i%len(holders)]
				i++
				tx := w.Endorse(w.Trustee, "Servicing:ClaimFor", []string{d.tranche["A"], h.Key()}, stubtest.OnPeer(w.Net.Trustee))
				if r := tx.Endorsement(); r.Status != 200 {
					b.Fatal(r.Message)
				}
			}
		})
	}
}

// BenchmarkAddReportRows is one chunk of 500 loan rows: decoded from the
// transient map, every row checked against the pool's loans in the
// loanTape collection, the chunk's aggregate recomputed and reconciled,
// 500 Merkle leaves, 501 private writes. peer-requests/row is the
// chaincode's round trips to a Fabric 2.5 peer a row (issue 17: what a
// chunk's endorsement waits on): 4 before the tape loan was read once a
// row, 3 in a pool's first period now.
func BenchmarkAddReportRows(b *testing.B) {
	w := newWorld(b)
	d := newDeal(b, w, 1000, 500)
	m := d.nextMonth(b)
	w.Must(w.Servicer, "Servicing:SubmitReport", d.deal, d.header(b, m))
	opt := chunkTransient(b, m.chunks[0])
	b.ReportAllocs()
	rows := float64(len(m.chunks[0].Rows))
	b.ReportMetric(rows, "rows/op")
	var requests int
	for b.Loop() {
		tx := w.Endorse(w.Servicer, "Servicing:AddReportRows", []string{d.deal, "1"}, opt, stubtest.OnPeer(w.Net.Servicer))
		if r := tx.Endorsement(); r.Status != 200 {
			b.Fatal(r.Message)
		}
		requests = tx.PeerRequests()
	}
	b.ReportMetric(float64(requests)/rows, "peer-requests/row")
}
