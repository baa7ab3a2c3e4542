// Package domain holds VectorOS's types and error kinds. It does no IO and
// imports nothing of the project, so every other package can depend on it.
package domain
