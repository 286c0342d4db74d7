/// Overflow-checked size arithmetic for the throwing entry points, so that hostile dimensions
/// (a JSON `width` of 10¹⁸, a pad margin of `Int.max`) become a typed error instead of the trap
/// that Swift's checked `*` and `+` raise.
enum PlaneSize {
    /// `factors` multiplied together; `.tooLarge` naming `what` when the product overflows `Int`.
    static func product(_ factors: Int..., what: @autoclosure () -> String) throws(ImageError) -> Int {
        var result = 1
        for f in factors {
            let (p, overflow) = result.multipliedReportingOverflow(by: f)
            guard !overflow else { throw .tooLarge("\(what()) overflows the address space") }
            result = p
        }
        return result
    }

    /// `terms` added together; `.tooLarge` naming `what` when the sum overflows `Int`.
    static func sum(_ terms: Int..., what: @autoclosure () -> String) throws(ImageError) -> Int {
        var result = 0
        for t in terms {
            let (s, overflow) = result.addingReportingOverflow(t)
            guard !overflow else { throw .tooLarge("\(what()) overflows the address space") }
            result = s
        }
        return result
    }

    /// Throws unless a `width × height` mask is non-negative, its area fits `Int`, and
    /// `valueCount` is that area.
    static func checkMask(width: Int, height: Int, valueCount: Int) throws(ImageError) {
        guard width >= 0, height >= 0 else {
            throw .invalidGeometry("mask size \(width)×\(height) is negative")
        }
        let count = try product(width, height, what: "a \(width)×\(height) mask")
        guard valueCount == count else {
            throw .invalidGeometry("mask \(width)×\(height) needs \(count) values, got \(valueCount)")
        }
    }
}
