/// `manifest.json` in a model's folder: what the model is, where it came from, the checksum of
/// every file, and preprocessing that differs from its family's defaults.
public struct ModelManifest: Codable, Sendable, Hashable {
    /// What a model does, which decides how xpaste drives it.
    public enum Family: String, Codable, Sendable, Hashable, CaseIterable {
        /// A CLIP image/text model (single graph or separate encoders).
        case clip
        /// A salient-object segmenter (rembg's u2net / isnet / birefnet files).
        case segmenter
        /// A Stable Diffusion 1.x folder as optimum exports it.
        case stableDiffusion = "stable-diffusion"
    }

    /// One file of the model, relative to the model's folder.
    public struct File: Codable, Sendable, Hashable {
        /// Path inside the model folder.
        public var path: String
        /// Lower-case hex SHA-256 of the file.
        public var sha256: String?
        /// Size in bytes.
        public var bytes: Int64?
        /// Where the file was downloaded from.
        public var url: String?

        /// A file entry.
        public init(path: String, sha256: String? = nil, bytes: Int64? = nil, url: String? = nil) {
            self.path = path
            self.sha256 = sha256
            self.bytes = bytes
            self.url = url
        }
    }

    /// Preprocessing that overrides the family's defaults (nil keeps the default).
    public struct Preprocessing: Codable, Sendable, Hashable {
        /// Square input side in pixels.
        public var size: Int?
        /// Per-channel mean subtracted after scaling to 0…1.
        public var mean: [Float]?
        /// Per-channel standard deviation divided by.
        public var std: [Float]?

        /// Overrides; nil keeps the family's default.
        public init(size: Int? = nil, mean: [Float]? = nil, std: [Float]? = nil) {
            self.size = size
            self.mean = mean
            self.std = std
        }
    }

    /// Manifest format version.
    public var version: Int
    /// The model's name (its folder's name).
    public var name: String
    /// Its family.
    public var family: Family
    /// A variant within the family (`u2net`, `isnet-general-use`, `vit-l-14`, …).
    public var variant: String?
    /// Where the model comes from (a URL or a description).
    public var source: String?
    /// Its files; the first `.onnx` is the model to load unless the family says otherwise.
    public var files: [File]
    /// Preprocessing overrides.
    public var preprocessing: Preprocessing?

    /// A manifest at the current format version.
    public init(
        name: String, family: Family, variant: String? = nil, source: String? = nil, files: [File],
        preprocessing: Preprocessing? = nil
    ) {
        self.version = 1
        self.name = name
        self.family = family
        self.variant = variant
        self.source = source
        self.files = files
        self.preprocessing = preprocessing
    }
}
