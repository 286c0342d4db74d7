import Foundation
import Logging

/// A Stable Diffusion 1.x / 2.x folder as `optimum-cli export onnx` writes it, loaded: the text
/// encoder, the UNet (external weights load from beside it), the VAE decoder, the CLIP tokenizer
/// and the scheduler's training schedule.
///
/// Nothing about the graphs is assumed: input names are checked, and the dtypes and ranks of the
/// token ids, the timestep and the float inputs (fp32 or fp16) are read from the sessions, so fp16
/// GPU exports and fp32 CPU exports load alike. Sendable: one model serves many generations.
public final class StableDiffusionModel: Sendable {
    /// The folder it was loaded from.
    public let folder: String
    /// The text encoder (`input_ids` → `last_hidden_state`).
    public let textEncoder: InferenceSession
    /// The denoiser (`sample`, `timestep`, `encoder_hidden_states` → `out_sample`).
    public let unet: InferenceSession
    /// The VAE decoder (`latent_sample` → `sample`).
    public let vaeDecoder: InferenceSession
    /// The prompt tokenizer.
    public let tokenizer: CLIPTokenizer
    /// The id sequences are padded with (`<|endoftext|>` for SD 1.x, `!` for SD 2.x).
    public let padTokenID: Int32
    /// The training schedule from `scheduler/scheduler_config.json`.
    public let schedulerConfiguration: SchedulerConfiguration
    /// The scheduler the folder was saved with, when it is one xpaste has.
    public let savedScheduler: SchedulerKind?
    /// Latents are divided by this before decoding (the VAE's `scaling_factor`).
    public let latentScalingFactor: Float
    /// Image pixels per latent pixel along each side (8 for every SD release).
    public let vaeScaleFactor: Int
    /// Latent channels (4).
    public let latentChannels: Int
    /// The element type of the text encoder's token ids (int32 or int64).
    let tokenIDsType: TensorElementType
    /// The element type the UNet takes its text embeddings in (float or float16).
    let embeddingsType: TensorElementType
    /// The UNet's timestep input: its element type and rank (0 or 1).
    let timestepInput: TensorInfo
    /// The element type the VAE decoder takes its latents in (float or float16).
    let decoderInputType: TensorElementType
    /// Output name of the text encoder's hidden states.
    let hiddenStatesOutput: String
    /// Output name of the UNet's prediction.
    let unetOutput: String
    /// Output name of the decoder's image.
    let imageOutput: String

    /// Loads the folder with sessions created under `options` (providers, threads).
    public init(
        folder: String, environment: InferenceEnvironment, options: SessionOptions = SessionOptions(),
        logger: Logger = Logger(label: "xpaste.diffusion")
    ) throws(InferenceError) {
        let root = URL(fileURLWithPath: folder, isDirectory: true)
        func path(_ parts: String...) -> String { parts.reduce(root) { $0.appendingPathComponent($1) }.path }
        for component in ["text_encoder", "unet", "vae_decoder"] {
            guard FileManager.default.fileExists(atPath: path(component, "model.onnx")) else {
                throw .modelNotFound("\(folder) is not a Stable Diffusion ONNX folder: \(component)/model.onnx is missing")
            }
        }
        let merges = path("tokenizer", "merges.txt")
        guard FileManager.default.fileExists(atPath: merges) else {
            throw .modelNotFound("\(folder) has no tokenizer/merges.txt (the CLIP BPE merges the text encoder was trained with)")
        }
        self.folder = folder
        tokenizer = try CLIPTokenizer(mergesPath: merges)
        padTokenID = try Self.padToken(folder: root, tokenizer: tokenizer)
        let schedulerPath = path("scheduler", "scheduler_config.json")
        if FileManager.default.fileExists(atPath: schedulerPath) {
            schedulerConfiguration = try SchedulerConfiguration.load(path: schedulerPath)
        } else {
            logger.warning("no scheduler/scheduler_config.json; using SD 1.x's training schedule", metadata: ["model": "\(folder)"])
            schedulerConfiguration = .stableDiffusion
        }
        savedScheduler = schedulerConfiguration.className.flatMap(SchedulerKind.init(className:))
        let vae = try Self.componentConfig(path("vae_decoder", "config.json"))
        latentScalingFactor = Float(vae?["scaling_factor"] as? Double ?? 0.18215)
        let blocks = (vae?["block_out_channels"] as? [Any])?.count ?? 4
        vaeScaleFactor = 1 << max(0, blocks - 1)
        latentChannels = vae?["latent_channels"] as? Int ?? 4

        textEncoder = try InferenceSession(modelPath: path("text_encoder", "model.onnx"), environment: environment, options: options, logger: logger)
        unet = try InferenceSession(modelPath: path("unet", "model.onnx"), environment: environment, options: options, logger: logger)
        vaeDecoder = try InferenceSession(modelPath: path("vae_decoder", "model.onnx"), environment: environment, options: options, logger: logger)

        tokenIDsType = try Self.require(textEncoder, "input_ids", types: [.int32, .int64]).elementType
        let sample = try Self.require(unet, "sample", types: [.float, .float16])
        embeddingsType = try Self.require(unet, "encoder_hidden_states", types: [.float, .float16]).elementType
        timestepInput = try Self.require(unet, "timestep", types: [.float, .float16, .double, .int64, .int32])
        decoderInputType = try Self.require(vaeDecoder, "latent_sample", types: [.float, .float16]).elementType
        guard timestepInput.rank <= 1 else {
            throw .invalidInput("\(unet.source): timestep must have rank 0 or 1")
        }
        if sample.rank == 4, let channels = sample.shape[1], channels != latentChannels {
            throw .invalidInput("\(unet.source): sample has \(channels) channels, the VAE has \(latentChannels) latent channels")
        }
        hiddenStatesOutput = textEncoder.output(named: "last_hidden_state")?.name ?? textEncoder.outputs[0].name
        unetOutput = unet.output(named: "out_sample")?.name ?? unet.outputs[0].name
        imageOutput = vaeDecoder.output(named: "sample")?.name ?? vaeDecoder.outputs[0].name
    }

    /// The execution providers the sessions run on (the UNet's, which decides the speed).
    public var providers: [String] { unet.providers }

    /// The input `name` of `session`, checked to exist with one of `types`.
    private static func require(_ session: InferenceSession, _ name: String, types: Set<TensorElementType>) throws(InferenceError) -> TensorInfo {
        guard let info = session.input(named: name) else {
            throw .invalidInput("\(session.source) has no input \(name); its inputs are \(session.inputs.map(\.description))")
        }
        guard types.contains(info.elementType) else {
            throw .invalidInput("\(session.source): input \(name) is \(info.elementType), expected one of \(types.map(\.description).sorted())")
        }
        return info
    }

    /// A component's `config.json` as loose JSON, nil when the export has none.
    private static func componentConfig(_ path: String) throws(InferenceError) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .invalidResource("\(path) is not a JSON object")
        }
        return object
    }

    /// The padding id: the tokenizer config's `pad_token` looked up in `vocab.json` (checked to
    /// agree with the merges on the special tokens), `<|endoftext|>` when neither file says.
    private static func padToken(folder: URL, tokenizer: CLIPTokenizer) throws(InferenceError) -> Int32 {
        let dir = folder.appendingPathComponent("tokenizer")
        var vocabulary: [String: Int] = [:]
        if let data = FileManager.default.contents(atPath: dir.appendingPathComponent("vocab.json").path) {
            guard let decoded = try? JSONDecoder().decode([String: Int].self, from: data) else {
                throw .invalidResource("\(dir.path)/vocab.json is not a token → id map")
            }
            vocabulary = decoded
            guard decoded["<|endoftext|>"].map(Int32.init) == tokenizer.endOfText,
                  decoded["<|startoftext|>"].map(Int32.init) == tokenizer.startOfText,
                  decoded.count == tokenizer.vocabularySize
            else {
                throw .invalidResource("\(dir.path)/vocab.json does not match merges.txt (special token ids or vocabulary size differ)")
            }
        }
        var pad = "<|endoftext|>"
        for file in ["tokenizer_config.json", "special_tokens_map.json"] {
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(file).path),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { continue }
            if let text = object["pad_token"] as? String {
                pad = text
                break
            }
            if let entry = object["pad_token"] as? [String: Any], let text = entry["content"] as? String {
                pad = text
                break
            }
        }
        if pad == "<|endoftext|>" { return tokenizer.endOfText }
        guard let id = vocabulary[pad] else {
            throw .invalidResource("the pad token \(pad) is not in \(dir.path)/vocab.json")
        }
        return Int32(id)
    }
}
