package goperf

// Point is the kind of small struct the post talks about: three words.
type Point struct{ X, Y, Z int64 }

// NewPoint returns a Point by value: it lives in the caller's frame (or registers).
//
//go:noinline
func NewPoint(i int64) Point { return Point{i, i + 1, i + 2} }

// NewPointOnHeap returns a pointer; the Point escapes, so each call allocates.
//
//go:noinline
func NewPointOnHeap(i int64) *Point { return &Point{i, i + 1, i + 2} }
