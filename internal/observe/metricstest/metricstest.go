// Package metricstest reads a /metrics page for tests: the text exposition
// format into a map from series (name{labels} exactly as printed, labels in
// the order the client library sorts them) to value.
package metricstest

import (
	"bufio"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// Series maps a series as printed to its value.
type Series map[string]float64

// Parse reads the text format.
func Parse(t testing.TB, r io.Reader) Series {
	t.Helper()
	out := Series{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 8<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			t.Fatalf("metrics: unreadable line %q", line)
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics: value of %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Scrape GETs url with the bearer token (none when empty); it fails the
// test unless the answer is 200.
func Scrape(t testing.TB, url, token string) Series {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return Parse(t, resp.Body)
}

// Want fails the test unless every series has its value.
func (s Series) Want(t testing.TB, want map[string]float64) {
	t.Helper()
	for k, v := range want {
		got, ok := s[k]
		switch {
		case !ok:
			t.Errorf("metrics: no series %s", k)
		case got != v:
			t.Errorf("metrics: %s = %v, want %v", k, got, v)
		}
	}
}

// Has reports whether any series of the metric name exists.
func (s Series) Has(name string) bool {
	for k := range s {
		if k == name || strings.HasPrefix(k, name+"{") {
			return true
		}
	}
	return false
}
