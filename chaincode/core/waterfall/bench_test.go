package waterfall

import "testing"

// BenchmarkRunPeriod measures one period of AUTO 2025-1 (seven note classes,
// two fees, a reserve, a trigger, fifteen steps), validation included, as
// the Servicing contract would run it.
func BenchmarkRunPeriod(b *testing.B) {
	def := loadDefinition(b, "auto_2025_1.json")
	st := mustState(b, def)
	p := report{period: 1, start: "2025-01-27", end: "2025-02-15", beginning: "10000000.00",
		interest: "78000.00", sched: "180000.00", prepay: "95000.00", defaults: "5000.00", recoveries: "1000.00",
		dq30: "50000.00", dq60: "30000.00", dq90: "10000.00"}.toPeriod()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(def, st, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReplay measures replaying the three periods of PRORATA 2025-2,
// what a peer or the replay command does to rebuild a deal's history.
func BenchmarkReplay(b *testing.B) {
	def := loadDefinition(b, "prorata_2025_2.json")
	st := mustState(b, def)
	periods := prorataPeriods()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Replay(def, st, periods); err != nil {
			b.Fatal(err)
		}
	}
}
