//go:build !go1.20

package goperf

import (
	"reflect"
	"unsafe"
)

// Method names the zero-copy technique this Go version compiles
// (Go before 1.20 has no unsafe.String or unsafe.StringData).
const Method = "reflect.StringHeader/unsafe.Slice"

// BytesToString returns a string that shares b's memory: no copy, no allocation.
// A string header is the first two words of a slice header, so the cast is exact.
// b must not be changed afterwards, since strings are assumed immutable.
func BytesToString(b []byte) string {
	return *(*string)(unsafe.Pointer(&b))
}

// StringToBytes returns a slice that shares s's memory: no copy, no allocation.
// The slice must never be written to: s may live in read-only memory.
func StringToBytes(s string) []byte {
	header := (*reflect.StringHeader)(unsafe.Pointer(&s))
	return unsafe.Slice((*byte)(unsafe.Pointer(header.Data)), len(s))
}
