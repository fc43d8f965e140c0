// recording-proxy: a reverse proxy in front of one Fulcio that appends one
// line to a file for every certificate request it serves, so that a test (or
// a user of scripts/sigstore-stack.sh) can tell which Fulcio instance a
// signer went to. Standard library only.
//
//	recording-proxy -upstream http://127.0.0.1:PORT -record FILE [-addr 127.0.0.1:0]
//
// It listens on -addr, creates FILE (empty) and only then prints one line
// "LISTENING 127.0.0.1:PORT" on stdout. Every request is forwarded to the
// upstream (a loopback http:// URL) unchanged. A certificate request is
// `POST /api/v1/signingCert` or `POST /api/v2/signingCert` (Fulcio's REST
// API; the paths cosign, sigstore-go, sigstore-js and cargo-attest use).
// For each one, once the upstream has answered (or failed: status 502), it
// appends one line to FILE:
//
//	{"time":"RFC 3339","method":"POST","path":"/api/v2/signingCert","status":201}
//
// The line is written, with a single O_APPEND write under a lock, before
// the answer is relayed: a client that has its certificate finds the line
// already there, so counting lines never races with the request. Other
// requests (trustBundle, configuration) are forwarded and not recorded.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

type recorder struct {
	mu   sync.Mutex
	file *os.File
}

func (r *recorder) record(req *http.Request, status int) error {
	line, err := json.Marshal(map[string]any{
		"time":   time.Now().UTC().Format(time.RFC3339Nano),
		"method": req.Method,
		"path":   req.URL.Path,
		"status": status,
	})
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	_, err = r.file.Write(append(line, '\n'))
	return err
}

func isCertificateRequest(req *http.Request) bool {
	return req.Method == http.MethodPost &&
		(req.URL.Path == "/api/v1/signingCert" || req.URL.Path == "/api/v2/signingCert")
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	upstream := flag.String("upstream", "", "the Fulcio to forward to (http://127.0.0.1:PORT)")
	recordPath := flag.String("record", "", "the file that gains a line per certificate request")
	flag.Parse()
	logger := log.New(os.Stderr, "recording-proxy: ", log.LstdFlags|log.Lmicroseconds)

	target, err := url.Parse(*upstream)
	if err != nil || target.Scheme != "http" || !strings.HasPrefix(target.Host, "127.0.0.1:") {
		logger.Fatalf("-upstream must be http://127.0.0.1:PORT, not %q", *upstream)
	}
	if *recordPath == "" {
		logger.Fatal("-record FILE is required")
	}
	file, err := os.OpenFile(*recordPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND|os.O_TRUNC, 0o644)
	if err != nil {
		logger.Fatalf("record file: %v", err)
	}
	rec := &recorder{file: file}

	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		if isCertificateRequest(resp.Request) {
			// A proxy that cannot record must not pass requests unseen:
			// it stops (the stack reports it dead).
			if err := rec.record(resp.Request, resp.StatusCode); err != nil {
				logger.Fatalf("recording: %v", err)
			}
		}
		return nil
	}
	proxy.ErrorHandler = func(w http.ResponseWriter, req *http.Request, err error) {
		logger.Printf("%s %s: upstream: %v", req.Method, req.URL.Path, err)
		if isCertificateRequest(req) {
			if rerr := rec.record(req, http.StatusBadGateway); rerr != nil {
				logger.Printf("recording: %v", rerr)
			}
		}
		w.WriteHeader(http.StatusBadGateway)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		logger.Fatalf("listen: %v", err)
	}
	fmt.Printf("LISTENING %s\n", ln.Addr())
	os.Stdout.Sync()
	handler := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		proxy.ServeHTTP(w, req)
		logger.Printf("%s %s", req.Method, req.URL.Path)
	})
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	logger.Fatal(srv.Serve(ln))
}
