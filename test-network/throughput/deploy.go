// Package throughput is the network throughput benchmark's machinery
// (issue 17): it deploys the plain token yardstick (package plaintoken)
// beside tranchenet, samples every network process's CPU from /proc, names
// errors by kind, and turns interleaved load runs into the table of ratios
// the README shows. TestIntegrationThroughput (test-network, opt-in with
// TRANCHENET_THROUGHPUT=1) drives it.
//
// It is a test-network tool: it may import tnet, load, plaintoken, the
// consortium description, its collections generator and the standard
// library; no product package imports it.
package throughput

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tranchenet/tranchenet/collections"
	"github.com/tranchenet/tranchenet/network/consortium"
	"github.com/tranchenet/tranchenet/test-network/plaintoken"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// PlainTokenPID is the name of the plain token service's PID file in the
// run folder's pids/, so that network.sh down stops it with the rest.
const PlainTokenPID = "plaintoken"

// PlainTokenAddress is where the plain token service listens: the port
// after the trustee bank's chaincode service (shifted with the
// consortium's ports). One service serves every peer: it is a yardstick,
// not a bank's code.
func PlainTokenAddress(n *tnet.Network) string {
	return "127.0.0.1:" + strconv.Itoa(n.Consortium.Trustee().ChaincodeService.Port+1)
}

// TrusteePolicy is the plain token's endorsement policy: the trustee's
// peers alone, as for a tranche transfer, rendered from the consortium.
func TrusteePolicy(n *tnet.Network) string {
	return fmt.Sprintf("OR('%s.peer')", n.Consortium.Trustee().MSPID)
}

// DeployPlainToken builds and starts the plain token service, installs its
// package on every peer, has every bank approve it with the trustee-only
// policy and tranchenet's own collection config (for the private twin:
// the same collections, members and dissemination counts, in the plain
// token's namespace), commits it and waits until the trustee's peers run
// it. The service's PID goes to the run folder's pids/ (network.sh down
// stops it).
func DeployPlainToken(ctx context.Context, n *tnet.Network) error {
	bin := filepath.Join(n.Run, "bin", "plaintoken-cc")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./test-network/cmd/plaintoken-cc")
	build.Dir = n.Root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("build plaintoken-cc: %v\n%s", err, out)
	}
	address := PlainTokenAddress(n)
	label := plaintoken.Name + "_1"
	pkg, err := CCaaSPackage(label, address)
	if err != nil {
		return err
	}
	pkgPath := filepath.Join(n.Run, "chaincode", label+".tar.gz")
	if err := os.MkdirAll(filepath.Dir(pkgPath), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(pkgPath, pkg, 0o644); err != nil {
		return err
	}
	sum := sha256.Sum256(pkg)
	packageID := label + ":" + hex.EncodeToString(sum[:])
	if err := startService(n, bin, address, packageID); err != nil {
		return err
	}
	for _, org := range n.Consortium.Orgs {
		for _, p := range org.Peers {
			out, err := n.PeerAdminCLI(ctx, org.MSPID, p.Name, "lifecycle", "chaincode", "install", pkgPath)
			if err != nil && !strings.Contains(out, "already successfully installed") {
				return fmt.Errorf("install the plain token on %s: %w", org.PeerHost(p), err)
			}
		}
	}
	cols, err := collections.Generate(n.Consortium)
	if err != nil {
		return err
	}
	colsJSON, err := collections.JSON(cols)
	if err != nil {
		return err
	}
	colsPath := filepath.Join(n.Run, "chaincode", plaintoken.Name+"-collections.json")
	if err := os.WriteFile(colsPath, colsJSON, 0o644); err != nil {
		return err
	}
	definition := []string{"-C", n.Consortium.Channel, "-n", plaintoken.Name, "-v", "1", "--sequence", "1",
		"--signature-policy", TrusteePolicy(n), "--collections-config", colsPath}
	for _, org := range n.Consortium.Orgs {
		args := append([]string{"lifecycle", "chaincode", "approveformyorg"}, n.OrdererFlags(org.MSPID)...)
		args = append(append(args, definition...), "--package-id", packageID)
		if _, err := n.AdminCLI(ctx, org.MSPID, args...); err != nil {
			return fmt.Errorf("%s approves the plain token: %w", org.MSPID, err)
		}
	}
	trustee := n.Consortium.Trustee().MSPID
	commit := append([]string{"lifecycle", "chaincode", "commit"}, n.OrdererFlags(trustee)...)
	commit = append(commit, definition...)
	for _, org := range n.Consortium.Orgs {
		// The trustee's admin commits, trusting each bank's peers through
		// the TLS roots in its own folder.
		commit = append(commit, "--peerAddresses", fmt.Sprintf("127.0.0.1:%d", org.Peers[0].Port), "--tlsRootCertFiles",
			consortium.RunFolder(n.Run).TLSRoot(trustee, org.MSPID))
	}
	if _, err := n.AdminCLI(ctx, trustee, commit...); err != nil {
		return fmt.Errorf("commit the plain token: %w", err)
	}
	// Every org's first peer answers a query once it has the definition.
	for _, org := range n.Consortium.Orgs {
		deadline := time.Now().Add(60 * time.Second)
		for {
			_, err := n.Query(ctx, tnet.Call{Org: org.MSPID, Args: []string{"Token:Balance", "nobody"}, Chaincode: plaintoken.Name})
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s's peer does not run the plain token after 60 s: %w", org.MSPID, err)
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
	return nil
}

// startService runs the plain token service in the background, its output
// in logs/plaintoken.log and its PID in pids/plaintoken.pid.
func startService(n *tnet.Network, bin, address, packageID string) error {
	log, err := os.OpenFile(filepath.Join(n.Run, "logs", "plaintoken.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	service := exec.Command(bin)
	service.Env = []string{"PATH=" + os.Getenv("PATH"), "CHAINCODE_SERVER_ADDRESS=" + address, "CORE_CHAINCODE_ID_NAME=" + packageID}
	service.Stdout, service.Stderr = log, log
	if err := service.Start(); err != nil {
		return err
	}
	pid := strconv.Itoa(service.Process.Pid)
	if err := os.WriteFile(filepath.Join(n.Run, "pids", PlainTokenPID+".pid"), []byte(pid+"\n"), 0o644); err != nil {
		return err
	}
	go service.Wait() // reap it when network.sh down stops it
	return nil
}

// CCaaSPackage is a chaincode-as-a-service package pointing at address,
// byte-identical for identical inputs.
func CCaaSPackage(label, address string) ([]byte, error) {
	code, err := tgz(map[string]string{"connection.json": `{"address":"` + address + `","dial_timeout":"10s","tls_required":false}`}, "connection.json")
	if err != nil {
		return nil, err
	}
	return tgz(map[string]string{"metadata.json": `{"type":"ccaas","label":"` + label + `"}`, "code.tar.gz": string(code)}, "metadata.json", "code.tar.gz")
}

func tgz(files map[string]string, order ...string) ([]byte, error) {
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	for _, name := range order {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(files[name]))}); err != nil {
			return nil, err
		}
		if _, err := tw.Write([]byte(files[name])); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
