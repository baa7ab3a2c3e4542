// Package password hashes and verifies passwords with argon2id in the PHC
// string format, with a cap on concurrent hashes so a burst of sign-ins
// cannot exhaust memory (each hash takes Params.MemoryKiB).
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	MemoryKiB   uint32
	Iterations  uint32
	Parallelism uint8
}

// Default is OWASP's argon2id recommendation (m=19 MiB, t=2, p=1): the cheapest
// setting OWASP still calls safe, so sign-in stays fast on a 2-core machine.
var Default = Params{MemoryKiB: 19 * 1024, Iterations: 2, Parallelism: 1}

// Fast is for tests only.
var Fast = Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1}

// ErrMismatch means the password does not match the hash.
var ErrMismatch = errors.New("password: mismatch")

// Hasher hashes and verifies passwords, at most Limit at a time.
type Hasher struct {
	params Params
	slots  chan struct{}
}

// NewHasher returns a hasher; limit caps concurrent hashes (at least 1).
func NewHasher(p Params, limit int) *Hasher {
	return &Hasher{params: p, slots: make(chan struct{}, max(1, limit))}
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Hash returns the PHC-encoded argon2id hash of pw.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer func() { <-h.slots }()
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	p := h.params
	key := argon2.IDKey([]byte(pw), salt, p.Iterations, p.MemoryKiB, p.Parallelism, 32)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Iterations, p.Parallelism,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// Verify checks pw against a PHC hash in constant time. It returns
// ErrMismatch for a wrong password and another error for a malformed hash.
func (h *Hasher) Verify(ctx context.Context, hash, pw string) error {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return errors.New("password: not an argon2id hash")
	}
	var version int
	var p Params
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return errors.New("password: unsupported argon2 version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Iterations, &p.Parallelism); err != nil {
		return errors.New("password: malformed parameters")
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return errors.New("password: malformed hash")
	}
	if err := h.acquire(ctx); err != nil {
		return err
	}
	defer func() { <-h.slots }()
	got := argon2.IDKey([]byte(pw), salt, p.Iterations, p.MemoryKiB, p.Parallelism, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}
