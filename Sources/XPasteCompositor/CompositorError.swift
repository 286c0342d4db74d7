import XPasteImage
import XPasteLVIS
import XPasteBank

/// Every failure the compositor reports.
///
/// Each case has a stable `code` that the CLI and the HTTP layer show; messages may change,
/// codes may not.
public enum CompositorError: Error, Sendable, CustomStringConvertible {
    /// A parameter is out of range or inconsistent.
    case invalidParameter(String)
    /// No bank instance passes the filters (or none maps to an output category).
    case emptyPool(String)
    /// No background image was found, or a background input is unusable.
    case invalidBackground(String)
    /// A cutout could not be used (unreadable, or nothing left after its clean-up); pastes of it
    /// are skipped and counted.
    case invalidCutout(id: Int64, String)
    /// A size-prior file could not be read or has the wrong shape.
    case invalidSizePrior(String)
    /// An image could not be decoded, processed or encoded; `context` names which one.
    case image(context: String, ImageError)
    /// Reading, writing or validating the annotation file failed.
    case lvis(LVISError)
    /// The instance bank failed.
    case bank(BankError)
    /// A file or folder could not be read or written.
    case io(String)
    /// The emitted dataset violates the LVIS/COCO rules (a bug: reported rather than written).
    case invalidOutput(String)
    /// One background cannot be used (see `SkipReason`): the run skips its image and counts it.
    case backgroundSkipped(SkipReason, String)
    /// More inputs were skipped than the run allows (`maxSkipped`); counts by reason code.
    case tooManySkipped(limit: Int, counts: [String: Int])
    /// `resume` found an interrupted run made with other inputs or parameters, or none to resume.
    case cannotResume(String)
    /// The caller asked the run to stop (a cancel, a shutdown); what was written so far stays in
    /// the staging folder, and a run with `resume` continues from it.
    case stopped

    /// Stable machine-readable code.
    public var code: String {
        switch self {
        case .invalidParameter: "compositor.invalid_parameter"
        case .emptyPool: "compositor.empty_pool"
        case .invalidBackground: "compositor.invalid_background"
        case .invalidCutout: "compositor.invalid_cutout"
        case .invalidSizePrior: "compositor.invalid_size_prior"
        case .image: "compositor.image"
        case .lvis: "compositor.lvis"
        case .bank: "compositor.bank"
        case .io: "compositor.io"
        case .invalidOutput: "compositor.invalid_output"
        case .backgroundSkipped: "compositor.background_skipped"
        case .tooManySkipped: "compositor.too_many_skipped"
        case .cannotResume: "compositor.cannot_resume"
        case .stopped: "compositor.stopped"
        }
    }

    /// Human-readable explanation.
    public var description: String {
        switch self {
        case .invalidParameter(let m): "invalid compositor parameter: \(m)"
        case .emptyPool(let m): "no instances to paste: \(m)"
        case .invalidBackground(let m): "unusable background: \(m)"
        case .invalidCutout(let id, let m): "unusable cutout \(id): \(m)"
        case .invalidSizePrior(let m): "unusable size prior: \(m)"
        case .image(let context, let e): "\(context): \(e)"
        case .lvis(let e): e.description
        case .bank(let e): e.description
        case .io(let m): "I/O failed: \(m)"
        case .invalidOutput(let m): "emitted dataset is invalid: \(m)"
        case .backgroundSkipped(let reason, let m): "background skipped (\(reason.rawValue)): \(m)"
        case .tooManySkipped(let limit, let counts):
            "\(counts.values.reduce(0, +)) inputs skipped, more than --max-skipped \(limit) allows (" +
                counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"
        case .cannotResume(let m): "cannot resume: \(m)"
        case .stopped: "the run was stopped before it finished; run it again with resume to continue"
        }
    }
}
