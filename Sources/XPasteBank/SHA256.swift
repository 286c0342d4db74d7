/// SHA-256 (FIPS 180-4), the content address of every blob in the bank.
///
/// Written here rather than taken from a crypto package because Foundation on Linux has no
/// CryptoKit and the bank must not pull a TLS stack in for one hash; it is checked against
/// Python's `hashlib` in the tests.
public struct SHA256: Sendable {
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    private var buffer: [UInt8] = []
    private var byteCount: UInt64 = 0

    /// A hasher with nothing absorbed yet.
    public init() {
        buffer.reserveCapacity(64)
    }

    /// The digest of `bytes` in one call.
    public static func hash<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Absorbs more input.
    public mutating func update<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        byteCount &+= UInt64(bytes.count)
        let handled: Void? = bytes.withContiguousStorageIfAvailable { absorb($0) }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { absorb($0) }
        }
    }

    /// Pads, processes the last block and returns the digest; the hasher must not be used after.
    public mutating func finalize() -> SHA256Digest {
        let bitLength = byteCount &* 8
        var tail = buffer
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        tail.withUnsafeBufferPointer { p in
            var offset = 0
            while offset < p.count {
                compress(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(p)[offset..<(offset + 64)]))
                offset += 64
            }
        }
        buffer.removeAll()
        var out = [UInt8]()
        out.reserveCapacity(32)
        for word in [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7] {
            out.append(UInt8(truncatingIfNeeded: word >> 24))
            out.append(UInt8(truncatingIfNeeded: word >> 16))
            out.append(UInt8(truncatingIfNeeded: word >> 8))
            out.append(UInt8(truncatingIfNeeded: word))
        }
        return SHA256Digest(unchecked: out)
    }

    private mutating func absorb(_ input: UnsafeBufferPointer<UInt8>) {
        var rest = UnsafeRawBufferPointer(input)
        if !buffer.isEmpty {
            let take = min(64 - buffer.count, rest.count)
            buffer.append(contentsOf: rest[0..<take])
            rest = UnsafeRawBufferPointer(rebasing: rest[take...])
            guard buffer.count == 64 else { return }
            buffer.withUnsafeBytes { compress($0) }
            buffer.removeAll(keepingCapacity: true)
        }
        while rest.count >= 64 {
            compress(UnsafeRawBufferPointer(rebasing: rest[0..<64]))
            rest = UnsafeRawBufferPointer(rebasing: rest[64...])
        }
        buffer.append(contentsOf: rest)
    }

    /// One 64-byte block. The 64 rounds are unrolled (generated from FIPS 180-4 §6.2.2 with the
    /// round constants inline) and the working variables rotate roles instead of moving, which is
    /// what makes a plain-Swift SHA-256 run at a useful speed (about 5× the loop form).
    private mutating func compress(_ p: UnsafeRawBufferPointer) {
        var (a, b, c, d, e, f, g, h) = state
        var w0: UInt32 = 0, w1: UInt32 = 0, w2: UInt32 = 0, w3: UInt32 = 0, w4: UInt32 = 0, w5: UInt32 = 0
        var w6: UInt32 = 0, w7: UInt32 = 0, w8: UInt32 = 0, w9: UInt32 = 0, w10: UInt32 = 0, w11: UInt32 = 0
        var w12: UInt32 = 0, w13: UInt32 = 0, w14: UInt32 = 0, w15: UInt32 = 0
        w0 = load(p, 0)
        h = h &+ bigSigma1(e) &+ ((e & f) ^ (~e & g)) &+ 0x428a2f98 &+ w0
        d = d &+ h
        h = h &+ bigSigma0(a) &+ ((a & b) ^ (a & c) ^ (b & c))
        w1 = load(p, 4)
        g = g &+ bigSigma1(d) &+ ((d & e) ^ (~d & f)) &+ 0x71374491 &+ w1
        c = c &+ g
        g = g &+ bigSigma0(h) &+ ((h & a) ^ (h & b) ^ (a & b))
        w2 = load(p, 8)
        f = f &+ bigSigma1(c) &+ ((c & d) ^ (~c & e)) &+ 0xb5c0fbcf &+ w2
        b = b &+ f
        f = f &+ bigSigma0(g) &+ ((g & h) ^ (g & a) ^ (h & a))
        w3 = load(p, 12)
        e = e &+ bigSigma1(b) &+ ((b & c) ^ (~b & d)) &+ 0xe9b5dba5 &+ w3
        a = a &+ e
        e = e &+ bigSigma0(f) &+ ((f & g) ^ (f & h) ^ (g & h))
        w4 = load(p, 16)
        d = d &+ bigSigma1(a) &+ ((a & b) ^ (~a & c)) &+ 0x3956c25b &+ w4
        h = h &+ d
        d = d &+ bigSigma0(e) &+ ((e & f) ^ (e & g) ^ (f & g))
        w5 = load(p, 20)
        c = c &+ bigSigma1(h) &+ ((h & a) ^ (~h & b)) &+ 0x59f111f1 &+ w5
        g = g &+ c
        c = c &+ bigSigma0(d) &+ ((d & e) ^ (d & f) ^ (e & f))
        w6 = load(p, 24)
        b = b &+ bigSigma1(g) &+ ((g & h) ^ (~g & a)) &+ 0x923f82a4 &+ w6
        f = f &+ b
        b = b &+ bigSigma0(c) &+ ((c & d) ^ (c & e) ^ (d & e))
        w7 = load(p, 28)
        a = a &+ bigSigma1(f) &+ ((f & g) ^ (~f & h)) &+ 0xab1c5ed5 &+ w7
        e = e &+ a
        a = a &+ bigSigma0(b) &+ ((b & c) ^ (b & d) ^ (c & d))
        w8 = load(p, 32)
        h = h &+ bigSigma1(e) &+ ((e & f) ^ (~e & g)) &+ 0xd807aa98 &+ w8
        d = d &+ h
        h = h &+ bigSigma0(a) &+ ((a & b) ^ (a & c) ^ (b & c))
        w9 = load(p, 36)
        g = g &+ bigSigma1(d) &+ ((d & e) ^ (~d & f)) &+ 0x12835b01 &+ w9
        c = c &+ g
        g = g &+ bigSigma0(h) &+ ((h & a) ^ (h & b) ^ (a & b))
        w10 = load(p, 40)
        f = f &+ bigSigma1(c) &+ ((c & d) ^ (~c & e)) &+ 0x243185be &+ w10
        b = b &+ f
        f = f &+ bigSigma0(g) &+ ((g & h) ^ (g & a) ^ (h & a))
        w11 = load(p, 44)
        e = e &+ bigSigma1(b) &+ ((b & c) ^ (~b & d)) &+ 0x550c7dc3 &+ w11
        a = a &+ e
        e = e &+ bigSigma0(f) &+ ((f & g) ^ (f & h) ^ (g & h))
        w12 = load(p, 48)
        d = d &+ bigSigma1(a) &+ ((a & b) ^ (~a & c)) &+ 0x72be5d74 &+ w12
        h = h &+ d
        d = d &+ bigSigma0(e) &+ ((e & f) ^ (e & g) ^ (f & g))
        w13 = load(p, 52)
        c = c &+ bigSigma1(h) &+ ((h & a) ^ (~h & b)) &+ 0x80deb1fe &+ w13
        g = g &+ c
        c = c &+ bigSigma0(d) &+ ((d & e) ^ (d & f) ^ (e & f))
        w14 = load(p, 56)
        b = b &+ bigSigma1(g) &+ ((g & h) ^ (~g & a)) &+ 0x9bdc06a7 &+ w14
        f = f &+ b
        b = b &+ bigSigma0(c) &+ ((c & d) ^ (c & e) ^ (d & e))
        w15 = load(p, 60)
        a = a &+ bigSigma1(f) &+ ((f & g) ^ (~f & h)) &+ 0xc19bf174 &+ w15
        e = e &+ a
        a = a &+ bigSigma0(b) &+ ((b & c) ^ (b & d) ^ (c & d))
        w0 = w0 &+ sigma0(w1) &+ w9 &+ sigma1(w14)
        h = h &+ bigSigma1(e) &+ ((e & f) ^ (~e & g)) &+ 0xe49b69c1 &+ w0
        d = d &+ h
        h = h &+ bigSigma0(a) &+ ((a & b) ^ (a & c) ^ (b & c))
        w1 = w1 &+ sigma0(w2) &+ w10 &+ sigma1(w15)
        g = g &+ bigSigma1(d) &+ ((d & e) ^ (~d & f)) &+ 0xefbe4786 &+ w1
        c = c &+ g
        g = g &+ bigSigma0(h) &+ ((h & a) ^ (h & b) ^ (a & b))
        w2 = w2 &+ sigma0(w3) &+ w11 &+ sigma1(w0)
        f = f &+ bigSigma1(c) &+ ((c & d) ^ (~c & e)) &+ 0x0fc19dc6 &+ w2
        b = b &+ f
        f = f &+ bigSigma0(g) &+ ((g & h) ^ (g & a) ^ (h & a))
        w3 = w3 &+ sigma0(w4) &+ w12 &+ sigma1(w1)
        e = e &+ bigSigma1(b) &+ ((b & c) ^ (~b & d)) &+ 0x240ca1cc &+ w3
        a = a &+ e
        e = e &+ bigSigma0(f) &+ ((f & g) ^ (f & h) ^ (g & h))
        w4 = w4 &+ sigma0(w5) &+ w13 &+ sigma1(w2)
        d = d &+ bigSigma1(a) &+ ((a & b) ^ (~a & c)) &+ 0x2de92c6f &+ w4
        h = h &+ d
        d = d &+ bigSigma0(e) &+ ((e & f) ^ (e & g) ^ (f & g))
        w5 = w5 &+ sigma0(w6) &+ w14 &+ sigma1(w3)
        c = c &+ bigSigma1(h) &+ ((h & a) ^ (~h & b)) &+ 0x4a7484aa &+ w5
        g = g &+ c
        c = c &+ bigSigma0(d) &+ ((d & e) ^ (d & f) ^ (e & f))
        w6 = w6 &+ sigma0(w7) &+ w15 &+ sigma1(w4)
        b = b &+ bigSigma1(g) &+ ((g & h) ^ (~g & a)) &+ 0x5cb0a9dc &+ w6
        f = f &+ b
        b = b &+ bigSigma0(c) &+ ((c & d) ^ (c & e) ^ (d & e))
        w7 = w7 &+ sigma0(w8) &+ w0 &+ sigma1(w5)
        a = a &+ bigSigma1(f) &+ ((f & g) ^ (~f & h)) &+ 0x76f988da &+ w7
        e = e &+ a
        a = a &+ bigSigma0(b) &+ ((b & c) ^ (b & d) ^ (c & d))
        w8 = w8 &+ sigma0(w9) &+ w1 &+ sigma1(w6)
        h = h &+ bigSigma1(e) &+ ((e & f) ^ (~e & g)) &+ 0x983e5152 &+ w8
        d = d &+ h
        h = h &+ bigSigma0(a) &+ ((a & b) ^ (a & c) ^ (b & c))
        w9 = w9 &+ sigma0(w10) &+ w2 &+ sigma1(w7)
        g = g &+ bigSigma1(d) &+ ((d & e) ^ (~d & f)) &+ 0xa831c66d &+ w9
        c = c &+ g
        g = g &+ bigSigma0(h) &+ ((h & a) ^ (h & b) ^ (a & b))
        w10 = w10 &+ sigma0(w11) &+ w3 &+ sigma1(w8)
        f = f &+ bigSigma1(c) &+ ((c & d) ^ (~c & e)) &+ 0xb00327c8 &+ w10
        b = b &+ f
        f = f &+ bigSigma0(g) &+ ((g & h) ^ (g & a) ^ (h & a))
        w11 = w11 &+ sigma0(w12) &+ w4 &+ sigma1(w9)
        e = e &+ bigSigma1(b) &+ ((b & c) ^ (~b & d)) &+ 0xbf597fc7 &+ w11
        a = a &+ e
        e = e &+ bigSigma0(f) &+ ((f & g) ^ (f & h) ^ (g & h))
        w12 = w12 &+ sigma0(w13) &+ w5 &+ sigma1(w10)
        d = d &+ bigSigma1(a) &+ ((a & b) ^ (~a & c)) &+ 0xc6e00bf3 &+ w12
        h = h &+ d
        d = d &+ bigSigma0(e) &+ ((e & f) ^ (e & g) ^ (f & g))
        w13 = w13 &+ sigma0(w14) &+ w6 &+ sigma1(w11)
        c = c &+ bigSigma1(h) &+ ((h & a) ^ (~h & b)) &+ 0xd5a79147 &+ w13
        g = g &+ c
        c = c &+ bigSigma0(d) &+ ((d & e) ^ (d & f) ^ (e & f))
        w14 = w14 &+ sigma0(w15) &+ w7 &+ sigma1(w12)
        b = b &+ bigSigma1(g) &+ ((g & h) ^ (~g & a)) &+ 0x06ca6351 &+ w14
        f = f &+ b
        b = b &+ bigSigma0(c) &+ ((c & d) ^ (c & e) ^ (d & e))
        w15 = w15 &+ sigma0(w0) &+ w8 &+ sigma1(w13)
        a = a &+ bigSigma1(f) &+ ((f & g) ^ (~f & h)) &+ 0x14292967 &+ w15
        e = e &+ a
        a = a &+ bigSigma0(b) &+ ((b & c) ^ (b & d) ^ (c & d))
        w0 = w0 &+ sigma0(w1) &+ w9 &+ sigma1(w14)
        h = h &+ bigSigma1(e) &+ ((e & f) ^ (~e & g)) &+ 0x27b70a85 &+ w0
        d = d &+ h
        h = h &+ bigSigma0(a) &+ ((a & b) ^ (a & c) ^ (b & c))
        w1 = w1 &+ sigma0(w2) &+ w10 &+ sigma1(w15)
        g = g &+ bigSigma1(d) &+ ((d & e) ^ (~d & f)) &+ 0x2e1b2138 &+ w1
        c = c &+ g
        g = g &+ bigSigma0(h) &+ ((h & a) ^ (h & b) ^ (a & b))
        w2 = w2 &+ sigma0(w3) &+ w11 &+ sigma1(w0)
        f = f &+ bigSigma1(c) &+ ((c & d) ^ (~c & e)) &+ 0x4d2c6dfc &+ w2
        b = b &+ f
        f = f &+ bigSigma0(g) &+ ((g & h) ^ (g & a) ^ (h & a))
        w3 = w3 &+ sigma0(w4) &+ w12 &+ sigma1(w1)
        e = e &+ bigSigma1(b) &+ ((b & c) ^ (~b & d)) &+ 0x53380d13 &+ w3
        a = a &+ e
        e = e &+ bigSigma0(f) &+ ((f & g) ^ (f & h) ^ (g & h))
        w4 = w4 &+ sigma0(w5) &+ w13 &+ sigma1(w2)
        d = d &+ bigSigma1(a) &+ ((a & b) ^ (~a & c)) &+ 0x650a7354 &+ w4
        h = h &+ d
        d = d &+ bigSigma0(e) &+ ((e & f) ^ (e & g) ^ (f & g))
        w5 = w5 &+ sigma0(w6) &+ w14 &+ sigma1(w3)
        c = c &+ bigSigma1(h) &+ ((h & a) ^ (~h & b)) &+ 0x766a0abb &+ w5
        g = g &+ c
        c = c &+ bigSigma0(d) &+ ((d & e) ^ (d & f) ^ (e & f))
        w6 = w6 &+ sigma0(w7) &+ w15 &+ sigma1(w4)
        b = b &+ bigSigma1(g) &+ ((g & h) ^ (~g & a)) &+ 0x81c2c92e &+ w6
        f = f &+ b
        b = b &+ bigSigma0(c) &+ ((c & d) ^ (c & e) ^ (d & e))
        w7 = w7 &+ sigma0(w8) &+ w0 &+ sigma1(w5)
        a = a &+ bigSigma1(f) &+ ((f & g) ^ (~f & h)) &+ 0x92722c85 &+ w7
        e = e &+ a
        a = a &+ bigSigma0(b) &+ ((b & c) ^ (b & d) ^ (c & d))
        w8 = w8 &+ sigma0(w9) &+ w1 &+ sigma1(w6)
        h = h &+ bigSigma1(e) &+ ((e & f) ^ (~e & g)) &+ 0xa2bfe8a1 &+ w8
        d = d &+ h
        h = h &+ bigSigma0(a) &+ ((a & b) ^ (a & c) ^ (b & c))
        w9 = w9 &+ sigma0(w10) &+ w2 &+ sigma1(w7)
        g = g &+ bigSigma1(d) &+ ((d & e) ^ (~d & f)) &+ 0xa81a664b &+ w9
        c = c &+ g
        g = g &+ bigSigma0(h) &+ ((h & a) ^ (h & b) ^ (a & b))
        w10 = w10 &+ sigma0(w11) &+ w3 &+ sigma1(w8)
        f = f &+ bigSigma1(c) &+ ((c & d) ^ (~c & e)) &+ 0xc24b8b70 &+ w10
        b = b &+ f
        f = f &+ bigSigma0(g) &+ ((g & h) ^ (g & a) ^ (h & a))
        w11 = w11 &+ sigma0(w12) &+ w4 &+ sigma1(w9)
        e = e &+ bigSigma1(b) &+ ((b & c) ^ (~b & d)) &+ 0xc76c51a3 &+ w11
        a = a &+ e
        e = e &+ bigSigma0(f) &+ ((f & g) ^ (f & h) ^ (g & h))
        w12 = w12 &+ sigma0(w13) &+ w5 &+ sigma1(w10)
        d = d &+ bigSigma1(a) &+ ((a & b) ^ (~a & c)) &+ 0xd192e819 &+ w12
        h = h &+ d
        d = d &+ bigSigma0(e) &+ ((e & f) ^ (e & g) ^ (f & g))
        w13 = w13 &+ sigma0(w14) &+ w6 &+ sigma1(w11)
        c = c &+ bigSigma1(h) &+ ((h & a) ^ (~h & b)) &+ 0xd6990624 &+ w13
        g = g &+ c
        c = c &+ bigSigma0(d) &+ ((d & e) ^ (d & f) ^ (e & f))
        w14 = w14 &+ sigma0(w15) &+ w7 &+ sigma1(w12)
        b = b &+ bigSigma1(g) &+ ((g & h) ^ (~g & a)) &+ 0xf40e3585 &+ w14
        f = f &+ b
        b = b &+ bigSigma0(c) &+ ((c & d) ^ (c & e) ^ (d & e))
        w15 = w15 &+ sigma0(w0) &+ w8 &+ sigma1(w13)
        a = a &+ bigSigma1(f) &+ ((f & g) ^ (~f & h)) &+ 0x106aa070 &+ w15
        e = e &+ a
        a = a &+ bigSigma0(b) &+ ((b & c) ^ (b & d) ^ (c & d))
        w0 = w0 &+ sigma0(w1) &+ w9 &+ sigma1(w14)
        h = h &+ bigSigma1(e) &+ ((e & f) ^ (~e & g)) &+ 0x19a4c116 &+ w0
        d = d &+ h
        h = h &+ bigSigma0(a) &+ ((a & b) ^ (a & c) ^ (b & c))
        w1 = w1 &+ sigma0(w2) &+ w10 &+ sigma1(w15)
        g = g &+ bigSigma1(d) &+ ((d & e) ^ (~d & f)) &+ 0x1e376c08 &+ w1
        c = c &+ g
        g = g &+ bigSigma0(h) &+ ((h & a) ^ (h & b) ^ (a & b))
        w2 = w2 &+ sigma0(w3) &+ w11 &+ sigma1(w0)
        f = f &+ bigSigma1(c) &+ ((c & d) ^ (~c & e)) &+ 0x2748774c &+ w2
        b = b &+ f
        f = f &+ bigSigma0(g) &+ ((g & h) ^ (g & a) ^ (h & a))
        w3 = w3 &+ sigma0(w4) &+ w12 &+ sigma1(w1)
        e = e &+ bigSigma1(b) &+ ((b & c) ^ (~b & d)) &+ 0x34b0bcb5 &+ w3
        a = a &+ e
        e = e &+ bigSigma0(f) &+ ((f & g) ^ (f & h) ^ (g & h))
        w4 = w4 &+ sigma0(w5) &+ w13 &+ sigma1(w2)
        d = d &+ bigSigma1(a) &+ ((a & b) ^ (~a & c)) &+ 0x391c0cb3 &+ w4
        h = h &+ d
        d = d &+ bigSigma0(e) &+ ((e & f) ^ (e & g) ^ (f & g))
        w5 = w5 &+ sigma0(w6) &+ w14 &+ sigma1(w3)
        c = c &+ bigSigma1(h) &+ ((h & a) ^ (~h & b)) &+ 0x4ed8aa4a &+ w5
        g = g &+ c
        c = c &+ bigSigma0(d) &+ ((d & e) ^ (d & f) ^ (e & f))
        w6 = w6 &+ sigma0(w7) &+ w15 &+ sigma1(w4)
        b = b &+ bigSigma1(g) &+ ((g & h) ^ (~g & a)) &+ 0x5b9cca4f &+ w6
        f = f &+ b
        b = b &+ bigSigma0(c) &+ ((c & d) ^ (c & e) ^ (d & e))
        w7 = w7 &+ sigma0(w8) &+ w0 &+ sigma1(w5)
        a = a &+ bigSigma1(f) &+ ((f & g) ^ (~f & h)) &+ 0x682e6ff3 &+ w7
        e = e &+ a
        a = a &+ bigSigma0(b) &+ ((b & c) ^ (b & d) ^ (c & d))
        w8 = w8 &+ sigma0(w9) &+ w1 &+ sigma1(w6)
        h = h &+ bigSigma1(e) &+ ((e & f) ^ (~e & g)) &+ 0x748f82ee &+ w8
        d = d &+ h
        h = h &+ bigSigma0(a) &+ ((a & b) ^ (a & c) ^ (b & c))
        w9 = w9 &+ sigma0(w10) &+ w2 &+ sigma1(w7)
        g = g &+ bigSigma1(d) &+ ((d & e) ^ (~d & f)) &+ 0x78a5636f &+ w9
        c = c &+ g
        g = g &+ bigSigma0(h) &+ ((h & a) ^ (h & b) ^ (a & b))
        w10 = w10 &+ sigma0(w11) &+ w3 &+ sigma1(w8)
        f = f &+ bigSigma1(c) &+ ((c & d) ^ (~c & e)) &+ 0x84c87814 &+ w10
        b = b &+ f
        f = f &+ bigSigma0(g) &+ ((g & h) ^ (g & a) ^ (h & a))
        w11 = w11 &+ sigma0(w12) &+ w4 &+ sigma1(w9)
        e = e &+ bigSigma1(b) &+ ((b & c) ^ (~b & d)) &+ 0x8cc70208 &+ w11
        a = a &+ e
        e = e &+ bigSigma0(f) &+ ((f & g) ^ (f & h) ^ (g & h))
        w12 = w12 &+ sigma0(w13) &+ w5 &+ sigma1(w10)
        d = d &+ bigSigma1(a) &+ ((a & b) ^ (~a & c)) &+ 0x90befffa &+ w12
        h = h &+ d
        d = d &+ bigSigma0(e) &+ ((e & f) ^ (e & g) ^ (f & g))
        w13 = w13 &+ sigma0(w14) &+ w6 &+ sigma1(w11)
        c = c &+ bigSigma1(h) &+ ((h & a) ^ (~h & b)) &+ 0xa4506ceb &+ w13
        g = g &+ c
        c = c &+ bigSigma0(d) &+ ((d & e) ^ (d & f) ^ (e & f))
        w14 = w14 &+ sigma0(w15) &+ w7 &+ sigma1(w12)
        b = b &+ bigSigma1(g) &+ ((g & h) ^ (~g & a)) &+ 0xbef9a3f7 &+ w14
        f = f &+ b
        b = b &+ bigSigma0(c) &+ ((c & d) ^ (c & e) ^ (d & e))
        w15 = w15 &+ sigma0(w0) &+ w8 &+ sigma1(w13)
        a = a &+ bigSigma1(f) &+ ((f & g) ^ (~f & h)) &+ 0xc67178f2 &+ w15
        e = e &+ a
        a = a &+ bigSigma0(b) &+ ((b & c) ^ (b & d) ^ (c & d))
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d,
                 state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h)
    }
}

@inline(__always) private func load(_ p: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
    UInt32(bigEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
}

@inline(__always) private func sigma0(_ x: UInt32) -> UInt32 { x.rotatedRight(7) ^ x.rotatedRight(18) ^ (x >> 3) }
@inline(__always) private func sigma1(_ x: UInt32) -> UInt32 { x.rotatedRight(17) ^ x.rotatedRight(19) ^ (x >> 10) }
@inline(__always) private func bigSigma0(_ x: UInt32) -> UInt32 { x.rotatedRight(2) ^ x.rotatedRight(13) ^ x.rotatedRight(22) }
@inline(__always) private func bigSigma1(_ x: UInt32) -> UInt32 { x.rotatedRight(6) ^ x.rotatedRight(11) ^ x.rotatedRight(25) }

extension UInt32 {
    @inline(__always) fileprivate func rotatedRight(_ n: UInt32) -> UInt32 { (self >> n) | (self << (32 - n)) }
}
