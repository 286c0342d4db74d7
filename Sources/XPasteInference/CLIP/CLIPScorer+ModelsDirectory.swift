import Foundation
import Logging

extension CLIPScorer {
    /// The CLIP model called `name` in a models folder: a single-graph export (its manifest's first
    /// `.onnx` file) and the BPE merges beside it (the manifest's file whose name contains
    /// `merges` or `bpe`). A model that is not installed is `.modelNotFound` naming the
    /// `xpaste models pull` that installs it.
    public convenience init(
        named name: String, in directory: ModelsDirectory, environment: InferenceEnvironment,
        options: SessionOptions = SessionOptions(), maxBatch: Int = 32, logger: Logger = Logger(label: "xpaste.clip")
    ) throws(InferenceError) {
        let (manifest, path) = try directory.installedModel(named: name, family: .clip)
        guard let merges = manifest.files.first(where: {
            let file = $0.path.lowercased()
            return file.contains("merges") || file.contains("bpe")
        }) else {
            throw .invalidResource("the manifest of \(name) lists no BPE merges file (merges.txt or bpe_simple_vocab_16e6.txt.gz)")
        }
        let tokenizer = try CLIPTokenizer(mergesPath: directory.folder(of: name).appendingPathComponent(merges.path).path)
        let session = try InferenceSession(modelPath: path, environment: environment, options: options, logger: logger)
        try self.init(model: session, tokenizer: tokenizer, maxBatch: maxBatch)
    }
}
