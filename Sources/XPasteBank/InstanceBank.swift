import Foundation
import Logging

/// The instance bank: categories, sources, cutouts and their decisions. SQLite (`SQLiteBank`) is
/// the embedded implementation, PostgreSQL (`PostgresBank` in XPastePostgres) the shared one for
/// many hosts; both pass one conformance suite.
///
/// Reads are async so that a network database never blocks a thread of the cooperative pool while
/// it waits; the SQLite driver answers them synchronously from its file.
public protocol InstanceBank: Sendable {
    /// Where the bank logs.
    var logger: Logger { get }

    /// Runs `body` in one write transaction: all its writes commit together, or none do if it throws.
    ///
    /// `body` runs on a thread of its own, never on the cooperative pool: the writer is synchronous
    /// (a transaction is a sequence of dependent steps — a source's id feeds its instances — that
    /// reads best as straight-line code), and a network driver blocks that thread on each round trip.
    func write<T: Sendable>(_ body: @escaping @Sendable (any BankWriter) throws -> T) async throws -> T

    /// Every category, by id.
    func categories() async throws(BankError) -> [BankCategory]
    /// The category with this id.
    func category(id: Int64) async throws(BankError) -> BankCategory?
    /// The category with this name, its normalised form (`"Aerosol can"` → `aerosol_can`), or a
    /// synonym.
    func category(named name: String) async throws(BankError) -> BankCategory?

    /// The source with this id.
    func source(id: Int64) async throws(BankError) -> BankSource?
    /// The kept bytes of a source image; nil when the bank recorded only its hash. A kept file that
    /// is missing or altered throws `BankError.missingSourceFile`.
    func sourceImage(id: Int64) async throws(BankError) -> Data?
    /// Sources with an id above `afterId`, in id order, at most `limit` (≤ 1000) of them, optionally
    /// only those with `status`, of `kinds`, gathered for `categoryIds`: how a stage pages through
    /// its work.
    func sources(
        status: SourceStatus?, kinds: [SourceKind]?, categoryIds: [Int64]?, afterId: Int64, limit: Int
    ) async throws(BankError) -> [BankSource]

    /// The instance with this id (metadata only).
    func instance(id: Int64) async throws(BankError) -> BankInstance?
    /// One page of instances matching a filter, in a total order, resumable by cursor.
    func browse(_ query: InstanceQuery) async throws(BankError) -> InstancePage
    /// How many instances match.
    func count(_ filter: InstanceFilter) async throws(BankError) -> Int
    /// Instance counts by status for every category that has instances.
    func categoryCounts() async throws(BankError) -> [CategoryCounts]
    /// Bank-wide totals.
    func stats() async throws(BankError) -> BankStats
    /// Per category, the CLIP scores of the instances `filter` matches in `bins` equal bins over
    /// `range` (categories with no matching instance are left out).
    func scoreHistograms(_ filter: InstanceFilter, bins: Int, range: ClosedRange<Double>) async throws(BankError) -> [ScoreHistogram]

    /// The cutout PNG of an instance.
    func cutout(of instanceId: Int64) async throws(BankError) -> InstanceCutout
    /// The cutout PNGs of several instances, in the order asked, read in one transaction.
    func cutouts(of instanceIds: [Int64]) async throws(BankError) -> [InstanceCutout]
    /// Blob bytes by content address (cutouts, thumbnails, kept sources).
    func blob(_ sha256: SHA256Digest) async throws(BankError) -> Data?

    /// A snapshot of the accepted instances for drawing samples without touching the bank again.
    /// `categories` restricts the draw to those categories (X-Paste's `cats_random`).
    func makeSampler(_ mode: SamplingMode, categories: Set<Int64>?) async throws(BankError) -> InstanceSampler

    /// Checks the file and every reference: SQLite's integrity check, foreign keys, kept source files;
    /// with `full`, also re-hashes every blob and recounts the per-category counters.
    func verify(full: Bool) async throws(BankError) -> BankVerification
}

extension InstanceBank {
    /// Adds categories in one transaction.
    public func upsertCategories(_ categories: [BankCategory]) async throws(BankError) {
        try await mapped { (writer: any BankWriter) throws(BankError) in try writer.upsertCategories(categories) }
    }

    /// Finds or creates a user category in one transaction.
    public func userCategory(named name: String) async throws(BankError) -> BankCategory {
        try await mapped { (writer: any BankWriter) throws(BankError) in try writer.userCategory(named: name) }
    }

    /// Records one source in its own transaction.
    public func addSource(_ source: NewSource) async throws(BankError) -> Insertion {
        try await mapped { (writer: any BankWriter) throws(BankError) in try writer.addSource(source) }
    }

    /// Records a batch of instances in one transaction (all or none).
    public func addInstances(_ instances: [NewInstance]) async throws(BankError) -> [Insertion] {
        try await mapped { (writer: any BankWriter) throws(BankError) in
            var out: [Insertion] = []
            out.reserveCapacity(instances.count)
            for instance in instances { out.append(try writer.addInstance(instance)) }
            return out
        }
    }

    /// Sets the status of the selected instances in one transaction.
    public func setStatus(
        _ status: InstanceStatus, reason: String? = nil, decidedBy: Decider?, for selection: InstanceSelection
    ) async throws(BankError) -> Int {
        try await mapped { (writer: any BankWriter) throws(BankError) in try writer.setStatus(status, reason: reason, decidedBy: decidedBy, for: selection) }
    }

    /// Deletes the selected instances (and orphaned blobs) in one transaction.
    public func deleteInstances(_ selection: InstanceSelection) async throws(BankError) -> DeletionSummary {
        try await mapped { (writer: any BankWriter) throws(BankError) in try writer.deleteInstances(selection) }
    }

    /// A sampler over every category with accepted instances.
    public func makeSampler(_ mode: SamplingMode) async throws(BankError) -> InstanceSampler {
        try await makeSampler(mode, categories: nil)
    }

    private func mapped<T: Sendable>(_ body: @escaping @Sendable (any BankWriter) throws(BankError) -> T) async throws(BankError) -> T {
        do {
            return try await write { writer in try body(writer) }
        } catch {
            throw BankErrorMapping.map(error)
        }
    }
}
