// fault-proxy: a reverse proxy in front of one registry that can be told,
// at run time, to lie the ways real registries do (DESIGN.md section 3,
// REFERENCE.md "How registries behave"), to fail the ways networks and
// overloaded registries fail, and to answer like a hostile server, for the
// integration tests.
//
//	fault-proxy -upstream http://127.0.0.1:PORT [-addr 127.0.0.1:0]
//	            [-tls [-tls-cert-out PATH]]
//
// It listens on -addr (default 127.0.0.1:0, a free port) and, once
// listening, prints one line "LISTENING 127.0.0.1:PORT" on stdout. Requests
// are logged to stderr. The upstream must be a loopback http:// URL.
//
// With -tls it serves HTTPS (HTTP/1.1 only) instead of plain HTTP, with a
// certificate it makes at start: a throwaway CA (valid 7 days) and a leaf
// for 127.0.0.1, ::1 and localhost signed by it. -tls-cert-out PATH writes
// the CA certificate (PEM) there before LISTENING is printed: trust it
// (curl --cacert PATH, a client's extra root) or skip verification
// (curl -k). A CA and a leaf rather than one self-signed certificate,
// because webpki (rustls) refuses a CA certificate as a server's own.
//
// Everything outside /__proxy/ is forwarded to the upstream: method, path,
// query, headers (Authorization included), bodies streamed both ways, status
// and headers back. Location, Content-Location and Link headers that point
// at the upstream are rewritten to point at the proxy (as the client
// addressed it, with its scheme: https:// under -tls), so uploads continue
// through it.
//
// What happens to a request that is not a control call, in this order:
//  1. It is counted (see counts).
//  2. challenge: answered 401 when it has no Authorization.
//  3. Referrers answers of the proxy's own (referrers, referrers_pages,
//     referrers_entries) for GET/HEAD /v2/<name>/referrers/<digest>.
//  4. Targeted rules (POST /__proxy/rules), then random faults (config
//     "random"): at most one fault per request, a due rule wins. Only
//     requests that get this far (would be forwarded) are matched and draw.
//  5. Forwarded (with any "after" fault applied to the upstream's answer).
//
// Faults come in two kinds, and each one applied says which ("when"):
//   - before: the upstream never sees the request (registry state
//     unchanged): a status answered by the proxy, a reset (after reading
//     part of the request body, which is not forwarded), or a delay before
//     forwarding (the request then lands late, as a slow writer's does).
//   - after: the request is forwarded and fully handled by the upstream
//     (its answer's headers arrived, so a PUT is stored), then the client
//     gets something else: a status instead of the real answer (the
//     upstream's body drained first), a reset with no answer or in the
//     middle of the answer's body, a truncated body, or the real answer
//     late. The write happened; the client did not learn it.
//
// Resets send a TCP RST (SO_LINGER 0; under -tls no close_notify), after a
// 100 ms pause when part of an answer was sent so that the client can read
// it first. Truncation closes cleanly (FIN; under -tls with close_notify)
// after fewer body bytes than the Content-Length it sent.
//
// Control API (never forwarded, never counted, never faulted):
//
//	POST /__proxy/config  a JSON object with any of these fields:
//	    {"fake_subject_header": bool,
//	     "strip_subject_header": bool,
//	     "referrers": "pass"|"fake200"|"404",
//	     "referrers_pages": null | {"pages": P, "entries": E,
//	                                "pad_bytes": S, "artifact_type": "..."},
//	     "referrers_entries": N,
//	     "challenge": "" | "WWW-Authenticate value",
//	     "token_body_bytes": N, "token_chunked": bool,
//	     "upload_location": "" | "http" | "https" | "SCHEME://HOST[:PORT]",
//	     "random": null | {"seed": N, "rate": R, "kinds": [...],
//	                       "when": "before"|"after"|"any",
//	                       "methods": [...], "request_kinds": [...],
//	                       "path_regex": "..."}}
//	    Omitted fields keep their value; unknown fields or bad values are a
//	    400 (and change nothing). Answers the new config (all fields). GET
//	    answers the current one.
//	    - fake_subject_header: a 2xx answer to a manifest PUT whose body has
//	      a subject gets "OCI-Subject: <subject digest>" (a lying registry).
//	    - strip_subject_header: "OCI-Subject" is removed from every upstream
//	      answer (applied before fake_subject_header, so both on = fake).
//	    - referrers: GET/HEAD /v2/<name>/referrers/<digest> is answered
//	      without asking the upstream: "fake200" = 200, OCI index
//	      Content-Type, an empty index (a false 200); "404" = text/plain
//	      "404 page not found" (docker-registry's answer; hides a working
//	      API). "pass" (the default) forwards.
//	    - referrers_pages (default null = off): GET/HEAD referrers is
//	      answered with page 1 of a chain of P (>= 1) pages. Each page is a
//	      200 OCI index (exact Content-Length, streamed) of E (>= 0)
//	      synthetic descriptors: mediaType OCI image manifest, a valid
//	      sha256 digest unique to (subject, page, entry), size 1024,
//	      artifactType artifact_type (default the Sigstore bundle type
//	      application/vnd.dev.sigstore.bundle.v0.3+json). Pages before the
//	      last have `Link: </v2/<name>/referrers/<digest>?fault-proxy-page=
//	      N>; rel="next"` (relative). pad_bytes S (default 0 = none) pads
//	      each page to exactly S bytes when S is larger than it: with an
//	      index annotation "org.example.fault-proxy.padding" of "x"s, or
//	      with spaces when S is too short for that. Replaces
//	      "referrers" while set. An unknown page number is a 404.
//	    - referrers_entries N (default 0 = off): one page of N synthetic
//	      descriptors (as above, no Link), e.g. 100000. Wins over
//	      referrers_pages.
//	    - challenge (default "" = off): every request without an
//	      Authorization header is answered 401 with this WWW-Authenticate
//	      value (e.g. `Bearer realm="http://evil.test:1/token",service="x"`)
//	      and an OCI error body; requests with one are handled as usual.
//	    - token_body_bytes, token_chunked: see /__proxy/token.
//	    - upload_location (default "" = off): the Location of answers to
//	      POST and PATCH on /v2/<name>/blobs/uploads/... (after the usual
//	      rewrite) is changed to the scheme "http"/"https" with the proxy's
//	      own host, or to SCHEME://HOST[:PORT] given (path and query kept;
//	      a relative Location is made absolute): a downgrade or a
//	      cross-host redirect of an upload.
//	    - random (default null = off; setting it, even to the same value,
//	      seeds the generator again): each request that passes the filters
//	      (methods: uppercase method names; request_kinds: kinds as in
//	      counts; path_regex: Go RE2 matched against the request URI, path
//	      and query; each omitted or empty = any) draws four numbers in
//	      [0,1) from a splitmix64 generator seeded with seed: u1 < rate
//	      (0..1) injects a fault, u2 picks the kind among those of `kinds`
//	      (default the first six below; the three hanging kinds only when
//	      named) possible for the request and `when` (default
//	      "any"), u3 picks before or after when both are possible, u4 sets
//	      the fault's size. So for a given config and request order, the
//	      faults are the same every run. Kinds, with the phases they have:
//	        "5xx"             before, after: 500, 502 or 503 (u4)
//	        "429"             before, after: 429 without Retry-After
//	        "429-retry-after" before, after: 429 with "Retry-After: 1"
//	        "reset-mid-body"  before: a request with a body has 1 + floor(
//	                          u4 * (length - 1)) of its bytes read (up to
//	                          64 KiB when chunked), then a reset; one without
//	                          a body is reset at once. after: the answer's
//	                          headers and floor(u4 * length) of its body
//	                          bytes, then a reset; when the answer has no
//	                          body (HEAD, Content-Length 0), a reset with no
//	                          answer at all.
//	        "truncate-body"   after, not for HEAD: the answer's headers with
//	                          its Content-Length L (a chunked body is read
//	                          first, up to 8 MiB), floor(u4 * L) body bytes,
//	                          then close; when L is 0, Content-Length 64 and
//	                          no bytes.
//	        "slow"            before: 1-3 s (1000 + u4 * 2000 ms) before
//	                          forwarding; after: the same before answering.
//	        "answer-early"    before: 429 or 503 (u4) answered right after
//	                          the request head, with "Connection: close",
//	                          then the socket is held open for 5 minutes
//	                          without reading the body (a Go server under a
//	                          body limit, a gateway that sheds load).
//	        "drip"            after, not for HEAD: the upstream's answer
//	                          with its body sent one byte per second.
//	        "stall"           before: the request head is read, then
//	                          nothing: no answer, no more reads, the socket
//	                          held open for 5 minutes.
//	    Statuses answered by a fault have an OCI error JSON body
//	    ({"errors":[{"code":"TOOMANYREQUESTS"|"UNAVAILABLE"|...}]}).
//	GET  /__proxy/counts  {"total": N, "by_kind": {"PUT manifest": 2, ...},
//	                       "faults": {"429": 3, "rule-status-429": 1, ...},
//	                       "faults_before": {...}, "faults_after": {...},
//	                       "token_requests": N}
//	    Requests since start or the last reset, by "METHOD kind", kind one
//	    of ping (/v2/), blob, upload, manifest, referrers, tags, other.
//	    Requests answered by the proxy itself (fake200, 404, pages,
//	    challenge, before faults) count too. faults: faults applied, by
//	    name (random: the kind; rules: "rule-status-NNN", "rule-delay",
//	    "rule-reset", "rule-reset-request", "rule-reset-response",
//	    "rule-answer-early-NNN", "rule-stall", "rule-drip"), and the
//	    same split by when. token_requests: calls of /__proxy/token.
//	GET  /__proxy/faults  {"faults": [{"seq": 7, "source": "random"|"rule",
//	                       "rule": 0, "fault": "429", "when": "after",
//	                       "method": "PUT", "uri": "/v2/...",
//	                       "request_kind": "manifest", "status": 429,
//	                       "delay_ms": 1500, "bytes": 1000,
//	                       "upstream_status": 201}, ...]}
//	    The faults applied since start or the last reset, in request order
//	    (the last 10000 applied). Each is recorded before the client can
//	    see its effect. seq numbers the proxy's requests from 1 since start
//	    (control calls excluded). rule: the rule's index (source rule only);
//	    status: the status answered; bytes: request body bytes read before a
//	    request-side reset, or body bytes sent before a response-side
//	    reset or truncation; upstream_status: what the upstream answered
//	    (after faults). Fields that do not apply are left out.
//	GET  /__proxy/rules   the rules, in order, each with its state.
//	POST /__proxy/rules   a rule object or a list of them, appended; answers
//	                      the whole list. A bad rule is a 400 (nothing added).
//	    {"name": "optional label",
//	     "method": "PUT", "kind": "manifest", "path_regex": "sha256-",
//	     "nth": 1, "times": 1, "when": "before"|"after",
//	     "action": {"status": 429, "headers": {"Retry-After": "4"},
//	                "body": "optional; default an OCI error for >= 400"}
//	            | {"delay_ms": 3000}
//	            | {"reset": true}
//	            | {"reset_after_request_bytes": N}
//	            | {"reset_after_response_bytes": N}
//	            | {"answer_early": 401, "headers": {"WWW-Authenticate": ".."},
//	               "body": "optional", "hold_ms": N}
//	            | {"stall": true, "hold_ms": N}
//	            | {"drip_ms": N}}
//	    Filters (each optional = any): method (case-insensitive), kind (as
//	    in counts), path_regex (RE2 on the request URI, path and query).
//	    Every rule counts the requests it matches (state "matched"); it
//	    fires on matches nth (default 1) to nth + times - 1 (times default
//	    1; -1 = every match from the nth on). When several rules are due on
//	    one request, the first in the list fires and the others' turns
//	    pass (state "missed"). State: "index", "matched", "fired", "missed".
//	    Actions and their when (default first):
//	      status      before|after: answer it (after: instead of the
//	                  upstream's answer, whose body is drained first)
//	      delay_ms    before|after: wait, then forward (after: wait, then
//	                  answer what the upstream answered)
//	      reset       before|after: reset with no answer (after: once the
//	                  upstream has answered)
//	      reset_after_request_bytes   before: read N bytes of the body (or
//	                  all of it, if shorter; nothing is forwarded), reset
//	      reset_after_response_bytes  after: the answer's headers and
//	                  min(N, length) body bytes, then reset
//	      answer_early  before: answer the status (headers, body as for
//	                  status, plus "Connection: close") right after the
//	                  request head, then hold the socket open without
//	                  reading for hold_ms (default 300000, at most 600000)
//	      stall       before: never answer and read nothing more; hold the
//	                  socket open for hold_ms (as for answer_early)
//	      drip_ms     after: the upstream's answer, its body one byte per
//	                  N ms (1-60000), then close
//	    Rules are kept until DELETE (reset keeps them and their state).
//	DELETE /__proxy/rules clears them; 204.
//	GET|POST /__proxy/token  a token endpoint (for challenge realms). Every
//	    call is recorded. token_body_bytes 0 (the default): 200 {"token":
//	    "fault-proxy-token","access_token":"fault-proxy-token",
//	    "expires_in":300}. N > 0: 200 application/json of exactly N bytes,
//	    {"token":"aaa...a"} (for N >= 12; shorter: that text cut to N),
//	    streamed in 64 KiB writes (never held in memory; 1 GiB is fine),
//	    with Content-Length N unless token_chunked (then chunked); sending
//	    stops when the client goes away.
//	GET  /__proxy/token-requests  {"requests": [{"method": "GET",
//	    "uri": "/__proxy/token?scope=...", "authorization": "Basic ...",
//	    "bytes_sent": N, "complete": bool, "finished": bool}, ...]}: the
//	    token calls since start or the last reset (the last 1000),
//	    Authorization verbatim ("" when none; these are throwaway test
//	    credentials). finished: it has stopped sending (done, or the client
//	    went away); then bytes_sent is what it wrote and complete whether
//	    that was the whole body.
//	POST /__proxy/reset   zeroes the counts, the fault log and the token
//	    calls (the config, the generator and the rules stay); 204.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"math/big"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	controlPrefix  = "/__proxy/"
	ociIndex       = "application/vnd.oci.image.index.v1+json"
	ociManifest    = "application/vnd.oci.image.manifest.v1+json"
	sigstoreBundle = "application/vnd.dev.sigstore.bundle.v0.3+json"
	emptyIndex     = `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}`
	// Manifest bodies up to this size are read to find their subject (the
	// distribution spec's recommended manifest limit); larger ones stream
	// through untouched.
	maxManifest = 4 << 20

	maxFaultLog    = 10000
	maxTokenLog    = 1000
	drainLimit     = 64 << 20 // an after-status drains at most this much of the upstream's body
	truncateBuffer = 8 << 20  // a chunked answer is read up to this much to be truncated
	chunkedReset   = 64 << 10 // a chunked request body is read up to this much before a reset
	resetPause     = 100 * time.Millisecond
	pageParam      = "fault-proxy-page"
	// How long answer-early and stall hold a connection open (without
	// reading it) by default, and at most: the client must give up first.
	holdDefault  = 5 * time.Minute
	holdMax      = 10 * time.Minute
	dripDefault  = time.Second // drip: one body byte per this
	tokenDefault = `{"token":"fault-proxy-token","access_token":"fault-proxy-token","expires_in":300}`
)

const (
	before = "before"
	after  = "after"
)

// ---- configuration ---------------------------------------------------------

type pagesConfig struct {
	Pages        int64  `json:"pages"`
	Entries      int64  `json:"entries"`
	PadBytes     int64  `json:"pad_bytes"`
	ArtifactType string `json:"artifact_type"`
}

type randomConfig struct {
	Seed         uint64   `json:"seed"`
	Rate         float64  `json:"rate"`
	Kinds        []string `json:"kinds"`
	When         string   `json:"when"`
	Methods      []string `json:"methods"`
	RequestKinds []string `json:"request_kinds"`
	PathRegex    string   `json:"path_regex"`

	re *regexp.Regexp
}

type config struct {
	FakeSubjectHeader  bool          `json:"fake_subject_header"`
	StripSubjectHeader bool          `json:"strip_subject_header"`
	Referrers          string        `json:"referrers"`
	ReferrersPages     *pagesConfig  `json:"referrers_pages"`
	ReferrersEntries   int64         `json:"referrers_entries"`
	Challenge          string        `json:"challenge"`
	TokenBodyBytes     int64         `json:"token_body_bytes"`
	TokenChunked       bool          `json:"token_chunked"`
	UploadLocation     string        `json:"upload_location"`
	Random             *randomConfig `json:"random"`
}

// Random fault kinds and the phases each can happen in.
var randomKinds = map[string][]string{
	"5xx":             {before, after},
	"429":             {before, after},
	"429-retry-after": {before, after},
	"reset-mid-body":  {before, after},
	"truncate-body":   {after},
	"slow":            {before, after},
	"answer-early":    {before},
	"drip":            {after},
	"stall":           {before},
}

// In a fixed order, for messages.
var randomKindNames = []string{"5xx", "429", "429-retry-after", "reset-mid-body", "truncate-body", "slow",
	"answer-early", "drip", "stall"}

// The kinds drawn when a config names none: the first six. The hanging
// kinds (answer-early, drip, stall) cost a client its stall window each,
// so they are drawn only when asked for.
var defaultRandomKinds = randomKindNames[:6]

var requestKinds = []string{"ping", "blob", "upload", "manifest", "referrers", "tags", "other"}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// strictDecode decodes one JSON value, refusing unknown fields.
func strictDecode(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// patchConfig applies a POSTed config object to cfg. Objects (random,
// referrers_pages) are replaced whole, never merged into the old ones
// (which requests in flight may still read). reseed: "random" was set.
func patchConfig(cfg config, body io.Reader) (config, bool, error) {
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(body).Decode(&raw); err != nil {
		return cfg, false, err
	}
	if raw == nil {
		return cfg, false, errors.New("the config must be a JSON object")
	}
	reseed := false
	for key, v := range raw {
		var err error
		switch strings.ToLower(key) {
		case "fake_subject_header":
			err = strictDecode(v, &cfg.FakeSubjectHeader)
		case "strip_subject_header":
			err = strictDecode(v, &cfg.StripSubjectHeader)
		case "referrers":
			err = strictDecode(v, &cfg.Referrers)
		case "referrers_pages":
			cfg.ReferrersPages = nil
			if err = strictDecode(v, &cfg.ReferrersPages); err == nil && cfg.ReferrersPages != nil {
				err = cfg.ReferrersPages.normalize()
			}
		case "referrers_entries":
			err = strictDecode(v, &cfg.ReferrersEntries)
		case "challenge":
			err = strictDecode(v, &cfg.Challenge)
		case "token_body_bytes":
			err = strictDecode(v, &cfg.TokenBodyBytes)
		case "token_chunked":
			err = strictDecode(v, &cfg.TokenChunked)
		case "upload_location":
			err = strictDecode(v, &cfg.UploadLocation)
		case "random":
			cfg.Random = nil
			if err = strictDecode(v, &cfg.Random); err == nil && cfg.Random != nil {
				err = cfg.Random.normalize()
			}
			reseed = true
		default:
			err = errors.New("unknown field")
		}
		if err != nil {
			return cfg, false, fmt.Errorf("%s: %w", key, err)
		}
	}
	return cfg, reseed, cfg.validate()
}

func (c config) validate() error {
	switch c.Referrers {
	case "pass", "fake200", "404":
	default:
		return fmt.Errorf("referrers must be pass, fake200 or 404, not %q", c.Referrers)
	}
	if c.ReferrersEntries < 0 {
		return errors.New("referrers_entries must be >= 0")
	}
	if c.TokenBodyBytes < 0 {
		return errors.New("token_body_bytes must be >= 0")
	}
	if strings.ContainsAny(c.Challenge, "\r\n") {
		return errors.New("challenge must be one line")
	}
	switch c.UploadLocation {
	case "", "http", "https":
	default:
		u, err := url.Parse(c.UploadLocation)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
			return fmt.Errorf(`upload_location must be "", "http", "https" or SCHEME://HOST[:PORT], not %q`, c.UploadLocation)
		}
	}
	return nil
}

func (pc *pagesConfig) normalize() error {
	if pc.Pages < 1 || pc.Entries < 0 || pc.PadBytes < 0 {
		return errors.New("pages must be >= 1, entries and pad_bytes >= 0")
	}
	if pc.ArtifactType == "" {
		pc.ArtifactType = sigstoreBundle
	}
	return nil
}

func (rc *randomConfig) normalize() error {
	if math.IsNaN(rc.Rate) || rc.Rate < 0 || rc.Rate > 1 {
		return fmt.Errorf("rate must be in [0, 1], not %v", rc.Rate)
	}
	if len(rc.Kinds) == 0 {
		rc.Kinds = append([]string(nil), defaultRandomKinds...)
	}
	if rc.When == "" {
		rc.When = "any"
	}
	if rc.When != before && rc.When != after && rc.When != "any" {
		return fmt.Errorf("when must be before, after or any, not %q", rc.When)
	}
	possible := false
	for _, k := range rc.Kinds {
		phases, ok := randomKinds[k]
		if !ok {
			return fmt.Errorf("unknown kind %q (kinds: %s)", k, strings.Join(randomKindNames, ", "))
		}
		possible = possible || rc.When == "any" || contains(phases, rc.When)
	}
	if !possible {
		return fmt.Errorf("none of the kinds %v can happen %s", rc.Kinds, rc.When)
	}
	for i, m := range rc.Methods {
		rc.Methods[i] = strings.ToUpper(m)
	}
	for _, k := range rc.RequestKinds {
		if !contains(requestKinds, k) {
			return fmt.Errorf("unknown request kind %q (kinds: %s)", k, strings.Join(requestKinds, ", "))
		}
	}
	if rc.PathRegex != "" {
		re, err := regexp.Compile(rc.PathRegex)
		if err != nil {
			return err
		}
		rc.re = re
	}
	return nil
}

// applies: the request passes the filters (so it draws).
func (rc *randomConfig) applies(r *http.Request, kind string) bool {
	return (len(rc.Methods) == 0 || contains(rc.Methods, r.Method)) &&
		(len(rc.RequestKinds) == 0 || contains(rc.RequestKinds, kind)) &&
		(rc.re == nil || rc.re.MatchString(r.URL.RequestURI()))
}

// fault turns one request's four draws into a fault, or nil.
func (rc *randomConfig) fault(r *http.Request, u [4]float64) *fault {
	if u[0] >= rc.Rate {
		return nil
	}
	type choice struct {
		kind   string
		phases []string
	}
	var possible []choice
	for _, k := range rc.Kinds {
		if (k == "truncate-body" || k == "drip") && r.Method == http.MethodHead {
			continue
		}
		var phases []string
		for _, ph := range randomKinds[k] {
			if rc.When == "any" || rc.When == ph {
				phases = append(phases, ph)
			}
		}
		if len(phases) > 0 {
			possible = append(possible, choice{k, phases})
		}
	}
	if len(possible) == 0 {
		return nil
	}
	c := possible[pick(u[1], len(possible))]
	when := c.phases[0]
	if len(c.phases) == 2 {
		when = c.phases[pick(u[2], 2)]
	}
	f := &fault{name: c.kind, source: "random", rule: -1, when: when, bytes: -1, frac: u[3]}
	switch c.kind {
	case "5xx":
		f.op, f.status = opStatus, []int{500, 502, 503}[pick(u[3], 3)]
	case "429":
		f.op, f.status = opStatus, http.StatusTooManyRequests
	case "429-retry-after":
		f.op, f.status = opStatus, http.StatusTooManyRequests
		f.headers = map[string]string{"Retry-After": "1"}
	case "reset-mid-body":
		switch {
		case when == after:
			f.op = opResetResponse
		case hasBody(r):
			f.op = opResetRequest
		default:
			f.op = opReset
		}
	case "truncate-body":
		f.op = opTruncate
	case "slow":
		f.op, f.delay = opDelay, time.Duration(1000+pick(u[3], 2000))*time.Millisecond
	case "answer-early":
		f.op, f.status, f.hold = opAnswerEarly, []int{429, 503}[pick(u[3], 2)], holdDefault
	case "drip":
		f.op, f.delay = opDrip, dripDefault
	case "stall":
		f.op, f.hold = opStall, holdDefault
	}
	return f
}

// pick maps u in [0,1) to 0..n-1.
func pick(u float64, n int) int {
	i := int(u * float64(n))
	if i >= n {
		i = n - 1
	}
	return i
}

func hasBody(r *http.Request) bool {
	return r.ContentLength > 0 || (r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody)
}

// splitmix64: small, fast, and the same on every platform and Go version.
type splitmix struct{ s uint64 }

func (g *splitmix) next() uint64 {
	g.s += 0x9e3779b97f4a7c15
	z := g.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (g *splitmix) float() float64 { return float64(g.next()>>11) / (1 << 53) }

// ---- rules -----------------------------------------------------------------

type action struct {
	Status                  int               `json:"status,omitempty"`
	Headers                 map[string]string `json:"headers,omitempty"`
	Body                    *string           `json:"body,omitempty"`
	DelayMS                 int64             `json:"delay_ms,omitempty"`
	Reset                   bool              `json:"reset,omitempty"`
	ResetAfterRequestBytes  *int64            `json:"reset_after_request_bytes,omitempty"`
	ResetAfterResponseBytes *int64            `json:"reset_after_response_bytes,omitempty"`
	AnswerEarly             int               `json:"answer_early,omitempty"`
	Stall                   bool              `json:"stall,omitempty"`
	DripMS                  int64             `json:"drip_ms,omitempty"`
	HoldMS                  int64             `json:"hold_ms,omitempty"`
}

type rule struct {
	Name      string `json:"name,omitempty"`
	Method    string `json:"method,omitempty"`
	Kind      string `json:"kind,omitempty"`
	PathRegex string `json:"path_regex,omitempty"`
	Nth       int64  `json:"nth"`
	Times     int64  `json:"times"`
	When      string `json:"when"`
	Action    action `json:"action"`
	// State (ignored on input).
	Index   int   `json:"index"`
	Matched int64 `json:"matched"`
	Fired   int64 `json:"fired"`
	Missed  int64 `json:"missed"`

	re *regexp.Regexp
}

func (ru *rule) normalize() error {
	ru.Index, ru.Matched, ru.Fired, ru.Missed = 0, 0, 0, 0
	ru.Method = strings.ToUpper(ru.Method)
	if ru.Kind != "" && !contains(requestKinds, ru.Kind) {
		return fmt.Errorf("unknown kind %q (kinds: %s)", ru.Kind, strings.Join(requestKinds, ", "))
	}
	if ru.PathRegex != "" {
		re, err := regexp.Compile(ru.PathRegex)
		if err != nil {
			return err
		}
		ru.re = re
	}
	if ru.Nth == 0 {
		ru.Nth = 1
	}
	if ru.Nth < 1 {
		return errors.New("nth must be >= 1")
	}
	if ru.Times == 0 {
		ru.Times = 1
	}
	if ru.Times < -1 {
		return errors.New("times must be >= 1, or -1 for every match")
	}
	a := &ru.Action
	var actions []string
	var phases []string
	if a.Status != 0 {
		actions, phases = append(actions, "status"), []string{before, after}
		if a.Status < 200 || a.Status > 599 {
			return fmt.Errorf("status must be 200-599, not %d", a.Status)
		}
		for k, v := range a.Headers {
			if k == "" || strings.ContainsAny(k+v, "\r\n") || strings.ContainsAny(k, ": ") {
				return fmt.Errorf("bad header %q: %q", k, v)
			}
		}
	} else if a.AnswerEarly != 0 {
		actions, phases = append(actions, "answer_early"), []string{before}
		if a.AnswerEarly < 200 || a.AnswerEarly > 599 {
			return fmt.Errorf("answer_early must be a status 200-599, not %d", a.AnswerEarly)
		}
		for k, v := range a.Headers {
			if k == "" || strings.ContainsAny(k+v, "\r\n") || strings.ContainsAny(k, ": ") {
				return fmt.Errorf("bad header %q: %q", k, v)
			}
		}
	} else if len(a.Headers) > 0 || a.Body != nil {
		return errors.New("headers and body go with status or answer_early")
	}
	if a.Stall {
		actions, phases = append(actions, "stall"), []string{before}
	}
	if a.DripMS != 0 {
		actions, phases = append(actions, "drip_ms"), []string{after}
		if a.DripMS < 0 || a.DripMS > 60000 {
			return errors.New("drip_ms must be 1-60000")
		}
	}
	if a.HoldMS != 0 && a.AnswerEarly == 0 && !a.Stall {
		return errors.New("hold_ms goes with answer_early or stall")
	}
	if a.HoldMS < 0 || a.HoldMS > holdMax.Milliseconds() {
		return fmt.Errorf("hold_ms must be 1-%d", holdMax.Milliseconds())
	}
	if a.DelayMS != 0 {
		actions, phases = append(actions, "delay_ms"), []string{before, after}
		if a.DelayMS < 0 || a.DelayMS > 600000 {
			return errors.New("delay_ms must be 1-600000")
		}
	}
	if a.Reset {
		actions, phases = append(actions, "reset"), []string{before, after}
	}
	if a.ResetAfterRequestBytes != nil {
		actions, phases = append(actions, "reset_after_request_bytes"), []string{before}
		if *a.ResetAfterRequestBytes < 0 {
			return errors.New("reset_after_request_bytes must be >= 0")
		}
	}
	if a.ResetAfterResponseBytes != nil {
		actions, phases = append(actions, "reset_after_response_bytes"), []string{after}
		if *a.ResetAfterResponseBytes < 0 {
			return errors.New("reset_after_response_bytes must be >= 0")
		}
	}
	if len(actions) != 1 {
		return fmt.Errorf("an action needs exactly one of status, delay_ms, reset, "+
			"reset_after_request_bytes, reset_after_response_bytes, answer_early, stall, "+
			"drip_ms (got %v)", actions)
	}
	if ru.When == "" {
		ru.When = phases[0]
	}
	if !contains(phases, ru.When) {
		return fmt.Errorf("%s can happen %s, not %q", actions[0], strings.Join(phases, " or "), ru.When)
	}
	return nil
}

func (ru *rule) matches(r *http.Request, kind string) bool {
	return (ru.Method == "" || ru.Method == r.Method) &&
		(ru.Kind == "" || ru.Kind == kind) &&
		(ru.re == nil || ru.re.MatchString(r.URL.RequestURI()))
}

// due: this match (already counted) is one the rule fires on.
func (ru *rule) due() bool {
	return ru.Matched >= ru.Nth && (ru.Times < 0 || ru.Matched < ru.Nth+ru.Times)
}

func (ru *rule) fault(index int) *fault {
	a := ru.Action
	f := &fault{source: "rule", rule: index, when: ru.When, bytes: -1}
	switch {
	case a.Status != 0:
		f.op, f.status, f.headers, f.body = opStatus, a.Status, a.Headers, a.Body
		f.name = fmt.Sprintf("rule-status-%d", a.Status)
	case a.DelayMS != 0:
		f.op, f.delay, f.name = opDelay, time.Duration(a.DelayMS)*time.Millisecond, "rule-delay"
	case a.Reset:
		f.op, f.name = opReset, "rule-reset"
	case a.ResetAfterRequestBytes != nil:
		f.op, f.bytes, f.name = opResetRequest, *a.ResetAfterRequestBytes, "rule-reset-request"
	case a.ResetAfterResponseBytes != nil:
		f.op, f.bytes, f.name = opResetResponse, *a.ResetAfterResponseBytes, "rule-reset-response"
	case a.AnswerEarly != 0:
		f.op, f.status, f.headers, f.body = opAnswerEarly, a.AnswerEarly, a.Headers, a.Body
		f.name = fmt.Sprintf("rule-answer-early-%d", a.AnswerEarly)
	case a.Stall:
		f.op, f.name = opStall, "rule-stall"
	case a.DripMS != 0:
		f.op, f.delay, f.name = opDrip, time.Duration(a.DripMS)*time.Millisecond, "rule-drip"
	}
	if f.op == opAnswerEarly || f.op == opStall {
		f.hold = holdDefault
		if a.HoldMS > 0 {
			f.hold = time.Duration(a.HoldMS) * time.Millisecond
		}
	}
	return f
}

// ---- faults ----------------------------------------------------------------

type op int

const (
	opStatus        op = iota + 1 // answer a status (before) or answer it instead (after)
	opDelay                       // wait, then go on
	opReset                       // reset, no answer
	opResetRequest                // read part of the request body, reset (before)
	opResetResponse               // headers and part of the body, reset (after)
	opTruncate                    // headers and part of the body, close (after)
	opAnswerEarly                 // answer a status unread, hold the socket (before)
	opStall                       // never answer, never read, hold the socket (before)
	opDrip                        // the answer's body a byte at a time (after)
)

// One fault decided for one request.
type fault struct {
	name    string
	source  string // "random" or "rule"
	rule    int    // the rule's index, -1 for random
	when    string // before or after
	op      op
	status  int
	headers map[string]string
	body    *string
	delay   time.Duration // delay; drip: the pause between body bytes
	hold    time.Duration // answer-early, stall: how long the socket is held
	bytes   int64         // exact byte count (rules); -1: from frac
	frac    float64       // random: where in the body
}

type faultRecord struct {
	Seq            int64  `json:"seq"`
	Source         string `json:"source"`
	Rule           *int   `json:"rule,omitempty"`
	Fault          string `json:"fault"`
	When           string `json:"when"`
	Method         string `json:"method"`
	URI            string `json:"uri"`
	RequestKind    string `json:"request_kind"`
	Status         int    `json:"status,omitempty"`
	DelayMS        int64  `json:"delay_ms,omitempty"`
	Bytes          *int64 `json:"bytes,omitempty"`
	UpstreamStatus int    `json:"upstream_status,omitempty"`
}

type tokenRecord struct {
	Method        string `json:"method"`
	URI           string `json:"uri"`
	Authorization string `json:"authorization"`
	BytesSent     int64  `json:"bytes_sent"`
	Complete      bool   `json:"complete"`
	Finished      bool   `json:"finished"`
}

// errFaultApplied: ModifyResponse took the connection over (the answer was
// replaced by a reset or a truncated one); the ErrorHandler writes nothing.
var errFaultApplied = errors.New("fault applied")

// ---- the proxy -------------------------------------------------------------

type proxy struct {
	upstream     *url.URL
	upstreamURLs *regexp.Regexp // "http://HOST:PORT" at a URL's start, as Location headers spell it
	listenAddr   string
	rp           *httputil.ReverseProxy
	logger       *log.Logger

	mu           sync.Mutex
	cfg          config
	seq          int64 // requests since start (never reset)
	total        int64
	byKind       map[string]int64
	rng          splitmix
	rules        []*rule
	faults       map[string]int64
	faultsBefore map[string]int64
	faultsAfter  map[string]int64
	faultLog     []faultRecord
	tokenLog     []*tokenRecord
	tokenCount   int64
}

// What the response side needs to know about its request.
type reqInfo struct {
	inHost  string // the Host the client addressed: the proxy's
	scheme  string // the client's: http or https
	cfg     config // snapshot taken when the request arrived
	subject string // a manifest PUT's subject digest (fake_subject_header)
	seq     int64
	kind    string
	method  string
	uri     string
	w       http.ResponseWriter // for after faults that take the connection over
	fault   *fault              // an after fault to apply
}

type ctxKey struct{}

var (
	reUpload    = regexp.MustCompile(`^/v2/.+/blobs/uploads(/[^/]*)?$`)
	reBlob      = regexp.MustCompile(`^/v2/.+/blobs/[^/]+$`)
	reManifest  = regexp.MustCompile(`^/v2/.+/manifests/[^/]+$`)
	reReferrers = regexp.MustCompile(`^/v2/(.+)/referrers/([^/]+)$`)
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

func challenged(cfg config, r *http.Request) bool {
	return cfg.Challenge != "" && r.Header.Get("Authorization") == ""
}

// ownReferrers: the proxy answers this referrers request itself.
func ownReferrers(cfg config, r *http.Request, kind string) bool {
	return kind == "referrers" && (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		(cfg.Referrers != "pass" || cfg.ReferrersPages != nil || cfg.ReferrersEntries > 0)
}

// arrive counts a request and decides its fault, in arrival order (one
// lock, so the random draws follow the order requests arrive in). It
// returns the request's number and the config in force for it.
func (p *proxy) arrive(r *http.Request, kind string) (int64, config, *fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seq++
	p.total++
	p.byKind[r.Method+" "+kind]++
	cfg := p.cfg
	if challenged(cfg, r) || ownReferrers(cfg, r, kind) {
		return p.seq, cfg, nil
	}
	var f *fault
	for i, ru := range p.rules {
		if !ru.matches(r, kind) {
			continue
		}
		ru.Matched++
		if !ru.due() {
			continue
		}
		if f == nil {
			f = ru.fault(i)
			ru.Fired++
		} else {
			ru.Missed++
		}
	}
	// Drawn whether or not a rule fired: the random sequence does not
	// depend on the rules.
	if rc := cfg.Random; rc != nil && rc.applies(r, kind) {
		var u [4]float64
		for i := range u {
			u[i] = p.rng.float()
		}
		if f == nil {
			f = rc.fault(r, u)
		}
	}
	return p.seq, cfg, f
}

// record counts and logs a fault applied. bytes < 0: not applicable.
func (p *proxy) record(info *reqInfo, f *fault, bytes int64, upstreamStatus int) {
	rec := faultRecord{
		Seq: info.seq, Source: f.source, Fault: f.name, When: f.when,
		Method: info.method, URI: info.uri, RequestKind: info.kind,
		UpstreamStatus: upstreamStatus,
	}
	if f.source == "rule" {
		i := f.rule
		rec.Rule = &i
	}
	switch f.op {
	case opStatus, opAnswerEarly:
		rec.Status = f.status
	case opDelay, opDrip:
		rec.DelayMS = f.delay.Milliseconds()
	}
	if bytes >= 0 {
		b := bytes
		rec.Bytes = &b
	}
	p.mu.Lock()
	p.faults[f.name]++
	if f.when == before {
		p.faultsBefore[f.name]++
	} else {
		p.faultsAfter[f.name]++
	}
	p.faultLog = append(p.faultLog, rec)
	if len(p.faultLog) > maxFaultLog {
		p.faultLog = append([]faultRecord(nil), p.faultLog[len(p.faultLog)-maxFaultLog:]...)
	}
	p.mu.Unlock()
	detail := ""
	if rec.Status != 0 {
		detail += fmt.Sprintf(" status=%d", rec.Status)
	}
	if rec.DelayMS != 0 {
		detail += fmt.Sprintf(" delay=%dms", rec.DelayMS)
	}
	if rec.Bytes != nil {
		detail += fmt.Sprintf(" bytes=%d", *rec.Bytes)
	}
	if upstreamStatus != 0 {
		detail += fmt.Sprintf(" upstream=%d", upstreamStatus)
	}
	p.logger.Printf("%s %s: fault %s (%s, %s)%s", info.method, info.uri, f.name, f.source, f.when, detail)
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		p.control(w, r)
		return
	}
	kind := classify(r.URL.Path)
	seq, cfg, f := p.arrive(r, kind)

	if challenged(cfg, r) {
		p.logger.Printf("%s %s: 401 challenge", r.Method, r.URL.RequestURI())
		w.Header().Set("WWW-Authenticate", cfg.Challenge)
		writeError(w, r, http.StatusUnauthorized, nil)
		return
	}
	if ownReferrers(cfg, r, kind) {
		p.answerReferrers(w, r, cfg)
		return
	}

	info := &reqInfo{
		inHost: r.Host, scheme: "http", cfg: cfg, seq: seq, kind: kind,
		method: r.Method, uri: r.URL.RequestURI(), w: w,
	}
	if r.TLS != nil {
		info.scheme = "https"
	}
	if info.inHost == "" {
		info.inHost = p.listenAddr
	}
	if f != nil {
		if f.when == before {
			if !p.before(w, r, info, f) {
				return
			}
		} else {
			info.fault = f
		}
	}
	if cfg.FakeSubjectHeader && r.Method == http.MethodPut && kind == "manifest" && r.Body != nil {
		info.subject = peekSubject(r)
	}
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, info))
	p.rp.ServeHTTP(w, r)
}

// before applies a before fault; true: forward the request after all (a
// delay).
func (p *proxy) before(w http.ResponseWriter, r *http.Request, info *reqInfo, f *fault) bool {
	switch f.op {
	case opStatus:
		p.record(info, f, -1, 0)
		for k, v := range f.headers {
			w.Header().Set(k, v)
		}
		writeError(w, r, f.status, f.body)
		return false
	case opDelay:
		p.record(info, f, -1, 0)
		return sleepCtx(r.Context(), f.delay)
	case opReset:
		p.record(info, f, 0, 0)
		p.takeOver(w, func(*bufio.ReadWriter) {}, func() {}, true)
		return false
	case opResetRequest:
		n := f.bytes
		if n < 0 {
			switch {
			case r.ContentLength > 1:
				n = 1 + int64(f.frac*float64(r.ContentLength-1))
			case r.ContentLength == 1:
				n = 1
			default:
				n = 1 + int64(f.frac*(chunkedReset-1))
			}
		}
		got, _ := io.CopyN(io.Discard, r.Body, n)
		p.record(info, f, got, 0)
		p.takeOver(w, func(*bufio.ReadWriter) {}, func() {}, true)
		return false
	case opAnswerEarly:
		p.record(info, f, -1, 0)
		p.hold(w, r, f, func(brw *bufio.ReadWriter) {
			text := errorBody(f.status)
			if f.body != nil {
				text = *f.body
			} else if f.status < 400 {
				text = ""
			}
			fmt.Fprintf(brw, "HTTP/1.1 %d %s\r\n", f.status, http.StatusText(f.status))
			h := http.Header{}
			for k, v := range f.headers {
				h.Set(k, v)
			}
			if h.Get("Content-Type") == "" && text != "" {
				h.Set("Content-Type", "application/json")
			}
			h.Set("Content-Length", strconv.Itoa(len(text)))
			h.Set("Connection", "close")
			h.Write(brw)
			brw.WriteString("\r\n")
			if r.Method != http.MethodHead {
				brw.WriteString(text)
			}
		})
		return false
	case opStall:
		p.record(info, f, -1, 0)
		p.hold(w, r, f, func(*bufio.ReadWriter) {})
		return false
	}
	p.logger.Printf("fault %s: op %d cannot happen before", f.name, f.op)
	return true
}

// takeOver hijacks the client's connection, lets write send what it will,
// calls done (to record the fault before the client can see its end), then
// resets the connection (TCP RST) or closes it cleanly.
func (p *proxy) takeOver(w http.ResponseWriter, write func(*bufio.ReadWriter), done func(), reset bool) {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		p.logger.Printf("hijack: %v", err)
		done()
		return
	}
	write(brw)
	wrote := brw.Writer.Buffered() > 0
	if err := brw.Flush(); err != nil {
		p.logger.Printf("takeover write: %v", err)
	}
	done()
	if !reset {
		conn.Close() // under TLS: close_notify, then FIN
		return
	}
	if wrote {
		time.Sleep(resetPause) // let the client read it before the RST
	}
	raw := conn
	if tc, ok := conn.(*tls.Conn); ok {
		raw = tc.NetConn() // no close_notify: the connection just dies
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	raw.Close()
}

// hold takes the client's connection over without reading any more of
// it, lets write send what it will (an early answer, or nothing), and
// keeps the socket open for f.hold or until the proxy stops, as a server
// that answered before reading the body (or never answers) does: the
// client's unsent body fills the socket buffers and stays there.
func (p *proxy) hold(w http.ResponseWriter, r *http.Request, f *fault, write func(*bufio.ReadWriter)) {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		p.logger.Printf("hijack: %v", err)
		return
	}
	write(brw)
	if err := brw.Flush(); err != nil {
		p.logger.Printf("hold write: %v", err)
	}
	p.logger.Printf("%s %s: holding the connection for %s without reading", r.Method, r.URL.RequestURI(), f.hold)
	go func() {
		time.Sleep(f.hold)
		conn.Close()
	}()
}

// drip sends the upstream's answer with its body one byte per f.delay,
// then closes; it stops when the client goes away.
func (p *proxy) drip(resp *http.Response, info *reqInfo, f *fault) {
	p.record(info, f, -1, resp.StatusCode)
	chunked := resp.ContentLength < 0
	p.takeOver(info.w, func(brw *bufio.ReadWriter) {
		fmt.Fprintf(brw, "HTTP/1.1 %s\r\n", resp.Status)
		h := resp.Header.Clone()
		h.Set("Connection", "close")
		if chunked {
			h.Del("Content-Length")
			h.Set("Transfer-Encoding", "chunked")
		} else {
			h.Del("Transfer-Encoding")
			h.Set("Content-Length", strconv.FormatInt(resp.ContentLength, 10))
		}
		h.Write(brw)
		brw.WriteString("\r\n")
		if err := brw.Flush(); err != nil {
			return
		}
		if info.method == http.MethodHead {
			return
		}
		one := make([]byte, 1)
		for {
			n, err := resp.Body.Read(one)
			if n == 1 {
				time.Sleep(f.delay)
				if chunked {
					brw.WriteString("1\r\n")
				}
				brw.Write(one)
				if chunked {
					brw.WriteString("\r\n")
				}
				if brw.Flush() != nil {
					return
				}
			}
			if err != nil {
				break
			}
		}
		if chunked {
			brw.WriteString("0\r\n\r\n")
		}
	}, func() {}, false)
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// writeError answers a status with body (default: an OCI error for >= 400,
// empty below).
func writeError(w http.ResponseWriter, r *http.Request, status int, body *string) {
	text := ""
	if body != nil {
		text = *body
	} else if status >= 400 {
		text = errorBody(status)
	}
	h := w.Header()
	if h.Get("Content-Type") == "" && text != "" {
		h.Set("Content-Type", "application/json")
	}
	h.Set("Content-Length", strconv.Itoa(len(text)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		io.WriteString(w, text)
	}
}

func errorBody(status int) string {
	code := "UNKNOWN"
	switch {
	case status == http.StatusUnauthorized:
		code = "UNAUTHORIZED"
	case status == http.StatusForbidden:
		code = "DENIED"
	case status == http.StatusTooManyRequests:
		code = "TOOMANYREQUESTS"
	case status >= 500:
		code = "UNAVAILABLE"
	}
	msg := fmt.Sprintf("fault-proxy: %d %s", status, http.StatusText(status))
	b, _ := json.Marshal(map[string]any{"errors": []map[string]string{{"code": code, "message": msg}}})
	return string(b)
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
func (p *proxy) rewrite(v string, info *reqInfo) string {
	return p.upstreamURLs.ReplaceAllString(v, info.scheme+"://"+info.inHost+"$1")
}

// divert sends an upload Location elsewhere (upload_location).
func divert(loc string, info *reqInfo, to string) string {
	u, err := url.Parse(loc)
	if err != nil {
		return loc
	}
	out := &url.URL{Scheme: to, Host: info.inHost, Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery}
	if base, err := url.Parse(to); err == nil && base.Host != "" {
		out.Scheme, out.Host = base.Scheme, base.Host
	}
	return out.String()
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
				out[i] = p.rewrite(v, info)
			}
			h[http.CanonicalHeaderKey(name)] = out
		}
	}
	note := ""
	if to := info.cfg.UploadLocation; to != "" && info.kind == "upload" &&
		(info.method == http.MethodPost || info.method == http.MethodPatch) && h.Get("Location") != "" {
		h.Set("Location", divert(h.Get("Location"), info, to))
		note += " (Location diverted to " + h.Get("Location") + ")"
	}
	if info.cfg.StripSubjectHeader && h.Get("OCI-Subject") != "" {
		h.Del("OCI-Subject")
		note += " (OCI-Subject stripped)"
	}
	if info.subject != "" && resp.StatusCode/100 == 2 {
		h.Set("OCI-Subject", info.subject)
		note += " (fake OCI-Subject)"
	}
	p.logger.Printf("%s %s: %d%s", resp.Request.Method, resp.Request.URL.RequestURI(), resp.StatusCode, note)
	if info.fault != nil {
		return p.after(resp, info, info.fault)
	}
	return nil
}

// after applies an after fault to the upstream's answer.
func (p *proxy) after(resp *http.Response, info *reqInfo, f *fault) error {
	upstream := resp.StatusCode
	switch f.op {
	case opStatus:
		io.Copy(io.Discard, io.LimitReader(resp.Body, drainLimit))
		resp.Body.Close()
		p.record(info, f, -1, upstream)
		text := errorBody(f.status)
		if f.body != nil {
			text = *f.body
		} else if f.status < 400 {
			text = ""
		}
		h := http.Header{}
		for k, v := range f.headers {
			h.Set(k, v)
		}
		if h.Get("Content-Type") == "" && text != "" {
			h.Set("Content-Type", "application/json")
		}
		h.Set("Content-Length", strconv.Itoa(len(text)))
		resp.StatusCode = f.status
		resp.Status = fmt.Sprintf("%d %s", f.status, http.StatusText(f.status))
		resp.Header = h
		resp.Body = io.NopCloser(strings.NewReader(text))
		resp.ContentLength = int64(len(text))
		resp.TransferEncoding = nil
		resp.Trailer = nil
		return nil
	case opDelay:
		p.record(info, f, -1, upstream)
		sleepCtx(resp.Request.Context(), f.delay)
		return nil
	case opReset:
		p.record(info, f, 0, upstream)
		p.takeOver(info.w, func(*bufio.ReadWriter) {}, func() {}, true)
		return errFaultApplied
	case opResetResponse, opTruncate:
		p.partial(resp, info, f)
		return errFaultApplied
	case opDrip:
		p.drip(resp, info, f)
		return errFaultApplied
	}
	p.logger.Printf("fault %s: op %d cannot happen after", f.name, f.op)
	return nil
}

// partial sends the answer's status line and headers and part of its body
// on the raw connection, then resets it (opResetResponse) or closes it
// (opTruncate).
func (p *proxy) partial(resp *http.Response, info *reqInfo, f *fault) {
	noBody := info.method == http.MethodHead || resp.StatusCode/100 == 1 ||
		resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusNotModified
	length := resp.ContentLength
	var body io.Reader = resp.Body
	if noBody {
		length = 0
	}
	if f.op == opTruncate && length < 0 {
		buf, _ := io.ReadAll(io.LimitReader(resp.Body, truncateBuffer))
		body, length = bytes.NewReader(buf), int64(len(buf))
	}
	declared := length // the Content-Length sent; -1: none (read to close)
	sendHead := true
	var n int64
	switch {
	case f.op == opTruncate && length > 0:
		n = int64(f.frac * float64(length))
	case f.op == opTruncate:
		declared = 64
	case f.bytes >= 0: // a rule's exact count
		n = f.bytes
		if length >= 0 && n > length {
			n = length
		}
	case length > 0:
		n = int64(f.frac * float64(length))
	case length < 0:
		n = int64(f.frac * chunkedReset)
	default:
		sendHead = false // nothing to cut: reset with no answer at all
	}
	if noBody && declared == 0 {
		declared = resp.ContentLength // HEAD: the length GET would have
	}
	var sent int64
	p.takeOver(info.w, func(brw *bufio.ReadWriter) {
		if !sendHead {
			return
		}
		fmt.Fprintf(brw, "HTTP/1.1 %s\r\n", resp.Status)
		h := resp.Header.Clone()
		h.Del("Transfer-Encoding")
		if declared >= 0 {
			h.Set("Content-Length", strconv.FormatInt(declared, 10))
		} else {
			h.Del("Content-Length")
		}
		h.Set("Connection", "close")
		h.Write(brw)
		brw.WriteString("\r\n")
		if n > 0 && !noBody {
			sent, _ = io.CopyN(brw, body, n)
		}
	}, func() { p.record(info, f, sent, resp.StatusCode) }, f.op == opResetResponse)
}

// ---- answers of the proxy's own --------------------------------------------

// answerReferrers answers GET/HEAD referrers without the upstream.
func (p *proxy) answerReferrers(w http.ResponseWriter, r *http.Request, cfg config) {
	switch {
	case cfg.ReferrersEntries > 0:
		p.referrerPage(w, r, pagesConfig{Pages: 1, Entries: cfg.ReferrersEntries, ArtifactType: sigstoreBundle})
	case cfg.ReferrersPages != nil:
		p.referrerPage(w, r, *cfg.ReferrersPages)
	case cfg.Referrers == "fake200":
		p.logger.Printf("%s %s: fake 200 (empty index)", r.Method, r.URL.RequestURI())
		w.Header().Set("Content-Type", ociIndex)
		w.Header().Set("Content-Length", fmt.Sprint(len(emptyIndex)))
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			io.WriteString(w, emptyIndex)
		}
	case cfg.Referrers == "404":
		p.logger.Printf("%s %s: fake 404", r.Method, r.URL.RequestURI())
		http.NotFound(w, r) // text/plain "404 page not found", like docker-registry
	}
}

// referrerPage streams one synthetic page of a referrers listing.
func (p *proxy) referrerPage(w http.ResponseWriter, r *http.Request, pc pagesConfig) {
	m := reReferrers.FindStringSubmatch(r.URL.Path)
	subject := m[2]
	page := int64(1)
	if q := r.URL.Query().Get(pageParam); q != "" {
		n, err := strconv.ParseInt(q, 10, 64)
		if err != nil || n < 1 || n > pc.Pages {
			p.logger.Printf("%s %s: no such synthetic page", r.Method, r.URL.RequestURI())
			http.NotFound(w, r)
			return
		}
		page = n
	}
	at, _ := json.Marshal(pc.ArtifactType)
	entry := func(i int64) string {
		sum := sha256.Sum256([]byte(fmt.Sprintf("fault-proxy referrer %s page %d entry %d", subject, page, i)))
		return `{"mediaType":"` + ociManifest + `","digest":"sha256:` + hex.EncodeToString(sum[:]) +
			`","size":1024,"artifactType":` + string(at) + `}`
	}
	const prefix = `{"schemaVersion":2,"mediaType":"` + ociIndex + `","manifests":[`
	const padOpen = `],"annotations":{"org.example.fault-proxy.padding":"`
	const padClose = `"}}`
	entryLen := int64(len(entry(0))) // the same for every entry
	base := int64(len(prefix)) + pc.Entries*entryLen + max(pc.Entries-1, 0) + int64(len("]}"))
	// Padding to exactly pad_bytes: an annotation of "x"s when it fits,
	// else spaces before the closing brace.
	total, usePadAnnotation := base, false
	var padX, padSpaces int64
	switch overhead := int64(len(padOpen)+len(padClose)) - int64(len("]}")); {
	case pc.PadBytes >= base+overhead:
		usePadAnnotation, padX, total = true, pc.PadBytes-base-overhead, pc.PadBytes
	case pc.PadBytes > base:
		padSpaces, total = pc.PadBytes-base, pc.PadBytes
	}

	if page < pc.Pages {
		w.Header().Set("Link", fmt.Sprintf(`<%s?%s=%d>; rel="next"`, r.URL.EscapedPath(), pageParam, page+1))
	}
	w.Header().Set("Content-Type", ociIndex)
	w.Header().Set("Content-Length", strconv.FormatInt(total, 10))
	w.WriteHeader(http.StatusOK)
	p.logger.Printf("%s %s: synthetic referrers page %d/%d, %d entries, %d bytes",
		r.Method, r.URL.RequestURI(), page, pc.Pages, pc.Entries, total)
	if r.Method == http.MethodHead {
		return
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(prefix)
	for i := int64(0); i < pc.Entries; i++ {
		if i > 0 {
			bw.WriteByte(',')
		}
		if _, err := bw.WriteString(entry(i)); err != nil {
			return // the client went away
		}
	}
	switch {
	case usePadAnnotation:
		bw.WriteString(padOpen)
		if err := writeRepeated(bw, 'x', padX); err != nil {
			return
		}
		bw.WriteString(padClose)
	default:
		bw.WriteString("]")
		if err := writeRepeated(bw, ' ', padSpaces); err != nil {
			return
		}
		bw.WriteString("}")
	}
	bw.Flush()
}

// writeRepeated writes n copies of c in 64 KiB writes; it returns the
// number written and the first error.
func writeRepeated(w io.Writer, c byte, n int64) error {
	_, err := writeRepeatedN(w, c, n)
	return err
}

func writeRepeatedN(w io.Writer, c byte, n int64) (int64, error) {
	chunk := bytes.Repeat([]byte{c}, 64<<10)
	var done int64
	for done < n {
		k := min(n-done, int64(len(chunk)))
		m, err := w.Write(chunk[:k])
		done += int64(m)
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// token answers /__proxy/token and records the call.
func (p *proxy) token(w http.ResponseWriter, r *http.Request) {
	rec := &tokenRecord{Method: r.Method, URI: r.URL.RequestURI(), Authorization: r.Header.Get("Authorization")}
	p.mu.Lock()
	cfg := p.cfg
	p.tokenCount++
	p.tokenLog = append(p.tokenLog, rec)
	if len(p.tokenLog) > maxTokenLog {
		p.tokenLog = append([]*tokenRecord(nil), p.tokenLog[len(p.tokenLog)-maxTokenLog:]...)
	}
	p.mu.Unlock()

	var sent int64
	var err error
	n := cfg.TokenBodyBytes
	w.Header().Set("Content-Type", "application/json")
	if n == 0 {
		w.Header().Set("Content-Length", strconv.Itoa(len(tokenDefault)))
		w.WriteHeader(http.StatusOK)
		var k int
		k, err = io.WriteString(w, tokenDefault)
		sent, n = int64(k), int64(len(tokenDefault))
	} else {
		if !cfg.TokenChunked {
			w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
		}
		w.WriteHeader(http.StatusOK)
		const open, end = `{"token":"`, `"}`
		if n < int64(len(open)+len(end)) {
			var k int
			k, err = io.WriteString(w, (open + end)[:n])
			sent = int64(k)
		} else {
			var k int
			k, err = io.WriteString(w, open)
			sent = int64(k)
			if err == nil {
				var m int64
				m, err = writeRepeatedN(w, 'a', n-int64(len(open)+len(end)))
				sent += m
			}
			if err == nil {
				k, err = io.WriteString(w, end)
				sent += int64(k)
			}
		}
	}
	if err == nil {
		err = http.NewResponseController(w).Flush()
	}
	complete := err == nil && sent == n
	p.mu.Lock()
	rec.BytesSent, rec.Complete, rec.Finished = sent, complete, true
	p.mu.Unlock()
	p.logger.Printf("%s %s: token, %d of %d bytes sent (authorization: %t)",
		r.Method, r.URL.RequestURI(), sent, n, rec.Authorization != "")
}

// ---- control API -----------------------------------------------------------

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
			body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
			// One writer at a time, so that a patch applies to the config
			// it read.
			p.mu.Lock()
			defer p.mu.Unlock()
			cfg, reseed, err := patchConfig(p.cfg, bytes.NewReader(body))
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
			p.cfg = cfg
			if reseed && cfg.Random != nil {
				p.rng = splitmix{cfg.Random.Seed}
			}
			b, _ := json.Marshal(cfg)
			p.logger.Printf("config: %s", b)
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
		out := map[string]any{
			"total":          p.total,
			"by_kind":        copyMap(p.byKind),
			"faults":         copyMap(p.faults),
			"faults_before":  copyMap(p.faultsBefore),
			"faults_after":   copyMap(p.faultsAfter),
			"token_requests": p.tokenCount,
		}
		p.mu.Unlock()
		writeJSON(w, http.StatusOK, out)
	case controlPrefix + "faults":
		if r.Method != http.MethodGet {
			methodNotAllowed(w, "GET")
			return
		}
		p.mu.Lock()
		list := append([]faultRecord{}, p.faultLog...)
		p.mu.Unlock()
		// In request order (concurrent requests may finish out of order).
		sort.SliceStable(list, func(i, j int) bool { return list[i].Seq < list[j].Seq })
		out := map[string]any{"faults": list}
		writeJSON(w, http.StatusOK, out)
	case controlPrefix + "rules":
		p.controlRules(w, r)
	case controlPrefix + "token":
		p.token(w, r)
	case controlPrefix + "token-requests":
		if r.Method != http.MethodGet {
			methodNotAllowed(w, "GET")
			return
		}
		p.mu.Lock()
		list := make([]tokenRecord, len(p.tokenLog))
		for i, t := range p.tokenLog {
			list[i] = *t
		}
		p.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"requests": list})
	case controlPrefix + "reset":
		if r.Method != http.MethodPost {
			methodNotAllowed(w, "POST")
			return
		}
		p.mu.Lock()
		p.total = 0
		p.byKind = map[string]int64{}
		p.faults = map[string]int64{}
		p.faultsBefore = map[string]int64{}
		p.faultsAfter = map[string]int64{}
		p.faultLog = nil
		p.tokenLog = nil
		p.tokenCount = 0
		p.mu.Unlock()
		p.logger.Printf("counts reset")
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such control endpoint: " + r.URL.Path})
	}
}

func (p *proxy) controlRules(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		p.mu.Lock()
		out := p.rulesJSON()
		p.mu.Unlock()
		writeJSON(w, http.StatusOK, out)
	case http.MethodPost:
		raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		var list []*rule
		if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 && trimmed[0] == '{' {
			var one rule
			err = strictDecode(trimmed, &one)
			list = []*rule{&one}
		} else {
			err = strictDecode(raw, &list)
		}
		for i, ru := range list {
			if err != nil {
				break
			}
			if ru == nil {
				err = fmt.Errorf("rule %d is null", i)
				break
			}
			if err = ru.normalize(); err != nil {
				err = fmt.Errorf("rule %d: %w", i, err)
			}
		}
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		p.mu.Lock()
		for _, ru := range list {
			ru.Index = len(p.rules)
			p.rules = append(p.rules, ru)
		}
		out := p.rulesJSON()
		p.mu.Unlock()
		b, _ := json.Marshal(list)
		p.logger.Printf("rules added: %s", b)
		writeJSON(w, http.StatusOK, out)
	case http.MethodDelete:
		p.mu.Lock()
		p.rules = nil
		p.mu.Unlock()
		p.logger.Printf("rules cleared")
		w.WriteHeader(http.StatusNoContent)
	default:
		methodNotAllowed(w, "GET, POST, DELETE")
	}
}

// rulesJSON: copies of the rules (p.mu held).
func (p *proxy) rulesJSON() []rule {
	out := make([]rule, len(p.rules))
	for i, ru := range p.rules {
		out[i] = *ru
	}
	return out
}

func copyMap(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
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

// ---- start -----------------------------------------------------------------

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// testCertificate makes a throwaway CA and a server certificate signed by
// it for 127.0.0.1, ::1 and localhost; it returns the server's (with the CA
// in its chain) and the CA certificate's PEM.
func testCertificate() (tls.Certificate, []byte, error) {
	serial := func() *big.Int {
		n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
		return n
	}
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "fault-proxy test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(7 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "fault-proxy"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(7 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	return tls.Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: key}, caPEM, nil
}

func main() {
	upstreamFlag := flag.String("upstream", "", "the registry to front: http://127.0.0.1:PORT (loopback only; required)")
	addr := flag.String("addr", "127.0.0.1:0", "listen address (port 0 picks a free one)")
	useTLS := flag.Bool("tls", false, "serve HTTPS (HTTP/1.1) with a certificate made at start")
	certOut := flag.String("tls-cert-out", "", "with -tls: write the CA certificate (PEM) that signed the server's here")
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
	if *certOut != "" && !*useTLS {
		logger.Fatalf("-tls-cert-out needs -tls")
	}
	upstream.Path = ""

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		logger.Fatalf("listen %s: %v", *addr, err)
	}
	listenAddr := ln.Addr().String()
	if *useTLS {
		cert, caPEM, err := testCertificate()
		if err != nil {
			logger.Fatalf("make the TLS certificate: %v", err)
		}
		if *certOut != "" {
			if err := os.WriteFile(*certOut, caPEM, 0o644); err != nil {
				logger.Fatalf("write %s: %v", *certOut, err)
			}
		}
		// HTTP/1.1 only: faults hijack connections, which HTTP/2 cannot.
		ln = tls.NewListener(ln, &tls.Config{
			Certificates: []tls.Certificate{cert},
			NextProtos:   []string{"http/1.1"},
			MinVersion:   tls.VersionTLS12,
		})
	}
	// The upstream's base URL, followed by the end or by what ends a host in
	// a URL or a Link value.
	upstreamURLs := regexp.MustCompile(`(?i)` + regexp.QuoteMeta("http://"+upstream.Host) + `([/?#>;,\s"]|$)`)
	p := &proxy{
		upstream:     upstream,
		upstreamURLs: upstreamURLs,
		listenAddr:   listenAddr,
		logger:       logger,
		cfg:          config{Referrers: "pass"},
		byKind:       map[string]int64{},
		faults:       map[string]int64{},
		faultsBefore: map[string]int64{},
		faultsAfter:  map[string]int64{},
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
			if errors.Is(err, errFaultApplied) {
				return // the connection was taken over
			}
			logger.Printf("%s %s: upstream error: %v", r.Method, r.URL.RequestURI(), err)
			http.Error(w, "fault-proxy: upstream error: "+err.Error(), http.StatusBadGateway)
		},
		ErrorLog: logger,
	}
	srv := &http.Server{
		Handler:           p,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          logger,
		TLSNextProto:      map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}
	fmt.Printf("LISTENING %s\n", listenAddr)
	os.Stdout.Sync()
	logger.Fatal(srv.Serve(ln))
}
