// go-registry: go-containerregistry's in-memory registry with the referrers
// API switched on, for the integration tests (DESIGN.md section 9).
//
// It listens on -addr (or $GO_REGISTRY_ADDR; default 127.0.0.1:0, a free
// port) and, once listening, prints one line "LISTENING 127.0.0.1:PORT" on
// stdout. Requests are logged to stderr. Everything is kept in memory.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/google/go-containerregistry/pkg/registry"
)

func main() {
	def := os.Getenv("GO_REGISTRY_ADDR")
	if def == "" {
		def = "127.0.0.1:0"
	}
	addr := flag.String("addr", def, "listen address (host:port; port 0 picks a free one)")
	flag.Parse()

	logger := log.New(os.Stderr, "go-registry: ", log.LstdFlags|log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		logger.Fatalf("listen %s: %v", *addr, err)
	}
	handler := registry.New(
		registry.WithReferrersSupport(true),
		registry.Logger(logger),
	)
	fmt.Printf("LISTENING %s\n", ln.Addr())
	os.Stdout.Sync()
	logger.Fatal(http.Serve(ln, handler))
}
