// Package arch holds no code: its test keeps the package graph the shape
// the README's package map draws, so that the engine stays lean and each
// package depends only on those below it.
package arch
