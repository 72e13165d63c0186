package goperf

import (
	"bytes"
	"testing"
	"unsafe"
)

// Sinks are package variables: what is stored in them escapes, so the compiler can
// neither drop the work being measured nor keep its result on the stack.
var (
	sinkString string
	sinkBytes  []byte
	sinkInt    int64
	sinkPoint  *Point
)

var payload = bytes.Repeat([]byte("cloud-native "), 5)[:64] // 64 bytes

// dataOf is the address of a string's bytes: the first word of its header.
func dataOf(s string) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&s)) }

func TestZeroCopySharesMemory(t *testing.T) {
	s := BytesToString(payload)
	if s != string(payload) || dataOf(s) != unsafe.Pointer(&payload[0]) {
		t.Fatalf("BytesToString copied or changed the data")
	}
	b := StringToBytes(s)
	if !bytes.Equal(b, payload) || &b[0] != &payload[0] || len(b) != cap(b) {
		t.Fatalf("StringToBytes copied or changed the data")
	}
	if BytesToString(nil) != "" || len(StringToBytes("")) != 0 {
		t.Fatalf("empty inputs")
	}
}

func TestPointConstructorsAgree(t *testing.T) {
	if *NewPointOnHeap(7) != NewPoint(7) {
		t.Fatalf("constructors differ")
	}
}

func BenchmarkBytesToString(b *testing.B) {
	b.Run("copy", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sinkString = string(payload)
		}
	})
	b.Run("zero-copy", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sinkString = BytesToString(payload)
		}
	})
}

func BenchmarkStringToBytes(b *testing.B) {
	s := string(payload)
	b.Run("copy", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sinkBytes = []byte(s)
		}
	})
	b.Run("zero-copy", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sinkBytes = StringToBytes(s)
		}
	})
}

func BenchmarkSmallStruct(b *testing.B) {
	b.Run("value", func(b *testing.B) {
		var sum int64
		for i := 0; i < b.N; i++ {
			p := NewPoint(int64(i))
			sum += p.X + p.Z
		}
		sinkInt = sum
	})
	b.Run("heap", func(b *testing.B) {
		var sum int64
		for i := 0; i < b.N; i++ {
			p := NewPointOnHeap(int64(i))
			sum += p.X + p.Z
			sinkPoint = p
		}
		sinkInt = sum
	})
}
