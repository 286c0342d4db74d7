/// A parsed robots.txt (RFC 9309) as it applies to one user-agent token: the longest matching
/// `Allow`/`Disallow` rule wins, `Allow` on a tie; `*` and `$` patterns are understood. A group
/// naming our token replaces the `*` group.
public struct RobotsRules: Sendable, Hashable {
    /// (allow, pattern) pairs of the group that applies.
    public var rules: [(allow: Bool, pattern: String)] {
        get { stored.map { ($0.allow, $0.pattern) } }
    }
    private var stored: [Rule]

    private struct Rule: Sendable, Hashable {
        var allow: Bool
        var pattern: String
    }

    /// Everything allowed (no robots.txt, or a 4xx for it).
    public static let allowAll = RobotsRules(stored: [])
    /// Everything disallowed (robots.txt unreachable: a 5xx or a network failure).
    public static let disallowAll = RobotsRules(stored: [Rule(allow: false, pattern: "/")])

    private init(stored: [Rule]) { self.stored = stored }

    /// Parses `text` for the product token `agent` (e.g. `xpaste`, matched case-insensitively).
    public init(parsing text: String, agent: String) {
        let token = agent.lowercased()
        var specific: [Rule] = [], star: [Rule] = []
        var foundSpecific = false
        var groupAgents: [String] = []
        var inRules = false
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "user-agent":
                if inRules { groupAgents = []; inRules = false }
                groupAgents.append(value.lowercased())
                if value.lowercased() == token { foundSpecific = true }
            case "allow", "disallow":
                inRules = true
                guard !(key == "disallow" && value.isEmpty) else { continue }
                let rule = Rule(allow: key == "allow", pattern: value)
                if groupAgents.contains(token) { specific.append(rule) }
                if groupAgents.contains("*") { star.append(rule) }
            default: continue
            }
        }
        stored = foundSpecific ? specific : star
    }

    /// Whether `path` (path and query of the URL) may be fetched.
    public func allows(_ path: String) -> Bool {
        var best: (length: Int, allow: Bool)? = nil
        for rule in stored where RobotsRules.matches(rule.pattern, path) {
            let length = rule.pattern.count
            if best == nil || length > best!.length || (length == best!.length && rule.allow) { best = (length, rule.allow) }
        }
        return best?.allow ?? true
    }

    static func matches(_ pattern: String, _ path: String) -> Bool {
        let p = Array(pattern.utf8), s = Array(path.utf8)
        // Iterative glob with `*`, `$` only at the end anchors.
        func match(_ pi: Int, _ si: Int) -> Bool {
            var pi = pi, si = si
            var starP = -1, starS = 0
            while true {
                if pi == p.count { return true }
                if p[pi] == UInt8(ascii: "$") && pi == p.count - 1 {
                    if si == s.count { return true }
                } else if p[pi] == UInt8(ascii: "*") {
                    starP = pi; starS = si; pi += 1; continue
                } else if si < s.count && p[pi] == s[si] {
                    pi += 1; si += 1; continue
                }
                if starP >= 0 && starS < s.count {
                    starS += 1; si = starS; pi = starP + 1; continue
                }
                return false
            }
        }
        return match(0, 0)
    }

    public static func == (a: RobotsRules, b: RobotsRules) -> Bool { a.stored == b.stored }
    public func hash(into h: inout Hasher) { h.combine(stored) }
}
