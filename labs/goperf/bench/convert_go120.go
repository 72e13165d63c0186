//go:build go1.20

package goperf

import "unsafe"

// Method names the zero-copy technique this Go version compiles.
const Method = "unsafe.String/unsafe.Slice"

// BytesToString returns a string that shares b's memory: no copy, no allocation.
// b must not be changed afterwards, since strings are assumed immutable.
func BytesToString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// StringToBytes returns a slice that shares s's memory: no copy, no allocation.
// The slice must never be written to: s may live in read-only memory.
func StringToBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
