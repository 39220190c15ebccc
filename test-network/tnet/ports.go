package tnet

import (
	"fmt"
	"net"
	"time"

	"github.com/tranchenet/tranchenet/network/consortium"
)

// Ports lists every loopback port the test network binds.
func Ports(c *consortium.Consortium) []int {
	ports := []int{c.OrdererOrg.CA.Port, c.OrdererOrg.CA.OperationsPort}
	for _, o := range c.OrdererOrg.Nodes {
		ports = append(ports, o.Port, o.AdminPort, o.OperationsPort)
	}
	for _, org := range c.Orgs {
		ports = append(ports, org.CA.Port, org.CA.OperationsPort, org.ChaincodeService.Port)
		for _, p := range org.Peers {
			ports = append(ports, p.Port, p.ChaincodePort, p.OperationsPort)
		}
	}
	return ports
}

// PortBusy reports whether something accepts connections on 127.0.0.1:port.
func PortBusy(port int) bool {
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}
