extension SQLiteBank {
    // Synchronous forms of `InstanceBank`'s write helpers, for callers that hold the SQLite bank
    // itself (command-line tools, tests) and already run off the cooperative pool.

    /// Adds categories in one transaction.
    public func upsertCategories(_ categories: [BankCategory]) throws(BankError) {
        try writeMapped { (writer: any BankWriter) throws(BankError) in try writer.upsertCategories(categories) }
    }

    /// Finds or creates a user category in one transaction.
    public func userCategory(named name: String) throws(BankError) -> BankCategory {
        try writeMapped { (writer: any BankWriter) throws(BankError) in try writer.userCategory(named: name) }
    }

    /// Records one source in its own transaction.
    public func addSource(_ source: NewSource) throws(BankError) -> Insertion {
        try writeMapped { (writer: any BankWriter) throws(BankError) in try writer.addSource(source) }
    }

    /// Records a batch of instances in one transaction (all or none).
    public func addInstances(_ instances: [NewInstance]) throws(BankError) -> [Insertion] {
        try writeMapped { (writer: any BankWriter) throws(BankError) in try instances.map { (i) throws(BankError) in try writer.addInstance(i) } }
    }

    /// Sets the status of the selected instances in one transaction.
    public func setStatus(
        _ status: InstanceStatus, reason: String? = nil, decidedBy: Decider?, for selection: InstanceSelection
    ) throws(BankError) -> Int {
        try writeMapped { (writer: any BankWriter) throws(BankError) in
            try writer.setStatus(status, reason: reason, decidedBy: decidedBy, for: selection)
        }
    }

    /// Deletes the selected instances (and orphaned blobs) in one transaction.
    public func deleteInstances(_ selection: InstanceSelection) throws(BankError) -> DeletionSummary {
        try writeMapped { (writer: any BankWriter) throws(BankError) in try writer.deleteInstances(selection) }
    }

    /// A sampler over every category with accepted instances.
    public func makeSampler(_ mode: SamplingMode) throws(BankError) -> InstanceSampler {
        try makeSampler(mode, categories: nil)
    }

    private func writeMapped<T>(_ body: (any BankWriter) throws(BankError) -> T) throws(BankError) -> T {
        do {
            return try write { (writer: any BankWriter) throws -> T in try body(writer) }
        } catch {
            throw BankErrorMapping.map(error)
        }
    }
}
