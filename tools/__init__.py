"""Project tools: build (strict, atomic), serve (rebuild + reload), notes, newpost, bench."""
