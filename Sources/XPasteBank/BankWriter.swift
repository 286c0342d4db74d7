/// Writes inside one bank transaction: everything done through one writer commits together or not
/// at all. Obtain one from `InstanceBank.write(_:)`; it must not be kept after that call returns.
public protocol BankWriter {
    /// Adds or updates categories by id (LVIS metadata, or user categories being restored).
    func upsertCategories(_ categories: [BankCategory]) throws(BankError)

    /// The category with this name (or normalised name, or synonym); when there is none, a new user
    /// category with the next free id at or above `BankCategory.userIdBase`.
    func userCategory(named name: String) throws(BankError) -> BankCategory

    /// Files everything under category `from` under `target` instead (created or updated with the
    /// given metadata) and removes `from`: how a category made before the LVIS vocabulary was
    /// loaded is linked to its LVIS category. An instance whose cutout `target` already holds is
    /// deleted as the duplicate it is. Returns the number of instances moved.
    func moveCategory(_ from: Int64, to target: BankCategory) throws(BankError) -> Int

    /// Records a source image. Sources are deduplicated by the hash of their bytes: a second source
    /// with the same hash returns the first one's id with `inserted == false`.
    func addSource(_ source: NewSource) throws(BankError) -> Insertion

    /// Updates a source's pipeline status, error and whole-image CLIP score.
    func updateSource(id: Int64, status: SourceStatus, error: String?, clipScore: Double?) throws(BankError)

    /// Records a cutout with its blobs. The same cutout bytes in the same category are one
    /// instance: a repeat returns the existing id with `inserted == false`. Blobs are stored once
    /// however many instances share them.
    func addInstance(_ instance: NewInstance) throws(BankError) -> Insertion

    /// Sets (or clears) the CLIP score of an instance, as the filter does before deciding on it.
    func setClipScore(_ score: Double?, forInstance id: Int64) throws(BankError)

    /// Sets the status of the selected instances; returns how many rows changed.
    func setStatus(
        _ status: InstanceStatus, reason: String?, decidedBy: Decider?, for selection: InstanceSelection
    ) throws(BankError) -> Int

    /// Deletes the selected instances and every blob no remaining instance or source refers to.
    func deleteInstances(_ selection: InstanceSelection) throws(BankError) -> DeletionSummary
}
