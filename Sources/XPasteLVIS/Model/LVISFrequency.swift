/// LVIS frequency group of a category, from the number of training images it is annotated in.
public enum LVISFrequency: String, Codable, Sendable, Hashable, CaseIterable {
    /// `r`: fewer than 10 training images.
    case rare = "r"
    /// `c`: 10 to 99 training images.
    case common = "c"
    /// `f`: 100 or more training images.
    case frequent = "f"

    /// The group LVIS assigns to a category annotated in `imageCount` training images.
    public init(imageCount: Int) {
        switch imageCount {
        case ..<10: self = .rare
        case ..<100: self = .common
        default: self = .frequent
        }
    }
}
