/// Sums doubles the way NumPy's `np.add.reduce` does for a contiguous float64 array (pairwise
/// summation with an 8-way unrolled base case of up to 128 elements), so means and standard
/// deviations match `np.mean`/`np.std` to the last bit or very nearly.
enum PairwiseSum {
    static func sum(_ values: UnsafeBufferPointer<Double>) -> Double {
        0.0 + pairwise(values.baseAddress!, values.count)
    }

    static func sum(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        return values.withUnsafeBufferPointer { sum($0) }
    }

    private static func pairwise(_ a: UnsafePointer<Double>, _ n: Int) -> Double {
        if n < 8 {
            var res = 0.0
            for i in 0..<n { res += a[i] }
            return res
        }
        if n <= 128 {
            var r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7]
            var i = 8
            while i < n - n % 8 {
                r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3]
                r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7]
                i += 8
            }
            var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n {
                res += a[i]
                i += 1
            }
            return res
        }
        var n2 = n / 2
        n2 -= n2 % 8
        return pairwise(a, n2) + pairwise(a + n2, n - n2)
    }
}
