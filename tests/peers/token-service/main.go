// token-service: a minimal Docker registry token server for the integration
// tests (docker-registry's `auth.token`; token spec:
// https://distribution.github.io/distribution/spec/auth/token/). Standard
// library only.
//
// At start it makes an ECDSA P-256 key and a self-signed certificate, writes
// the certificate PEM to -cert-out (the registry's auth.token.rootcertbundle),
// listens on -addr and prints "LISTENING 127.0.0.1:PORT" on stdout.
//
//	GET  /token?service=S&scope=T:NAME:ACTIONS[&scope=...]   (HTTP Basic)
//	POST /token  grant_type=password&username=&password=&service=&scope=
//
// Valid -user/-password: an ES256 JWT granting every requested scope.
// No credentials: a token with no access. Wrong credentials: 401 + JSON.
// The JWT header carries the certificate in `x5c`, which distribution 2.8
// verifies against rootcertbundle. Each request is logged to stderr (never
// the password).
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

type access struct {
	Type    string   `json:"type"`
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
}

type server struct {
	key      *ecdsa.PrivateKey
	certDER  []byte
	issuer   string
	user     string
	password string
	ttl      time.Duration
	// What the JWT's exp claim says, relative to now (default: ttl), and
	// what the answer's expires_in claims (default: ttl). distribution
	// accepts a token until exp + 60 s (its clock-skew leeway), so a token
	// that must die after N seconds gets exp = N - 60 s.
	expOffset time.Duration
	expiresIn time.Duration
	logger    *log.Logger
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (port 0 picks a free one)")
	certOut := flag.String("cert-out", "", "where to write the certificate PEM (required)")
	issuer := flag.String("issuer", "cargo-attest-test-token-service", "the tokens' iss claim")
	user := flag.String("user", "tester", "the one valid user")
	password := flag.String("password", "", "that user's password (required)")
	ttl := flag.Duration("ttl", 300*time.Second, "token lifetime")
	expOffset := flag.Duration("exp-offset", 0, "the JWT exp claim relative to now (default: -ttl's value); may be negative")
	expiresIn := flag.Duration("expires-in", 0, "the expires_in the answer claims (default: -ttl's value)")
	flag.Parse()
	if *expOffset == 0 {
		*expOffset = *ttl
	}
	if *expiresIn == 0 {
		*expiresIn = *ttl
	}
	logger := log.New(os.Stderr, "token-service: ", log.LstdFlags|log.Lmicroseconds)
	if *certOut == "" || *password == "" {
		logger.Fatal("-cert-out and -password are required")
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		logger.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: *issuer},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		logger.Fatal(err)
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	tmp := filepath.Join(filepath.Dir(*certOut), "."+filepath.Base(*certOut)+".tmp")
	if err := os.WriteFile(tmp, pemBytes, 0o644); err != nil {
		logger.Fatal(err)
	}
	if err := os.Rename(tmp, *certOut); err != nil {
		logger.Fatal(err)
	}

	s := &server{key: key, certDER: der, issuer: *issuer, user: *user, password: *password, ttl: *ttl, expOffset: *expOffset, expiresIn: *expiresIn, logger: logger}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		logger.Fatalf("listen %s: %v", *addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/token", s.token)
	fmt.Printf("LISTENING %s\n", ln.Addr())
	os.Stdout.Sync()
	logger.Fatal(http.Serve(ln, mux))
}

func (s *server) token(w http.ResponseWriter, r *http.Request) {
	var user, password, service string
	var scopes []string
	authed := false
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		service = q.Get("service")
		scopes = q["scope"]
		user, password, authed = r.BasicAuth()
	case http.MethodPost:
		if err := r.ParseForm(); err != nil {
			s.fail(w, r, http.StatusBadRequest, "invalid form")
			return
		}
		if gt := r.PostForm.Get("grant_type"); gt != "password" {
			s.fail(w, r, http.StatusBadRequest, "unsupported grant_type "+gt)
			return
		}
		service = r.PostForm.Get("service")
		scopes = strings.Fields(r.PostForm.Get("scope"))
		user, password = r.PostForm.Get("username"), r.PostForm.Get("password")
		authed = true
	default:
		s.fail(w, r, http.StatusMethodNotAllowed, "GET or POST only")
		return
	}

	grants := []access{}
	sub := ""
	if authed {
		okUser := subtle.ConstantTimeCompare([]byte(user), []byte(s.user)) == 1
		okPass := subtle.ConstantTimeCompare([]byte(password), []byte(s.password)) == 1
		if !okUser || !okPass {
			s.fail(w, r, http.StatusUnauthorized, "invalid username or password")
			return
		}
		sub = user
		for _, sc := range scopes {
			for _, one := range strings.Fields(sc) {
				if a, ok := parseScope(one); ok {
					grants = append(grants, a)
				}
			}
		}
	}

	now := time.Now()
	jti := make([]byte, 16)
	rand.Read(jti)
	claims := map[string]any{
		"iss":    s.issuer,
		"sub":    sub,
		"aud":    service,
		"exp":    now.Add(s.expOffset).Unix(),
		"nbf":    now.Add(-10 * time.Second).Unix(),
		"iat":    now.Unix(),
		"jti":    hex.EncodeToString(jti),
		"access": grants,
	}
	tok, err := s.sign(claims)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	s.logger.Printf("%s %s service=%q scopes=%q user=%q -> 200 (%d grants)", r.Method, r.URL.Path, service, scopes, sub, len(grants))
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"token":        tok,
		"access_token": tok,
		"expires_in":   int(s.expiresIn.Seconds()),
		"issued_at":    now.UTC().Format(time.RFC3339),
	})
}

// parseScope parses "type:name:actions"; the name may contain ':' (a
// registry host with a port), so type is up to the first ':' and actions
// after the last one.
func parseScope(s string) (access, bool) {
	first, last := strings.Index(s, ":"), strings.LastIndex(s, ":")
	if first < 0 || first == last {
		return access{}, false
	}
	actions := []string{}
	for _, a := range strings.Split(s[last+1:], ",") {
		if a != "" {
			actions = append(actions, a)
		}
	}
	return access{Type: s[:first], Name: s[first+1 : last], Actions: actions}, true
}

func (s *server) sign(claims map[string]any) (string, error) {
	header := map[string]any{
		"typ": "JWT",
		"alg": "ES256",
		"x5c": []string{base64.StdEncoding.EncodeToString(s.certDER)},
	}
	h, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	input := enc.EncodeToString(h) + "." + enc.EncodeToString(c)
	digest := sha256.Sum256([]byte(input))
	r, sv, err := ecdsa.Sign(rand.Reader, s.key, digest[:])
	if err != nil {
		return "", err
	}
	// JWS ES256: fixed-size big-endian r || s, not ASN.1.
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	sv.FillBytes(sig[32:])
	return input + "." + enc.EncodeToString(sig), nil
}

func (s *server) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.logger.Printf("%s %s -> %d %s", r.Method, r.URL.Path, status, msg)
	code := "UNAUTHORIZED"
	if status != http.StatusUnauthorized {
		code = "DENIED"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]string{{"code": code, "message": msg}},
	})
}
