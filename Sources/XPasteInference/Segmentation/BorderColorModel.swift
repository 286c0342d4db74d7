/// The background colours of an image, estimated from the pixels of a band along its border: up
/// to `maxColors` k-means clusters in RGB, each with its spread. Clusters holding less than
/// `minShare` of the band are taken to be the object touching the border and dropped.
///
/// A pixel's distance to the background is its Euclidean RGB distance to the nearest cluster
/// centre divided by that cluster's spread (never below `noiseFloor`), so a noisy or textured
/// background needs a larger colour difference than a flat one.
struct BorderColorModel: Sendable {
    /// One background colour.
    struct Cluster: Sendable, Hashable {
        /// Mean colour.
        var center: SIMD3<Float>
        /// Root-mean-square distance of its pixels to the centre, per channel, floored.
        var spread: Float
        /// Fraction of the border band it holds.
        var share: Double
    }

    /// The background colours, largest share first.
    let clusters: [Cluster]

    /// Most border samples used; wider bands are subsampled evenly.
    static let maxSamples = 20_000
    /// Lloyd iterations after the farthest-point initialisation.
    static let iterations = 12

    /// Fits the model to the border band of a packed RGB buffer.
    init(rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int, band: Int, maxColors: Int, minShare: Double, noiseFloor: Float) {
        let samples = Self.borderSamples(rgb, width: width, height: height, band: max(1, band))
        var centers = Self.farthestPointCenters(samples, count: max(1, maxColors), minSeparation: 6 * noiseFloor)
        var assignment = [Int](repeating: 0, count: samples.count)
        for _ in 0..<Self.iterations {
            Self.assign(samples, centers, &assignment)
            var sums = [SIMD3<Float>](repeating: .zero, count: centers.count)
            var counts = [Int](repeating: 0, count: centers.count)
            for (p, k) in zip(samples, assignment) {
                sums[k] += p
                counts[k] += 1
            }
            let updated = centers.indices.compactMap { k in counts[k] > 0 ? sums[k] / Float(counts[k]) : nil }
            if updated == centers { break }
            centers = updated
        }
        Self.assign(samples, centers, &assignment)
        var counts = [Int](repeating: 0, count: centers.count)
        for k in assignment { counts[k] += 1 }
        let total = Double(max(samples.count, 1))
        // Keep the colours that hold enough of the border (always the largest one).
        let order = centers.indices.sorted { counts[$0] > counts[$1] }
        let kept = order.enumerated().filter { rank, k in rank == 0 || Double(counts[k]) / total >= minShare }.map(\.element)
        let keptCenters = kept.map { centers[$0] }
        // Spreads from the pixels nearest each kept colour, so a dropped object colour does not
        // widen the background's spread.
        Self.assign(samples, keptCenters, &assignment)
        var squares = [Float](repeating: 0, count: kept.count)
        var members = [Int](repeating: 0, count: kept.count)
        for (p, k) in zip(samples, assignment) {
            let d = p - keptCenters[k]
            squares[k] += (d * d).sum()
            members[k] += 1
        }
        self.clusters = kept.indices.map { k in
            let rms = members[k] > 0 ? (squares[k] / Float(3 * members[k])).squareRoot() : 0
            return Cluster(center: keptCenters[k], spread: max(rms, noiseFloor), share: Double(members[k]) / total)
        }
    }

    /// Distance of every pixel of a packed RGB buffer to the background, in units of spread.
    func distances(_ rgb: UnsafeBufferPointer<UInt8>, count: Int) -> [Float] {
        let centers = clusters.map(\.center), inverseSpreads = clusters.map { 1 / $0.spread }
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { dst in
            for i in 0..<count {
                let p = SIMD3<Float>(Float(rgb[i * 3]), Float(rgb[i * 3 + 1]), Float(rgb[i * 3 + 2]))
                var best = Float.greatestFiniteMagnitude
                for k in centers.indices {
                    let d = p - centers[k]
                    best = min(best, (d * d).sum().squareRoot() * inverseSpreads[k])
                }
                dst[i] = best
            }
        }
        return out
    }

    /// The band's pixels, every n-th so at most `maxSamples` remain.
    static func borderSamples(_ rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int, band: Int) -> [SIMD3<Float>] {
        let b = min(band, (min(width, height) + 1) / 2)
        let bandPixels = width * height - max(0, width - 2 * b) * max(0, height - 2 * b)
        let step = max(1, (bandPixels + maxSamples - 1) / maxSamples)
        var samples: [SIMD3<Float>] = []
        samples.reserveCapacity(bandPixels / step + 1)
        var n = 0
        for y in 0..<height {
            let inner = y >= b && y < height - b
            for x in 0..<width where !inner || x < b || x >= width - b {
                if n % step == 0 {
                    let i = (y * width + x) * 3
                    samples.append(SIMD3(Float(rgb[i]), Float(rgb[i + 1]), Float(rgb[i + 2])))
                }
                n += 1
            }
        }
        return samples
    }

    /// The per-channel median colour, then repeatedly the sample farthest from every centre so
    /// far, while it is at least `minSeparation` away (a one-colour border gets one centre).
    static func farthestPointCenters(_ samples: [SIMD3<Float>], count: Int, minSeparation: Float) -> [SIMD3<Float>] {
        guard !samples.isEmpty else { return [SIMD3(255, 255, 255)] }
        func median(_ c: Int) -> Float {
            let values = samples.map { $0[c] }.sorted()
            return values[values.count / 2]
        }
        var centers = [SIMD3(median(0), median(1), median(2))]
        var nearest = samples.map { p -> Float in
            let d = p - centers[0]
            return (d * d).sum()
        }
        while centers.count < count {
            guard let far = nearest.indices.max(by: { nearest[$0] < nearest[$1] }),
                  nearest[far].squareRoot() >= minSeparation else { break }
            let c = samples[far]
            centers.append(c)
            for i in samples.indices {
                let d = samples[i] - c
                nearest[i] = min(nearest[i], (d * d).sum())
            }
        }
        return centers
    }

    /// Index of the nearest centre of every sample.
    static func assign(_ samples: [SIMD3<Float>], _ centers: [SIMD3<Float>], _ out: inout [Int]) {
        for (i, p) in samples.enumerated() {
            var best = 0, bestDistance = Float.greatestFiniteMagnitude
            for (k, c) in centers.enumerated() {
                let d = p - c
                let squared = (d * d).sum()
                if squared < bestDistance {
                    bestDistance = squared
                    best = k
                }
            }
            out[i] = best
        }
    }
}
