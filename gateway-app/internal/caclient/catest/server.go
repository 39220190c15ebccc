package catest

import (
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/identity"

	"github.com/tranchenet/tranchenet/gateway-app/internal/caclient"
)

// CAName is the name the test server gives its CA (requests must name it).
const CAName = "ca-test"

// Server is a running fabric-ca-server and its registrar.
type Server struct {
	URL       string // https://localhost:port
	Home      string // the server's home directory
	TLSCACert string // PEM file that signs the server's TLS certificate
	// RegistrarCert and RegistrarKey are the registrar's files as the
	// Fabric CA client wrote them: registers clients with tranchenet.role,
	// revokes and generates CRLs.
	RegistrarCert, RegistrarKey string
	Registrar                   caclient.Registrar
	Roots                       *x509.CertPool
	bin                         string
}

// Port band for test CAs: the ports file of this worktree's consortium
// leaves 24900-24999 free for them.
const portLow, portHigh = 24900, 24999

// Options change how the server starts.
type Options struct {
	// CACert and CAKey make the server issue with an existing CA (PEM
	// files), e.g. the one a network's MSP already trusts; default: a new
	// self-signed CA.
	CACert, CAKey string
}

// Start runs a fabric-ca-server with a new CA for the test; it stops when
// the test ends.
func Start(tb testing.TB) *Server { return StartWith(tb, Options{}) }

// StartWith runs a fabric-ca-server with options.
func StartWith(tb testing.TB, o Options) *Server {
	tb.Helper()
	bin := Binaries(tb)
	dir := tb.TempDir()
	port, ops := freePort(tb, 0), 0
	ops = freePort(tb, port)
	s := &Server{URL: fmt.Sprintf("https://localhost:%d", port), Home: filepath.Join(dir, "server"), bin: bin}
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		tb.Fatal(err)
	}
	args := []string{"start", "-b", "admin:adminpw",
		"--home", s.Home, "--port", strconv.Itoa(port), "--address", "127.0.0.1",
		"--ca.name", CAName, "--tls.enabled", "--csr.hosts", "localhost,127.0.0.1",
		"--operations.listenaddress", fmt.Sprintf("127.0.0.1:%d", ops)}
	s.TLSCACert = filepath.Join(s.Home, "ca-cert.pem")
	if o.CACert != "" {
		args = append(args, "--ca.certfile", o.CACert, "--ca.keyfile", o.CAKey)
		s.TLSCACert = o.CACert
	}
	cmd := exec.Command(filepath.Join(bin, "fabric-ca-server"), args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start fabric-ca-server: %v", err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		logf.Close()
	})
	if err := s.waitReady(30 * time.Second); err != nil {
		out, _ := os.ReadFile(logf.Name())
		tb.Fatalf("fabric-ca-server did not start: %v\n%s", err, lastLines(string(out), 30))
	}
	admin := filepath.Join(dir, "admin")
	s.client(tb, "enroll", "-u", fmt.Sprintf("https://admin:adminpw@localhost:%d", port), "-H", admin)
	s.client(tb, "register", "-u", s.URL, "-H", admin, "--id.name", "registrar", "--id.secret", "registrarpw",
		"--id.type", "client", "--id.attrs", "hf.Registrar.Roles=client,hf.Revoker=true,hf.GenCRL=true,hf.Registrar.Attributes=tranchenet.role")
	reg := filepath.Join(dir, "registrar")
	s.client(tb, "enroll", "-u", fmt.Sprintf("https://registrar:registrarpw@localhost:%d", port), "-H", reg)
	s.RegistrarCert = filepath.Join(reg, "msp", "signcerts", "cert.pem")
	keys, _ := filepath.Glob(filepath.Join(reg, "msp", "keystore", "*_sk"))
	if len(keys) != 1 {
		tb.Fatalf("registrar keystore: want one key, found %d", len(keys))
	}
	s.RegistrarKey = keys[0]
	certPEM, err := os.ReadFile(s.RegistrarCert)
	if err != nil {
		tb.Fatal(err)
	}
	keyPEM, err := os.ReadFile(s.RegistrarKey)
	if err != nil {
		tb.Fatal(err)
	}
	key, err := identity.PrivateKeyFromPEM(keyPEM)
	if err != nil {
		tb.Fatal(err)
	}
	sign, err := identity.NewPrivateKeySign(key)
	if err != nil {
		tb.Fatal(err)
	}
	s.Registrar = caclient.Registrar{CertPEM: certPEM, Sign: sign}
	return s
}

// Client returns a caclient for the server acting as the registrar.
func (s *Server) Client(tb testing.TB) *caclient.Client {
	tb.Helper()
	c, err := caclient.New(caclient.Options{URL: s.URL, CAName: CAName, TLSRoots: s.Roots, Registrar: s.Registrar})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// CLI runs fabric-ca-client with the server's URL, CA name and TLS
// settings appended, and returns its combined output.
func (s *Server) CLI(args ...string) (string, error) {
	args = append(args, "--caname", CAName, "--tls.certfiles", s.TLSCACert)
	out, err := exec.Command(filepath.Join(s.bin, "fabric-ca-client"), args...).CombinedOutput()
	return string(out), err
}

func (s *Server) client(tb testing.TB, args ...string) {
	tb.Helper()
	if out, err := s.CLI(args...); err != nil {
		tb.Fatalf("fabric-ca-client %v: %v\n%s", args[0], err, lastLines(out, 20))
	}
}

func (s *Server) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var last error
	for time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		pem, err := os.ReadFile(s.TLSCACert)
		if err != nil {
			last = err
			continue
		}
		s.Roots = x509.NewCertPool()
		s.Roots.AppendCertsFromPEM(pem)
		c, err := caclient.New(caclient.Options{URL: s.URL, CAName: CAName, TLSRoots: s.Roots, Timeout: 2 * time.Second})
		if err != nil {
			return err
		}
		if _, last = c.Info(context.Background()); last == nil {
			return nil
		}
	}
	return last
}

// freePort finds a free loopback port in the test band, other than not.
func freePort(tb testing.TB, not int) int {
	tb.Helper()
	start := portLow + os.Getpid()%(portHigh-portLow+1)
	for i := 0; i <= portHigh-portLow; i++ {
		p := portLow + (start-portLow+i)%(portHigh-portLow+1)
		if p == not {
			continue
		}
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err == nil {
			ln.Close()
			return p
		}
	}
	tb.Fatalf("no free port in %d-%d", portLow, portHigh)
	return 0
}
