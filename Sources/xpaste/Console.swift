import ArgumentParser
import Foundation
import Synchronization

/// Exit statuses, the same class of failure giving the same status in every command (sysexits(3)
/// numbering, which ArgumentParser already uses for usage errors).
enum ExitStatus {
    /// Bad command line: an unknown option, or an option value out of range (`*.invalid_parameter`,
    /// `*.invalid_argument`).
    static let usage: Int32 = 64
    /// Bad input data: a malformed annotation file, a file that is not a bank, a corrupt blob, a
    /// bank that failed verification.
    static let badInput: Int32 = 65
    /// Internal error: a bug or an unexpected database failure.
    static let internalError: Int32 = 70
    /// I/O: a file that cannot be opened, read or written (a full disk, a closed or full output
    /// stream, a missing bank, a bank busy past the timeout).
    static let io: Int32 = 74

    private static let usageCodes: Set<String> = [
        "compositor.invalid_parameter", "bank.invalid_argument", "bank.invalid_cursor", "bank.invalid_category",
        "stage.invalid_argument", "cli.usage", "queue.invalid_argument", "postgres.invalid_url",
    ]
    private static let ioCodes: Set<String> = ["bank.busy", "bank.not_found", "bank.unavailable", "queue.unavailable"]
    private static let internalCodes: Set<String> = ["bank.database", "compositor.invalid_output", "cli.internal", "queue.database"]

    /// The exit status for a typed error's stable code.
    static func forCode(_ code: String) -> Int32 {
        if usageCodes.contains(code) { return usage }
        if ioCodes.contains(code) || code.hasSuffix(".io") { return io }
        if internalCodes.contains(code) { return internalError }
        return badInput
    }
}

/// A failure of the command line itself (not of a library), with a stable code.
enum CLIError: Error, CustomStringConvertible {
    /// Writing to standard output (or an output file) failed.
    case io(String)

    /// Stable machine-readable code.
    var code: String {
        switch self {
        case .io: "cli.io"
        }
    }

    /// Human-readable explanation.
    var description: String {
        switch self {
        case .io(let m): "output failed: \(m)"
        }
    }
}

/// The command line's `print`: shadows `Swift.print` in this module so every line goes through
/// `Console`, whose writes are checked (stdio's `print` loses a failed write silently).
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    Console.buffer(items.map { "\($0)" }.joined(separator: separator) + terminator)
}

/// Checked writes to the standard streams. `FileHandle.write(_:)` traps on a failed write (a full
/// disk, `> /dev/full`, a closed pipe) and stdio loses one silently; here every write is checked.
/// Standard output is buffered (64 KiB, or per line on a terminal) and flushed by
/// `XPasteCommand.main` before exiting, which exits with `ExitStatus.io` if any write failed.
enum Console {
    private struct State {
        var pending: [UInt8] = []
        var stdoutFailure: String?
        var stderrFailed = false
    }

    private static let state = Mutex(State())
    private static let lineBuffered = isatty(STDOUT_FILENO) != 0

    /// Appends `text` to standard output's buffer, writing it out when full (or at a newline on a
    /// terminal). A failure is remembered and reported by `finish()`.
    static func buffer(_ text: String) {
        state.withLock { s in
            s.pending.append(contentsOf: text.utf8)
            if s.pending.count >= 1 << 16 || (lineBuffered && text.contains("\n")) { flush(&s) }
        }
    }

    /// Writes `data` to standard output now (after what `print` buffered, keeping the order).
    static func out(_ data: Data) throws(CLIError) {
        let failure = state.withLock { s -> String? in
            s.pending.append(contentsOf: data)
            flush(&s)
            return s.stdoutFailure
        }
        if let failure { throw .io("standard output: \(failure)") }
    }

    /// Writes `text` to standard output now.
    static func out(_ text: String) throws(CLIError) { try out(Data(text.utf8)) }

    /// Writes `text` to standard error. A failure cannot be reported there, so it is remembered and
    /// the process exits with `ExitStatus.io` instead of 0.
    static func err(_ text: String) {
        if writeAll(STDERR_FILENO, Array(text.utf8)) != nil { state.withLock { $0.stderrFailed = true } }
    }

    /// Reports a typed failure as `xpaste: error [code]: message` and returns its exit code.
    static func fail(code: String, _ message: String) -> ExitCode {
        err("xpaste: error [\(code)]: \(message)\n")
        return ExitCode(ExitStatus.forCode(code))
    }

    /// Writes out what is buffered; nil when that and every earlier write succeeded, else the message.
    static func finish() -> String? {
        state.withLock { s in
            flush(&s)
            if let failure = s.stdoutFailure { return "standard output: \(failure)" }
            return s.stderrFailed ? "standard error: a write failed" : nil
        }
    }

    private static func flush(_ s: inout State) {
        guard !s.pending.isEmpty else { return }
        if s.stdoutFailure == nil, let failure = writeAll(STDOUT_FILENO, s.pending) { s.stdoutFailure = failure }
        s.pending.removeAll(keepingCapacity: true)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBytes { raw -> String? in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += n
            }
            return nil
        }
    }
}
