import Foundation

/// Times a piece of work the same way the Python references in `reference/` do (median of
/// repeated runs after a warm-up), and prints one JSON line per measurement so the
/// `scripts/bench-*` drivers can put Swift and reference figures side by side.
enum BenchClock {
    /// Runs `body` `warmup` times untimed, then `repeats` times, and returns the median seconds.
    static func median(warmup: Int = 1, repeats: Int = 5, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmup { try body() }
        var samples: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    /// Prints `{"bench": name, "impl": "swift", "items_per_s": …, "seconds": …, "items": …}`.
    static func report(_ name: String, items: Int, seconds: Double) {
        let rate = Double(items) / seconds
        print(#"{"bench": "\#(name)", "impl": "xpaste", "items": \#(items), "seconds": \#(seconds), "items_per_s": \#(rate)}"#)
    }
}
