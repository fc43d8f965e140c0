// fault-proxy: a reverse proxy in front of one registry that can be told,
// at run time, to lie the ways real registries do (DESIGN.md section 3,
// REFERENCE.md "How registries behave"), for the integration tests.
//
//	fault-proxy -upstream http://127.0.0.1:PORT [-addr 127.0.0.1:0]
//
// It listens on -addr (default 127.0.0.1:0, a free port) and, once
// listening, prints one line "LISTENING 127.0.0.1:PORT" on stdout. Requests
// are logged to stderr. The upstream must be a loopback http:// URL.
//
// Everything outside /__proxy/ is forwarded to the upstream: method, path,
// query, headers (Authorization included), bodies streamed both ways, status
// and headers back. Location, Content-Location and Link headers that point
// at the upstream are rewritten to point at the proxy (as the client
// addressed it), so uploads continue through it.
//
// Control API (never forwarded, never counted):
//
//	POST /__proxy/config  {"fake_subject_header": bool,
//	                       "strip_subject_header": bool,
//	                       "referrers": "pass"|"fake200"|"404"}
//	    Omitted fields keep their value; unknown fields or values are a 400.
//	    Answers the new config. GET answers the current one.
//	    - fake_subject_header: a 2xx answer to a manifest PUT whose body has
//	      a subject gets "OCI-Subject: <subject digest>" (a lying registry).
//	    - strip_subject_header: "OCI-Subject" is removed from every upstream
//	      answer (applied before fake_subject_header, so both on = fake).
//	    - referrers: GET/HEAD /v2/<name>/referrers/<digest> is answered
//	      without asking the upstream: "fake200" = 200, OCI index
//	      Content-Type, an empty index (a false 200); "404" = text/plain
//	      "404 page not found" (docker-registry's answer; hides a working
//	      API). "pass" (the default) forwards.
//	GET  /__proxy/counts  {"total": N, "by_kind": {"PUT manifest": 2, ...}}
//	    Requests since start or the last reset, by "METHOD kind", kind one
//	    of ping (/v2/), blob, upload, manifest, referrers, tags, other.
//	    Requests answered by the proxy itself (fake200, 404) count too.
//	POST /__proxy/reset   zeroes the counts (the config stays); 204.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"
)

const (
	controlPrefix = "/__proxy/"
	ociIndex      = "application/vnd.oci.image.index.v1+json"
	emptyIndex    = `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}`
	// Manifest bodies up to this size are read to find their subject (the
	// distribution spec's recommended manifest limit); larger ones stream
	// through untouched.
	maxManifest = 4 << 20
)

type config struct {
	FakeSubjectHeader  bool   `json:"fake_subject_header"`
	StripSubjectHeader bool   `json:"strip_subject_header"`
	Referrers          string `json:"referrers"`
}

func (c config) valid() bool {
	switch c.Referrers {
	case "pass", "fake200", "404":
		return true
	}
	return false
}

type proxy struct {
	upstream     *url.URL
	upstreamURLs *regexp.Regexp // "http://HOST:PORT" at a URL's start, as Location headers spell it
	listenAddr   string
	rp           *httputil.ReverseProxy
	logger       *log.Logger

	mu     sync.Mutex
	cfg    config
	total  int64
	byKind map[string]int64
}

// What the response side needs to know about its request.
type reqInfo struct {
	inHost  string // the Host the client addressed: the proxy's
	cfg     config // snapshot taken when the request arrived
	subject string // a manifest PUT's subject digest (fake_subject_header)
}

type ctxKey struct{}

var (
	reUpload    = regexp.MustCompile(`^/v2/.+/blobs/uploads(/[^/]*)?$`)
	reBlob      = regexp.MustCompile(`^/v2/.+/blobs/[^/]+$`)
	reManifest  = regexp.MustCompile(`^/v2/.+/manifests/[^/]+$`)
	reReferrers = regexp.MustCompile(`^/v2/.+/referrers/[^/]+$`)
	reTags      = regexp.MustCompile(`^/v2/.+/tags/list$`)
)

func classify(path string) string {
	switch {
	case path == "/v2/" || path == "/v2":
		return "ping"
	case reUpload.MatchString(path):
		return "upload"
	case reBlob.MatchString(path):
		return "blob"
	case reManifest.MatchString(path):
		return "manifest"
	case reReferrers.MatchString(path):
		return "referrers"
	case reTags.MatchString(path):
		return "tags"
	}
	return "other"
}

// count records one request and returns the config in force for it.
func (p *proxy) count(key string) config {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total++
	p.byKind[key]++
	return p.cfg
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		p.control(w, r)
		return
	}
	kind := classify(r.URL.Path)
	cfg := p.count(r.Method + " " + kind)

	if kind == "referrers" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		switch cfg.Referrers {
		case "fake200":
			p.logger.Printf("%s %s: fake 200 (empty index)", r.Method, r.URL.RequestURI())
			w.Header().Set("Content-Type", ociIndex)
			w.Header().Set("Content-Length", fmt.Sprint(len(emptyIndex)))
			w.WriteHeader(http.StatusOK)
			if r.Method == http.MethodGet {
				io.WriteString(w, emptyIndex)
			}
			return
		case "404":
			p.logger.Printf("%s %s: fake 404", r.Method, r.URL.RequestURI())
			http.NotFound(w, r) // text/plain "404 page not found", like docker-registry
			return
		}
	}

	info := &reqInfo{inHost: r.Host, cfg: cfg}
	if info.inHost == "" {
		info.inHost = p.listenAddr
	}
	if cfg.FakeSubjectHeader && r.Method == http.MethodPut && kind == "manifest" && r.Body != nil {
		info.subject = peekSubject(r)
	}
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, info))
	p.rp.ServeHTTP(w, r)
}

// peekSubject reads a manifest body (up to maxManifest) for its subject
// digest and puts the body back for forwarding, byte for byte.
func peekSubject(r *http.Request) string {
	buf, err := io.ReadAll(io.LimitReader(r.Body, maxManifest+1))
	if err != nil || len(buf) > maxManifest {
		// Too big or broken: forward what was read and the rest as is.
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(buf), r.Body), r.Body}
		return ""
	}
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(buf))
	r.ContentLength = int64(len(buf))
	r.TransferEncoding = nil
	var m struct {
		Subject *struct {
			Digest string `json:"digest"`
		} `json:"subject"`
	}
	if json.Unmarshal(buf, &m) != nil || m.Subject == nil {
		return ""
	}
	return m.Subject.Digest
}

// rewrite points a URL (or a header holding URLs) at the upstream to the
// proxy instead.
func (p *proxy) rewrite(v, inHost string) string {
	return p.upstreamURLs.ReplaceAllString(v, "http://"+inHost+"$1")
}

func (p *proxy) modifyResponse(resp *http.Response) error {
	info, _ := resp.Request.Context().Value(ctxKey{}).(*reqInfo)
	if info == nil {
		return nil
	}
	h := resp.Header
	for _, name := range []string{"Location", "Content-Location", "Link"} {
		if vs := h.Values(name); len(vs) > 0 {
			out := make([]string, len(vs))
			for i, v := range vs {
				out[i] = p.rewrite(v, info.inHost)
			}
			h[http.CanonicalHeaderKey(name)] = out
		}
	}
	note := ""
	if info.cfg.StripSubjectHeader && h.Get("OCI-Subject") != "" {
		h.Del("OCI-Subject")
		note += " (OCI-Subject stripped)"
	}
	if info.subject != "" && resp.StatusCode/100 == 2 {
		h.Set("OCI-Subject", info.subject)
		note += " (fake OCI-Subject)"
	}
	p.logger.Printf("%s %s: %d%s", resp.Request.Method, resp.Request.URL.RequestURI(), resp.StatusCode, note)
	return nil
}

func (p *proxy) control(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case controlPrefix + "config":
		switch r.Method {
		case http.MethodGet:
			p.mu.Lock()
			cfg := p.cfg
			p.mu.Unlock()
			writeJSON(w, http.StatusOK, cfg)
		case http.MethodPost, http.MethodPut:
			p.mu.Lock()
			cfg := p.cfg
			p.mu.Unlock()
			dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&cfg); err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
			if !cfg.valid() {
				writeJSON(w, http.StatusBadRequest, map[string]string{
					"error": fmt.Sprintf("referrers must be pass, fake200 or 404, not %q", cfg.Referrers),
				})
				return
			}
			p.mu.Lock()
			p.cfg = cfg
			p.mu.Unlock()
			p.logger.Printf("config: %+v", cfg)
			writeJSON(w, http.StatusOK, cfg)
		default:
			methodNotAllowed(w, "GET, POST")
		}
	case controlPrefix + "counts":
		if r.Method != http.MethodGet {
			methodNotAllowed(w, "GET")
			return
		}
		p.mu.Lock()
		byKind := make(map[string]int64, len(p.byKind))
		for k, v := range p.byKind {
			byKind[k] = v
		}
		out := map[string]any{"total": p.total, "by_kind": byKind}
		p.mu.Unlock()
		writeJSON(w, http.StatusOK, out)
	case controlPrefix + "reset":
		if r.Method != http.MethodPost {
			methodNotAllowed(w, "POST")
			return
		}
		p.mu.Lock()
		p.total = 0
		p.byKind = map[string]int64{}
		p.mu.Unlock()
		p.logger.Printf("counts reset")
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such control endpoint: " + r.URL.Path})
	}
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func main() {
	upstreamFlag := flag.String("upstream", "", "the registry to front: http://127.0.0.1:PORT (loopback only; required)")
	addr := flag.String("addr", "127.0.0.1:0", "listen address (port 0 picks a free one)")
	flag.Parse()

	logger := log.New(os.Stderr, "fault-proxy: ", log.LstdFlags|log.Lmicroseconds)
	upstream, err := url.Parse(*upstreamFlag)
	if err != nil || upstream.Scheme != "http" || upstream.Host == "" ||
		(upstream.Path != "" && upstream.Path != "/") || upstream.RawQuery != "" {
		logger.Fatalf("-upstream must be http://HOST:PORT, not %q", *upstreamFlag)
	}
	if !isLoopback(upstream.Hostname()) {
		logger.Fatalf("-upstream must be on loopback, not %q", upstream.Host)
	}
	upstream.Path = ""

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		logger.Fatalf("listen %s: %v", *addr, err)
	}
	// The upstream's base URL, followed by the end or by what ends a host in
	// a URL or a Link value.
	upstreamURLs := regexp.MustCompile(`(?i)` + regexp.QuoteMeta("http://"+upstream.Host) + `([/?#>;,\s"]|$)`)
	p := &proxy{
		upstream:     upstream,
		upstreamURLs: upstreamURLs,
		listenAddr:   ln.Addr().String(),
		logger:       logger,
		cfg:          config{Referrers: "pass"},
		byKind:       map[string]int64{},
	}
	transport := &http.Transport{
		Proxy: nil, // never via an HTTP(S)_PROXY from the environment
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   100,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
		// Bodies pass byte for byte: no transparent gzip.
		DisableCompression: true,
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			// Path, raw path and query kept; Host becomes the upstream's, so
			// its absolute Locations name itself (and are rewritten back).
			pr.SetURL(upstream)
		},
		Transport:      transport,
		ModifyResponse: p.modifyResponse,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			logger.Printf("%s %s: upstream error: %v", r.Method, r.URL.RequestURI(), err)
			http.Error(w, "fault-proxy: upstream error: "+err.Error(), http.StatusBadGateway)
		},
		ErrorLog: logger,
	}
	srv := &http.Server{
		Handler:           p,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          logger,
	}
	fmt.Printf("LISTENING %s\n", ln.Addr())
	os.Stdout.Sync()
	logger.Fatal(srv.Serve(ln))
}
