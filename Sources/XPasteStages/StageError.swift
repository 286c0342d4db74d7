import XPasteBank
import XPasteInference

/// Failures of the bank-facing stages (extract, filter). Per-item problems (a corrupt source
/// image, an unreadable cutout) are recorded on the item and never end a stage; these errors are
/// the ones that do.
///
/// Each case has a stable `code`: the wrapped error's own code for bank and inference failures.
public enum StageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bank failed (opening, reading, writing).
    case bank(BankError)
    /// A model or the runtime failed, or a model is missing (`inference.model_not_found`, whose
    /// message names the `xpaste models pull` to run).
    case inference(InferenceError)
    /// A stage option is out of range or names something that does not exist.
    case invalidArgument(String)
    /// The caller asked the stage to stop at a batch boundary (a cancel, a shutdown); every batch
    /// before it has committed.
    case stopped

    /// Stable machine-readable code.
    public var code: String {
        switch self {
        case .bank(let e): e.code
        case .inference(let e): e.code
        case .invalidArgument: "stage.invalid_argument"
        case .stopped: "stage.stopped"
        }
    }

    /// Human-readable explanation.
    public var description: String {
        switch self {
        case .bank(let e): e.description
        case .inference(let e): e.description
        case .invalidArgument(let m): "invalid stage argument: \(m)"
        case .stopped: "the stage was stopped at a batch boundary"
        }
    }
}

/// Runs bank calls with their errors as `StageError`.
func banked<T>(_ body: () async throws(BankError) -> T) async throws(StageError) -> T {
    do {
        return try await body()
    } catch {
        throw .bank(error)
    }
}

/// Runs `body` in one bank write transaction, with its errors as `StageError`.
func bankWrite<T: Sendable>(
    _ bank: any InstanceBank, _ body: @escaping @Sendable (any BankWriter) throws -> T
) async throws(StageError) -> T {
    do {
        return try await bank.write(body)
    } catch let error as BankError {
        throw .bank(error)
    } catch {
        throw .bank(.database("\(error)"))
    }
}
