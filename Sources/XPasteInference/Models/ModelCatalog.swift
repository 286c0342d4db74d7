/// The models `xpaste models pull` knows, at their public homes. Checksums are pinned where the
/// publisher's file is known byte for byte; for the others the checksum of the first download is
/// recorded in the manifest and checked from then on.
public enum ModelCatalog {
    /// One pullable model.
    public struct Entry: Sendable, Hashable {
        /// The manifest the model gets once pulled (its files carry URLs, pinned checksums, sizes).
        public let manifest: ModelManifest
        /// A line for `xpaste models pull --list`.
        public let summary: String

        /// An entry: a manifest whose files carry download URLs, and a one-line summary.
        public init(manifest: ModelManifest, summary: String) {
            self.manifest = manifest
            self.summary = summary
        }
    }

    private static let imageNet = ModelManifest.Preprocessing(size: 320, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
    private static let rembg = "https://github.com/danielgatis/rembg/releases/download/v0.0.0/"

    /// Every known model, by name.
    public static let entries: [String: Entry] = {
        var all: [Entry] = [
            segmenter("u2net", file: "u2net.onnx", sha256: "8d10d2f3bb75ae3b6d527c77944fc5e7dcd94b29809d47a739a7a728a912b491",
                      bytes: 175_997_641, preprocessing: imageNet, summary: "U²-Net salient objects, 320×320 (176 MB)"),
            segmenter("u2netp", file: "u2netp.onnx", sha256: "309c8469258dda742793dce0ebea8e6dd393174f89934733ecc8b14c76f4ddd8",
                      bytes: 4_574_861, preprocessing: imageNet, summary: "U²-Net small, 320×320 (4.6 MB)"),
            segmenter("isnet-general-use", file: "isnet-general-use.onnx",
                      sha256: "60920e99c45464f2ba57bee2ad08c919a52bbf852739e96947fbb4358c0d964a", bytes: 178_648_008,
                      preprocessing: .init(size: 1024, mean: [0.5, 0.5, 0.5], std: [1, 1, 1]),
                      summary: "IS-Net general use, 1024×1024 (179 MB)"),
            segmenter("birefnet-general", file: "BiRefNet-general-epoch_244.onnx", sha256: nil, bytes: nil,
                      preprocessing: .init(size: 1024, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]),
                      summary: "BiRefNet general, 1024×1024 (~930 MB; checksum recorded on first pull)"),
            clip("clip-vit-b-32", repository: "Xenova/clip-vit-base-patch32", variant: "vit-b-32",
                 summary: "CLIP ViT-B/32, optimum single graph (~600 MB; checksum recorded on first pull)"),
            clip("clip-vit-l-14", repository: "Xenova/clip-vit-large-patch14", variant: "vit-l-14",
                 summary: "CLIP ViT-L/14 (X-Paste's filter), optimum single graph (~1.7 GB; checksum recorded on first pull)"),
            stableDiffusion("sd-1.5", repository: "onnx-community/stable-diffusion-v1-5-ONNX", variant: "sd-1.5",
                            unetFiles: ["unet/model.onnx", "unet/weights.pb"],
                            summary: "Stable Diffusion 1.5 (X-Paste's generator), optimum ONNX export, fp32 (~5.5 GB; checksums recorded on first pull)"),
            stableDiffusion("sd-turbo", repository: "schmuell/sd-turbo-ort-web", variant: "sd-turbo",
                            unetFiles: ["unet/model.onnx"],
                            summary: "sd-turbo (SD 2.1 distilled, 1–4 steps: --steps 1 --guidance 0 --scheduler euler), fp16 ONNX (~2.5 GB; checksums recorded on first pull)"),
        ]
        all.sort { $0.manifest.name < $1.manifest.name }
        return Dictionary(uniqueKeysWithValues: all.map { ($0.manifest.name, $0) })
    }()

    private static func segmenter(
        _ name: String, file: String, sha256: String?, bytes: Int64?, preprocessing: ModelManifest.Preprocessing, summary: String
    ) -> Entry {
        Entry(
            manifest: ModelManifest(
                name: name, family: .segmenter, variant: name, source: rembg + file,
                files: [.init(path: "model.onnx", sha256: sha256, bytes: bytes, url: rembg + file)],
                preprocessing: preprocessing),
            summary: summary)
    }

    /// A Stable Diffusion folder in optimum's layout (the files `StableDiffusionModel` reads).
    private static func stableDiffusion(_ name: String, repository: String, variant: String, unetFiles: [String], summary: String) -> Entry {
        let base = "https://huggingface.co/\(repository)/resolve/main/"
        let paths = ["model_index.json", "scheduler/scheduler_config.json", "text_encoder/model.onnx", "tokenizer/merges.txt",
                     "tokenizer/vocab.json", "tokenizer/special_tokens_map.json", "tokenizer/tokenizer_config.json"]
            + unetFiles + ["vae_decoder/model.onnx"]
        return Entry(
            manifest: ModelManifest(
                name: name, family: .stableDiffusion, variant: variant, source: "https://huggingface.co/\(repository)",
                files: paths.map { ModelManifest.File(path: $0, url: base + $0) }),
            summary: summary)
    }

    private static func clip(_ name: String, repository: String, variant: String, summary: String) -> Entry {
        let base = "https://huggingface.co/\(repository)/resolve/main/"
        return Entry(
            manifest: ModelManifest(
                name: name, family: .clip, variant: variant, source: "https://huggingface.co/\(repository)",
                files: [
                    .init(path: "model.onnx", url: base + "onnx/model.onnx"),
                    .init(path: "merges.txt", url: base + "merges.txt"),
                ]),
            summary: summary)
    }
}
