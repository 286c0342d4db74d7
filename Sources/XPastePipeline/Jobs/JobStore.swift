import Foundation
import XPasteBank

/// Jobs as typed records over a `JobLedger` (SQLite or PostgreSQL): the runner and
/// the API read and write jobs only through this type.
public struct JobStore: Sendable {
    /// The durable storage.
    public let ledger: any JobLedger
    /// Signals waiters when a job changes.
    public let notifier: JobNotifier

    /// A store over a ledger.
    public init(ledger: any JobLedger, notifier: JobNotifier = JobNotifier()) {
        self.ledger = ledger
        self.notifier = notifier
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    /// Records a new job with a `state` event, or returns the job already submitted with the same
    /// idempotency key (`created == false`).
    public func submit(_ job: JobRecord) async throws(PipelineError) -> (job: JobRecord, created: Bool) {
        let document = try encode(job), event = try encode(Self.stateEvent(job))
        let (stored, inserted) = try await store { () async throws(BankError) in
            try await ledger.insert(
                LedgerJob(
                    id: job.id, idempotencyKey: job.idempotencyKey, state: job.state.rawValue, createdAt: job.createdAt,
                    updatedAt: job.updatedAt, document: document),
                event: ("state", event))
        }
        if inserted { notifier.signal(job.id) }
        return (try decode(stored.document), inserted)
    }

    /// Saves a job's document with an event of `kind` carrying `data`.
    public func save(_ job: JobRecord, event kind: String, data: PipelineValue) async throws(PipelineError) {
        var job = job
        job.updatedAt = Date()
        let document = try encode(job)
        let payload = data.jsonData()
        try await store { () async throws(BankError) in
            try await ledger.update(id: job.id, state: job.state.rawValue, document: document, event: (kind, payload))
        }
        notifier.signal(job.id)
    }

    /// Saves a job after a state change, with a `state` event.
    public func saveState(_ job: JobRecord) async throws(PipelineError) {
        try await save(job, event: "state", data: (try? PipelineValue.json(encode(Self.stateEvent(job)))) ?? .null)
    }

    /// The job with this id.
    public func job(_ id: String) async throws(PipelineError) -> JobRecord? {
        guard let row = try await store({ () async throws(BankError) in try await ledger.job(id: id) }) else { return nil }
        return try decode(row.document)
    }

    /// The job submitted with this idempotency key.
    public func job(idempotencyKey key: String) async throws(PipelineError) -> JobRecord? {
        guard let row = try await store({ () async throws(BankError) in try await ledger.job(idempotencyKey: key) }) else { return nil }
        return try decode(row.document)
    }

    /// Jobs newest first.
    public func jobs(states: [JobState]? = nil, beforeId: String? = nil, limit: Int) async throws(PipelineError) -> [JobRecord] {
        let rows = try await store { () async throws(BankError) in
            try await ledger.jobs(states: states?.map(\.rawValue), beforeId: beforeId, limit: limit)
        }
        var out: [JobRecord] = []
        for row in rows { out.append(try decode(row.document)) }
        return out
    }

    /// A job's events after `sequence`.
    public func events(of id: String, after sequence: Int64, limit: Int = 500) async throws(PipelineError) -> [JobEvent] {
        try await store { () async throws(BankError) in try await ledger.events(jobId: id, after: sequence, limit: limit) }.map { e in
            JobEvent(
                sequence: e.sequence, kind: e.kind, data: (try? PipelineValue.json(e.data)) ?? .null, createdAt: e.createdAt)
        }
    }

    struct StateEvent: Codable {
        var state: JobState
        var error: JobRecord.JobFailure?
        var attempt: Int
    }

    static func stateEvent(_ job: JobRecord) -> StateEvent {
        StateEvent(state: job.state, error: job.error, attempt: job.attempt)
    }

    private func encode<T: Encodable>(_ value: T) throws(PipelineError) -> Data {
        do {
            return try Self.encoder.encode(value)
        } catch {
            throw .store(.invalidArgument("cannot encode a job document: \(error)"))
        }
    }

    private func decode(_ data: Data) throws(PipelineError) -> JobRecord {
        do {
            return try Self.decoder.decode(JobRecord.self, from: data)
        } catch {
            throw .store(.corrupt("a job document does not decode: \(error)"))
        }
    }

    @discardableResult
    private func store<T>(_ body: () async throws(BankError) -> T) async throws(PipelineError) -> T {
        do {
            return try await body()
        } catch {
            throw .store(error)
        }
    }
}
