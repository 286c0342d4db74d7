/// A location inside a JSON document, written the way people search for it: `$.images[3].id`.
struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// One step from a container to a member.
    enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    /// Steps from the root.
    var components: [Component] = []

    static let root = JSONPath()

    var description: String {
        var s = "$"
        for c in components {
            switch c {
            case .index(let i):
                s += "[\(i)]"
            case .key(let k):
                // Identifier-like keys in dot form; anything else (spaces, digits first) bracketed.
                let plain = k.utf8.first.map { !($0 >= 0x30 && $0 <= 0x39) } ?? false && k.utf8.allSatisfy {
                    ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F
                }
                if plain {
                    s += "." + k
                } else {
                    var out = JSONOutput()
                    out.string(k)
                    s += "[" + String(decoding: out.bytes, as: UTF8.self) + "]"
                }
            }
        }
        return s
    }
}

/// A decoding failure on its way up from the value that failed to the document root; each
/// container it passes adds its step, so the final error names the full path.
struct JSONDecodeFailure: Error {
    /// Steps collected so far, innermost first.
    var reversedComponents: [JSONPath.Component]
    let offset: Int64
    let message: String

    init(_ syntax: JSONSyntaxError) {
        reversedComponents = []
        offset = syntax.offset
        message = syntax.message
    }

    /// `error` as a decode failure: itself, a scanner error, or (for anything else) its text.
    init(wrapping error: any Error, offset: Int64) {
        if let f = error as? JSONDecodeFailure {
            self = f
        } else if let syntax = error as? JSONSyntaxError {
            self.init(syntax)
        } else {
            self.init(offset: offset, message: "\(error)")
        }
    }

    init(offset: Int64, message: String) {
        reversedComponents = []
        self.offset = offset
        self.message = message
    }

    /// The path this failure happened at, below `prefix`.
    func path(under prefix: JSONPath = .root) -> JSONPath {
        JSONPath(components: prefix.components + reversedComponents.reversed())
    }

    func lvisError(under prefix: JSONPath = .root) -> LVISError {
        .malformed(path: path(under: prefix).description, offset: offset, message: message)
    }
}

extension JSONScanner {
    /// Runs `body` for the member `key`, attaching the key to a decoding failure (other errors,
    /// such as a visitor's, pass through untouched).
    @inline(__always)
    mutating func field<T>(_ key: StaticString, _ body: (inout JSONScanner) throws -> T) throws -> T {
        try within(.key(key.description), body)
    }

    /// Runs `body` for the element `index`, attaching the index to a decoding failure.
    @inline(__always)
    mutating func element<T>(_ index: Int, _ body: (inout JSONScanner) throws -> T) throws -> T {
        try within(.index(index), body)
    }

    @inline(__always)
    private mutating func within<T>(_ component: @autoclosure () -> JSONPath.Component, _ body: (inout JSONScanner) throws -> T) throws -> T {
        do {
            return try body(&self)
        } catch let failure as JSONDecodeFailure {
            var f = failure
            f.reversedComponents.append(component())
            throw f
        } catch let syntax as JSONSyntaxError {
            var f = JSONDecodeFailure(syntax)
            f.reversedComponents.append(component())
            throw f
        }
    }

    /// A failure for a required member that the object at hand lacks.
    func missing(_ key: StaticString) -> JSONDecodeFailure {
        JSONDecodeFailure(offset: offset, message: "missing required key \"\(key)\"")
    }

    /// A failure for a value that parsed but is not acceptable here.
    func invalid(_ message: String) -> JSONDecodeFailure {
        JSONDecodeFailure(offset: offset, message: message)
    }
}
