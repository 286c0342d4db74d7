/// `X-Robots-Tag` as img2dataset reads it: each header value is `[agent:] directive, …`; a value
/// with no agent, or naming our token, that carries one of the refused directives refuses the image.
public enum XRobotsTag {
    /// img2dataset's default refusals.
    public static let refusedDirectives: Set<String> = ["noai", "noimageai", "noindex", "noimageindex"]

    /// The refused directive found in `values` for `agent`, or nil.
    public static func refusal(_ values: [String], agent: String, refused: Set<String> = refusedDirectives) -> String? {
        for value in values {
            let parts = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let directives = parts.last.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() } } ?? []
            let token = parts.count == 2 ? parts[0].trimmingCharacters(in: .whitespaces).lowercased() : nil
            guard token == nil || token == agent.lowercased() else { continue }
            if let hit = directives.first(where: { refused.contains($0) }) { return hit }
        }
        return nil
    }
}
