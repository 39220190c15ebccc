package app

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/network/consortium"
)

// peerCounters is what the upload bench reads from every bank peer's
// operations endpoint (Prometheus text) before and after an upload, to
// say where a chunk's time went: how many chaincode-to-peer round trips
// the chunks made (shim requests of the tranchenet chaincode), how long
// each proposal took on the endorsing peers, and what a block cost to
// validate and commit. Sums over the peers.
type peerCounters struct {
	shimRequests      float64 // chaincode → peer messages (GET_STATE, PUT_STATE, …)
	proposals         float64 // tranchenet proposals endorsed
	proposalSeconds   float64
	blocks            float64 // blocks committed
	blockSeconds      float64 // gossip_privdata_commit_block_duration: the ledger commit
	pvtValidateSecond float64 // gossip_privdata_validation_duration: the block's validation before it
	stateCommitSecond float64 // ledger_statedb_commit_time
}

// readPeerCounters sums the counters over every peer of every bank.
func readPeerCounters(t *testing.T, c *consortium.Consortium) peerCounters {
	t.Helper()
	var sum peerCounters
	client := &http.Client{Timeout: 10 * time.Second}
	for _, org := range c.Orgs {
		for _, p := range org.Peers {
			resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", p.OperationsPort))
			if err != nil {
				t.Logf("metrics of %s %s: %v", org.MSPID, p.Name, err)
				continue
			}
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 64*1024), 1024*1024)
			for sc.Scan() {
				sum.add(sc.Text(), c.Chaincode, c.Channel)
			}
			resp.Body.Close()
		}
	}
	return sum
}

// add counts one Prometheus sample line if it is one of ours.
func (s *peerCounters) add(line, chaincode, channel string) {
	i := strings.LastIndexByte(line, ' ')
	if i < 0 || strings.HasPrefix(line, "#") {
		return
	}
	v, err := strconv.ParseFloat(line[i+1:], 64)
	if err != nil {
		return
	}
	name := line[:i]
	ours := strings.Contains(name, `channel="`+channel+`"`)
	cc := strings.Contains(name, `chaincode="`+chaincode+`"`) || strings.Contains(name, `chaincode="`+chaincode+`_`)
	switch {
	case !ours:
	case strings.HasPrefix(name, "chaincode_shim_requests_received{") && cc:
		s.shimRequests += v
	case strings.HasPrefix(name, "endorser_proposal_duration_count{") && cc:
		s.proposals += v
	case strings.HasPrefix(name, "endorser_proposal_duration_sum{") && cc:
		s.proposalSeconds += v
	case strings.HasPrefix(name, "gossip_privdata_commit_block_duration_count{"):
		s.blocks += v
	case strings.HasPrefix(name, "gossip_privdata_commit_block_duration_sum{"):
		s.blockSeconds += v
	case strings.HasPrefix(name, "gossip_privdata_validation_duration_sum{"):
		s.pvtValidateSecond += v
	case strings.HasPrefix(name, "ledger_statedb_commit_time_sum{"):
		s.stateCommitSecond += v
	}
}

// since is the counters' growth from before to s.
func (s peerCounters) since(before peerCounters) peerCounters {
	return peerCounters{
		shimRequests: s.shimRequests - before.shimRequests, proposals: s.proposals - before.proposals,
		proposalSeconds: s.proposalSeconds - before.proposalSeconds, blocks: s.blocks - before.blocks,
		blockSeconds: s.blockSeconds - before.blockSeconds, pvtValidateSecond: s.pvtValidateSecond - before.pvtValidateSecond,
		stateCommitSecond: s.stateCommitSecond - before.stateCommitSecond,
	}
}

// describe is one upload's line of peer figures: round trips per row,
// seconds per proposal on an endorsing peer, and per block on a peer:
// its validation (endorsement and key-level policies, read sets), then
// its commit (of which the state database's).
func (s peerCounters) describe(rows, chunks int) string {
	per := func(a, b float64) float64 {
		if b == 0 {
			return 0
		}
		return a / b
	}
	rowsPerChunk := per(float64(rows), float64(chunks))
	return fmt.Sprintf("%.2f shim requests a row on an endorsing peer, %.0f proposals at %.2f s, %.0f peer-blocks validated in %.2f s and committed in %.2f s (state database %.2f s)",
		per(per(s.shimRequests, s.proposals), rowsPerChunk), s.proposals, per(s.proposalSeconds, s.proposals),
		s.blocks, per(s.pvtValidateSecond, s.blocks), per(s.blockSeconds, s.blocks), per(s.stateCommitSecond, s.blocks))
}
