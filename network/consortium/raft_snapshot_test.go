package consortium

import (
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Fabric 2.5.0's etcdraft deadlocks at restart when the WAL entries it
// replays hold a config change and span more than one Raft Ready batch
// (PreferredMaxBytes). The consenters are added by config changes at the
// channel's start; a snapshot taken before the log outgrows one batch puts
// them behind it, so the snapshot interval must stay below the batch size.
func TestRaftSnapshotsComeBeforeTheLogOutgrowsOneReadyBatch(t *testing.T) {
	raw, err := loadTestNetwork(t).ConfigTx()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Orderer struct {
			EtcdRaft struct {
				Options struct {
					SnapshotIntervalSize string `yaml:"SnapshotIntervalSize"`
				} `yaml:"Options"`
			} `yaml:"EtcdRaft"`
			BatchSize struct {
				PreferredMaxBytes string `yaml:"PreferredMaxBytes"`
			} `yaml:"BatchSize"`
		} `yaml:"Orderer"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	snapshot := byteSize(t, doc.Orderer.EtcdRaft.Options.SnapshotIntervalSize)
	batch := byteSize(t, doc.Orderer.BatchSize.PreferredMaxBytes)
	if snapshot >= batch {
		t.Fatalf("SnapshotIntervalSize %d bytes is not below PreferredMaxBytes %d bytes: a restart after real use can deadlock an orderer", snapshot, batch)
	}
}

// byteSize reads configtx's "N KB" / "N MB" sizes.
func byteSize(t *testing.T, s string) int {
	t.Helper()
	n, unit, _ := strings.Cut(strings.TrimSpace(s), " ")
	v, err := strconv.Atoi(n)
	if err != nil {
		t.Fatalf("size %q: %v", s, err)
	}
	switch unit {
	case "KB":
		return v << 10
	case "MB":
		return v << 20
	case "":
		return v
	}
	t.Fatalf("size %q: unknown unit", s)
	return 0
}
