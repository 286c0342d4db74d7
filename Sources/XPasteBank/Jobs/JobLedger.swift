import Foundation

/// Durable storage for jobs and their event histories. The pipeline layer owns what a job means;
/// the ledger stores its document, answers the queries the runner and the API need, and makes a
/// state change and its event one atomic write, so a crash never leaves a job whose history
/// disagrees with its state. SQLite (`SQLiteJobLedger`) is the embedded implementation; a server
/// database driver implements the same protocol.
public protocol JobLedger: Sendable {
    /// Records a new job with its first event, unless a job with the same idempotency key exists:
    /// then nothing is written and that job is returned with `inserted == false`.
    func insert(_ job: LedgerJob, event: (kind: String, data: Data)?) async throws(BankError) -> (job: LedgerJob, inserted: Bool)

    /// Replaces a job's state and document (and stamps `updatedAt`), appending `event` in the same
    /// transaction; returns the event's sequence number (nil without an event).
    @discardableResult
    func update(id: String, state: String, document: Data, event: (kind: String, data: Data)?) async throws(BankError) -> Int64?

    /// Appends an event to a job's history; returns its sequence number.
    @discardableResult
    func appendEvent(jobId: String, kind: String, data: Data) async throws(BankError) -> Int64

    /// The job with this id.
    func job(id: String) async throws(BankError) -> LedgerJob?

    /// The job submitted with this idempotency key.
    func job(idempotencyKey: String) async throws(BankError) -> LedgerJob?

    /// Jobs newest first, at most `limit` (≤ 1000), older than the job `beforeId` when given,
    /// optionally only those in `states`.
    func jobs(states: [String]?, beforeId: String?, limit: Int) async throws(BankError) -> [LedgerJob]

    /// A job's events with a sequence number above `after`, oldest first, at most `limit`.
    func events(jobId: String, after: Int64, limit: Int) async throws(BankError) -> [LedgerEvent]

    /// Copies the write-ahead log into the main file (a periodic service calls this so the log
    /// never grows without bound under steady writes).
    func checkpoint() async throws(BankError)
}
