import Foundation

/// Argument checks and encodings every queue driver shares, so both refuse the same input with the
/// same error.
public enum WorkQueueRules {
    /// Longest item id, job id, stage or worker id accepted.
    public static let maxNameLength = 200
    /// Largest payload accepted (items carry parameters, not data).
    public static let maxPayloadBytes = 1 << 20
    /// Most items one claim may take.
    public static let maxClaim = 1000

    /// Refuses an item with an empty or overlong name, a payload over 1 MiB, or no attempts.
    public static func check(_ item: NewWorkItem) throws(WorkQueueError) {
        try name(item.id, "item id")
        try name(item.jobId, "job id")
        try name(item.stage, "stage")
        guard item.payload.count <= maxPayloadBytes else {
            throw .invalidArgument("item \(item.id): payload of \(item.payload.count) bytes is over \(maxPayloadBytes)")
        }
        guard (1...100).contains(item.maxAttempts) else {
            throw .invalidArgument("item \(item.id): maxAttempts must be in 1…100, got \(item.maxAttempts)")
        }
    }

    /// Refuses a claim with no stages, a bad worker id, a limit outside 1…1000 or a bad lease.
    public static func checkClaim(stages: [String], worker: String, limit: Int, lease: Duration) throws(WorkQueueError) {
        guard !stages.isEmpty else { throw .invalidArgument("a claim needs at least one stage") }
        for stage in stages { try name(stage, "stage") }
        try name(worker, "worker id")
        guard (1...maxClaim).contains(limit) else { throw .invalidArgument("claim limit must be in 1…\(maxClaim), got \(limit)") }
        try checkLease(lease)
    }

    /// Refuses a lease under 100 ms or over a day.
    public static func checkLease(_ lease: Duration) throws(WorkQueueError) {
        guard lease >= .milliseconds(100), lease <= .seconds(86_400) else {
            throw .invalidArgument("a lease must be between 100 ms and 24 h, got \(lease)")
        }
    }

    static func name(_ value: String, _ what: String) throws(WorkQueueError) {
        guard !value.isEmpty, value.utf8.count <= maxNameLength else {
            throw .invalidArgument("\(what) must have 1…\(maxNameLength) bytes, got \(value.utf8.count)")
        }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalidArgument("\(what) contains a control character")
        }
    }

    /// A worker report as stored (JSON, ISO 8601 times).
    public static func encode(_ report: WorkerReport) throws(WorkQueueError) -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        do {
            return try encoder.encode(report)
        } catch {
            throw .invalidArgument("cannot encode the worker report: \(error)")
        }
    }

    /// A stored worker report.
    public static func decodeWorker(_ data: Data) throws -> WorkerReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(WorkerReport.self, from: data)
    }
}
