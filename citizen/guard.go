package citizen

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// securityHeaders are on every answer of the citizen's pages: no script or style from
// elsewhere, no framing, no referrer carrying anything out, nothing cached that holds a
// person's data.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// csrfCookie holds a random value per browser; a form carries its HMAC under the server's
// secret (csrfField), so a page of another site can neither read nor forge it.
const (
	csrfCookie = "bhxh_csrf"
	csrfField  = "csrf"
	csrfHeader = "X-CSRF-Token"
)

// csrf issues and checks the tokens of the pages' forms.
type csrf struct {
	key       []byte
	behindTLS func(*http.Request) bool // a trusted proxy ended TLS for this request
}

func newCSRF(key []byte) *csrf {
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			panic(err)
		}
	}
	return &csrf{key: key}
}

func (c *csrf) mac(nonce string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// token is the form token for the browser's cookie, setting the cookie first when it has none.
func (c *csrf) token(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(csrfCookie); err == nil && len(ck.Value) == 43 {
		return c.mac(ck.Value)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	nonce := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: nonce, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: c.secure(r)})
	// The same request may render a form: the cookie it will send next is this one.
	r.AddCookie(&http.Cookie{Name: csrfCookie, Value: nonce})
	return c.mac(nonce)
}

// secure reports whether the browser reached the pages over TLS: directly, or through one of
// the trusted load balancers that ended it (X-Forwarded-Proto).
func (c *csrf) secure(r *http.Request) bool {
	return r.TLS != nil || (c.behindTLS != nil && c.behindTLS(r))
}

// valid checks a post: the token (form field or header) matches the cookie, and a browser's
// Origin, when it sends one, is this site.
func (c *csrf) valid(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		host := o
		if _, rest, ok := strings.Cut(o, "://"); ok {
			host = rest
		}
		if host != r.Host {
			return false
		}
	}
	ck, err := r.Cookie(csrfCookie)
	if err != nil {
		return false
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	return got != "" && hmac.Equal([]byte(got), []byte(c.mac(ck.Value)))
}

// limiter is a token bucket per key (an address, a personal ID): at most burst at once, one more
// every per. Keys unused for a while are forgotten. Safe for concurrent use.
type limiter struct {
	mu      sync.Mutex
	burst   float64
	per     time.Duration
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(burst int, per time.Duration) *limiter {
	return &limiter{burst: float64(burst), per: per, buckets: map[string]*bucket{}}
}

// allow takes a token for key; false, with how long to wait, when none is left.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.at) > time.Duration(l.burst)*l.per {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.per))
	b.at = now
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) * float64(l.per))
	}
	b.tokens--
	return true, 0
}

// clientAddress is the address a request came from (the connection's; a proxy in front must
// pass the real one in its own connection handling, never through a header a client can set).
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// idKey is what a personal ID is limited by: a hash, so the limiter holds no personal number.
func idKey(pid string) string {
	h := sha256.Sum256([]byte("pid:" + strings.TrimSpace(pid)))
	return base64.RawURLEncoding.EncodeToString(h[:12])
}
