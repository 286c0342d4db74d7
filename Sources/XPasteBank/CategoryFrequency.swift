/// LVIS frequency group of a category, by the number of training images that contain it.
public enum CategoryFrequency: String, Sendable, Hashable, Codable, CaseIterable {
    /// Fewer than 10 training images (`"r"` in LVIS json).
    case rare = "r"
    /// 10 to 99 training images (`"c"`).
    case common = "c"
    /// 100 or more training images (`"f"`).
    case frequent = "f"
}
