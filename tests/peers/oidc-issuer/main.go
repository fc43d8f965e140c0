// oidc-issuer: a test-only OpenID Connect issuer for the keyless stack
// (DESIGN.md section 9): it mints ID tokens shaped like GitHub Actions' and
// GitLab CI's, which Fulcio accepts with its `github-workflow` and
// `gitlab-pipeline` issuer types. Standard library only.
//
//	oidc-issuer [-addr 127.0.0.1:0] [-request-token TOKEN]
//
// At start it makes an RSA-2048 key (RS256, as GitHub), listens on -addr and
// prints one line "LISTENING 127.0.0.1:PORT" on stdout. Requests are logged
// to stderr. BASE below is "http://127.0.0.1:PORT".
//
// Two issuers share the key, because Fulcio gives each issuer URL one type:
//
//	BASE         GitHub-shaped tokens (iss = BASE)
//	BASE/gitlab  GitLab-shaped tokens (iss = BASE/gitlab)
//
// Endpoints:
//
//	GET  /.well-known/openid-configuration          discovery (GitHub issuer)
//	GET  /gitlab/.well-known/openid-configuration   discovery (GitLab issuer)
//	GET  /.well-known/jwks                          the public key (both)
//	POST /mint  {MINT REQUEST}  -> {"token": JWT, "claims": {...}}
//	    Test-only: mints a token at once. See mintRequest for the fields;
//	    all are optional ({} gives a GitHub token for acme/widget on main).
//	POST /actions/register {MINT REQUEST} -> {"request_url": U, "request_token": T}
//	    A fresh GitHub Actions token-request pair bound to those claims
//	    (ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN), so that concurrent tests can
//	    each have their own identity.
//	GET  /actions/token?api-version=2.0&audience=AUD   (Authorization: bearer T)
//	    GitHub Actions' token-request endpoint: {"value": JWT} for a known T
//	    (-request-token, or one from /actions/register), else 401. Without
//	    `audience`, the audience is "https://github.com/OWNER" (GitHub's
//	    default). With `repository_visibility=V` (public, private or
//	    internal; anything else is 400) the token's repository_visibility
//	    claim is V whatever T was registered with: one request token, one
//	    endpoint, and a URL per visibility, so a test bed can hand a job a
//	    public or a private repository's tokens by the URL alone.
package main

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

const keyID = "cargo-attest-test-oidc"

// mintRequest says what token to make. Every field is optional.
type mintRequest struct {
	// "github" (default) or "gitlab".
	Kind string `json:"kind"`
	// OWNER/REPO (GitHub) or GROUP/PROJECT (GitLab); default "acme/widget".
	Repository string `json:"repository"`
	// The git ref; default "refs/heads/main".
	Ref string `json:"ref"`
	// The commit; default a fixed 40-hex value.
	Sha string `json:"sha"`
	// The workflow file in the repository; default
	// ".github/workflows/release.yml" (GitHub), ".gitlab-ci.yml" (GitLab).
	WorkflowPath string `json:"workflow_path"`
	// GitHub: the repository of a reusable workflow (job_workflow_ref),
	// default Repository.
	JobWorkflowRepository string `json:"job_workflow_repository"`
	// The trigger; default "push".
	EventName string `json:"event_name"`
	// The audience; default "sigstore".
	Audience string `json:"audience"`
	// Unix times; defaults: iat = now, exp = iat + 600 (nbf = iat).
	IssuedAt  *int64 `json:"iat"`
	ExpiresAt *int64 `json:"exp"`
	// Raw claim overrides applied last; a null value removes the claim.
	Claims map[string]json.RawMessage `json:"claims"`
}

type server struct {
	key    *rsa.PrivateKey
	base   string // http://127.0.0.1:PORT
	logger *log.Logger

	mu            sync.Mutex
	requestTokens map[string]mintRequest // Actions request token -> identity
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	requestToken := flag.String("request-token", "", "an Actions request token for the default GitHub identity")
	flag.Parse()
	logger := log.New(os.Stderr, "oidc-issuer: ", log.LstdFlags|log.Lmicroseconds)

	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		logger.Fatalf("key: %v", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		logger.Fatalf("listen: %v", err)
	}
	s := &server{
		key:           key,
		base:          "http://" + ln.Addr().String(),
		logger:        logger,
		requestTokens: map[string]mintRequest{},
	}
	if *requestToken != "" {
		s.requestTokens[*requestToken] = mintRequest{}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		s.discovery(w, s.base)
	})
	mux.HandleFunc("GET /gitlab/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		s.discovery(w, s.base+"/gitlab")
	})
	mux.HandleFunc("GET /.well-known/jwks", s.jwks)
	mux.HandleFunc("POST /mint", s.mint)
	mux.HandleFunc("POST /actions/register", s.register)
	mux.HandleFunc("GET /actions/token", s.actionsToken)

	fmt.Printf("LISTENING %s\n", ln.Addr())
	os.Stdout.Sync()
	srv := &http.Server{Handler: s.logged(mux), ReadHeaderTimeout: 10 * time.Second}
	logger.Fatal(srv.Serve(ln))
}

func (s *server) logged(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		h.ServeHTTP(rec, r)
		s.logger.Printf("%s %s: %d", r.Method, r.URL.Path, rec.status)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *server) discovery(w http.ResponseWriter, issuer string) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                issuer,
		"jwks_uri":                              s.base + "/.well-known/jwks",
		"response_types_supported":              []string{"id_token"},
		"subject_types_supported":               []string{"public", "pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid"},
		"claims_supported":                      []string{"sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "sha", "repository"},
	})
}

func (s *server) jwks(w http.ResponseWriter, _ *http.Request) {
	pub := s.key.PublicKey
	writeJSON(w, http.StatusOK, map[string]any{
		"keys": []map[string]string{{
			"kty": "RSA",
			"alg": "RS256",
			"use": "sig",
			"kid": keyID,
			"n":   b64(pub.N.Bytes()),
			"e":   b64(big.NewInt(int64(pub.E)).Bytes()),
		}},
	})
}

func (s *server) mint(w http.ResponseWriter, r *http.Request) {
	req, ok := readMintRequest(w, r)
	if !ok {
		return
	}
	token, claims, err := s.token(req)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"token": token, "claims": claims})
}

func (s *server) register(w http.ResponseWriter, r *http.Request) {
	req, ok := readMintRequest(w, r)
	if !ok {
		return
	}
	if _, _, err := s.token(req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	buf := make([]byte, 16)
	rand.Read(buf)
	t := hex.EncodeToString(buf)
	s.mu.Lock()
	s.requestTokens[t] = req
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{
		"request_url":   s.base + "/actions/token?api-version=2.0",
		"request_token": t,
	})
}

func (s *server) actionsToken(w http.ResponseWriter, r *http.Request) {
	scheme, given, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	var req mintRequest
	found := false
	if strings.EqualFold(scheme, "bearer") && given != "" {
		s.mu.Lock()
		for t, q := range s.requestTokens {
			if subtle.ConstantTimeCompare([]byte(t), []byte(given)) == 1 {
				req, found = q, true
			}
		}
		s.mu.Unlock()
	}
	if !found {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
		return
	}
	req.Kind = "github"
	if v := r.URL.Query().Get("repository_visibility"); v != "" {
		if v != "public" && v != "private" && v != "internal" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": "repository_visibility must be public, private or internal"})
			return
		}
		claims := make(map[string]json.RawMessage, len(req.Claims)+1)
		for k, c := range req.Claims {
			claims[k] = c
		}
		claims["repository_visibility"], _ = json.Marshal(v)
		req.Claims = claims
	}
	if aud, ok := r.URL.Query()["audience"]; ok && len(aud) > 0 && aud[0] != "" {
		req.Audience = aud[0]
	} else {
		req.Audience = "https://github.com/" + ownerOf(orDefault(req.Repository, "acme/widget"))
	}
	token, _, err := s.token(req)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"value": token})
}

func readMintRequest(w http.ResponseWriter, r *http.Request) (mintRequest, bool) {
	var req mintRequest
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil && len(strings.TrimSpace(string(body))) > 0 {
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		err = dec.Decode(&req)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return req, false
	}
	return req, true
}

// token builds and signs the claims for req.
func (s *server) token(req mintRequest) (string, map[string]any, error) {
	now := time.Now().Unix()
	iat := now
	if req.IssuedAt != nil {
		iat = *req.IssuedAt
	}
	exp := iat + 600
	if req.ExpiresAt != nil {
		exp = *req.ExpiresAt
	}
	repo := orDefault(req.Repository, "acme/widget")
	if !strings.Contains(repo, "/") {
		return "", nil, fmt.Errorf("repository %q is not OWNER/REPO", repo)
	}
	ref := orDefault(req.Ref, "refs/heads/main")
	sha := orDefault(req.Sha, "0123456789abcdef0123456789abcdef01234567")
	event := orDefault(req.EventName, "push")
	aud := orDefault(req.Audience, "sigstore")
	jtiBuf := make([]byte, 16)
	rand.Read(jtiBuf)

	var claims map[string]any
	switch orDefault(req.Kind, "github") {
	case "github":
		wf := orDefault(req.WorkflowPath, ".github/workflows/release.yml")
		jobRepo := orDefault(req.JobWorkflowRepository, repo)
		claims = map[string]any{
			"iss":                   s.base,
			"sub":                   "repo:" + repo + ":ref:" + ref,
			"ref":                   ref,
			"ref_type":              refType(ref),
			"ref_protected":         "false",
			"sha":                   sha,
			"repository":            repo,
			"repository_id":         numericID(repo, 100000000),
			"repository_owner":      ownerOf(repo),
			"repository_owner_id":   numericID(ownerOf(repo), 1000000),
			"repository_visibility": "public",
			"actor":                 ownerOf(repo),
			"actor_id":              numericID(ownerOf(repo), 1000000),
			"run_id":                "4242424242",
			"run_number":            "7",
			"run_attempt":           "1",
			"workflow":              "release",
			"event_name":            event,
			"head_ref":              "",
			"base_ref":              "",
			"workflow_ref":          repo + "/" + wf + "@" + ref,
			"workflow_sha":          sha,
			"job_workflow_ref":      jobRepo + "/" + wf + "@" + ref,
			"job_workflow_sha":      sha,
			"runner_environment":    "github-hosted",
		}
	case "gitlab":
		wf := orDefault(req.WorkflowPath, ".gitlab-ci.yml")
		short := strings.TrimPrefix(strings.TrimPrefix(ref, "refs/heads/"), "refs/tags/")
		claims = map[string]any{
			"iss":                s.base + "/gitlab",
			"sub":                "project_path:" + repo + ":ref_type:" + refType(ref) + ":ref:" + short,
			"namespace_id":       numericID(ownerOf(repo), 1000),
			"namespace_path":     ownerOf(repo),
			"project_id":         numericID(repo, 100000),
			"project_path":       repo,
			"project_visibility": "public",
			"user_id":            "42",
			"user_login":         ownerOf(repo),
			"pipeline_id":        "987654321",
			"pipeline_source":    event,
			"job_id":             "1234567890",
			"ref":                short,
			"ref_type":           refType(ref),
			"ref_path":           ref,
			"ref_protected":      "true",
			"sha":                sha,
			"runner_id":          4242,
			"runner_environment": "gitlab-hosted",
			"ci_config_ref_uri":  "gitlab.com/" + repo + "//" + wf + "@" + ref,
			"ci_config_sha":      sha,
		}
	default:
		return "", nil, fmt.Errorf("kind %q is neither github nor gitlab", req.Kind)
	}
	claims["aud"] = aud
	claims["iat"] = iat
	claims["nbf"] = iat
	claims["exp"] = exp
	claims["jti"] = hex.EncodeToString(jtiBuf)
	for k, v := range req.Claims {
		if string(v) == "null" {
			delete(claims, k)
			continue
		}
		var val any
		if err := json.Unmarshal(v, &val); err != nil {
			return "", nil, fmt.Errorf("claim %s: %v", k, err)
		}
		claims[k] = val
	}
	token, err := s.sign(claims)
	return token, claims, err
}

func (s *server) sign(claims map[string]any) (string, error) {
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": keyID})
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := b64(header) + "." + b64(payload)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return input + "." + b64(sig), nil
}

func refType(ref string) string {
	if strings.HasPrefix(ref, "refs/tags/") {
		return "tag"
	}
	return "branch"
}

func ownerOf(repo string) string {
	owner, _, _ := strings.Cut(repo, "/")
	return owner
}

// numericID: a stable decimal id for a name (GitHub and GitLab ids are
// decimal strings), so another repository gets another id.
func numericID(name string, base uint64) string {
	h := sha256.Sum256([]byte(name))
	var n uint64
	for _, b := range h[:4] {
		n = n<<8 | uint64(b)
	}
	return fmt.Sprint(base + n%base)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func b64(b []byte) string {
	return base64.RawURLEncoding.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
