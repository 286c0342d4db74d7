/// Validation of numeric options before they reach a `ClosedRange` or a computation: a `ClosedRange`
/// traps on an inverted or NaN bound, and a non-finite value silently poisons sums and JSON output.
public enum OptionRange {
    /// Throws `BankError.invalidArgument` naming `option` unless `value` is finite.
    public static func finite(_ value: Double?, option: String) throws(BankError) {
        if let value, !value.isFinite {
            throw .invalidArgument("\(option) must be a finite number, got \(value)")
        }
    }

    /// The inclusive range from optional bounds (nil when both are nil), the missing bound taken
    /// from `lower`/`upper`. Throws `BankError.invalidArgument` naming the option at fault for a
    /// non-finite bound or for `min > max`.
    public static func make(
        min: Double?, max: Double?, minOption: String, maxOption: String, lower: Double, upper: Double
    ) throws(BankError) -> ClosedRange<Double>? {
        guard min != nil || max != nil else { return nil }
        try finite(min, option: minOption)
        try finite(max, option: maxOption)
        let lo = min ?? lower, hi = max ?? upper
        guard lo <= hi else {
            if let min, let max {
                throw .invalidArgument("\(minOption) \(min) is above \(maxOption) \(max)")
            }
            throw .invalidArgument(min != nil ? "\(minOption) \(lo) is above the largest value \(hi)"
                                              : "\(maxOption) \(hi) is below the smallest value \(lo)")
        }
        return lo...hi
    }
}
