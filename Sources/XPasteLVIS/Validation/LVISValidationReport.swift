/// The outcome of validating an LVIS/COCO file or dataset.
public struct LVISValidationReport: Sendable, Hashable {
    /// Violations in the order found, up to the validator's `maxReportedViolations`.
    public var violations: [LVISViolation] = []
    /// How many violations of each rule were found, including those not listed.
    public var countsByCode: [LVISViolation.Code: Int] = [:]
    /// Total errors found.
    public var errorCount = 0
    /// Total warnings found.
    public var warningCount = 0
    /// Elements checked.
    public var imageCount = 0
    /// Annotations checked.
    public var annotationCount = 0
    /// Categories checked.
    public var categoryCount = 0

    /// An empty report.
    public init() {}

    /// No errors (warnings allowed).
    public var isValid: Bool { errorCount == 0 }

    /// Some violations were counted but not listed.
    public var isTruncated: Bool { violations.count < errorCount + warningCount }

    /// The listed violations that are errors.
    public var errors: [LVISViolation] { violations.filter { $0.severity == .error } }

    /// Listed violations with `code`.
    public func violations(_ code: LVISViolation.Code) -> [LVISViolation] {
        violations.filter { $0.code == code }
    }
}
