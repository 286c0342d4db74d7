import Dispatch
import Logging
import XPasteImage

/// Text to image with a `StableDiffusionModel`: diffusers' `StableDiffusionPipeline` loop in Swift.
///
/// Prompts (and the negative prompt, batched as 2N for classifier-free guidance) are encoded once;
/// the UNet runs through one I/O binding per batch, so the text embeddings are copied to the
/// execution provider's device once and stay there for every step, and per step only the latents
/// (which the scheduler, on the host, needs) cross. Calls block: run them on an
/// `InferenceExecutor`, off the cooperative pool.
public final class StableDiffusionPipeline: Sendable {
    /// The model.
    public let model: StableDiffusionModel
    private let logger: Logger

    /// A pipeline on `model`.
    public init(model: StableDiffusionModel, logger: Logger = Logger(label: "xpaste.diffusion")) {
        self.model = model
        self.logger = logger
    }

    /// Called after each denoising step with (steps done, steps in all); return false to stop.
    public typealias Progress = (_ done: Int, _ total: Int) -> Bool

    /// Draws the request's images.
    public func generate(_ request: GenerationRequest, progress: Progress = { _, _ in true }) throws(InferenceError) -> (images: [GeneratedImage], timings: GenerationTimings) {
        var (latents, timings) = try denoise(request, progress: progress)
        let start = DispatchTime.now().uptimeNanoseconds
        let pixels = try decode(latents: latents, count: request.prompts.count, width: request.width, height: request.height)
        latents = []
        var images: [GeneratedImage] = []
        let plane = request.width * request.height * 3
        for i in 0..<request.prompts.count {
            let bytes = pixels[i * plane..<(i + 1) * plane].map { UInt8(($0 * 255).rounded()) }
            let image: Image
            do {
                image = try Image(width: request.width, height: request.height, format: .rgb8, pixels: bytes)
            } catch {
                throw .invalidInput("decoded image: \(error)")
            }
            images.append(GeneratedImage(image: image, prompt: request.prompts[i], seed: request.seeds[i]))
        }
        timings.decoding = Self.seconds(since: start)
        timings.images = images.count
        return (images, timings)
    }

    /// Checks a request against the model; the error names what is wrong.
    public func validate(_ request: GenerationRequest) throws(InferenceError) {
        let n = request.prompts.count
        guard n >= 1 else { throw .invalidInput("a generation needs at least one prompt") }
        guard request.seeds.count == n else { throw .invalidInput("\(n) prompts need \(n) seeds, got \(request.seeds.count)") }
        let factor = model.vaeScaleFactor
        for (name, side) in [("width", request.width), ("height", request.height)] {
            guard side >= factor, side <= 4096, side % factor == 0 else {
                throw .invalidInput("\(name) \(side) must be a multiple of \(factor) from \(factor) to 4096")
            }
        }
        guard (1...1000).contains(request.steps) else { throw .invalidInput("steps \(request.steps) must lie in 1…1000") }
        guard request.guidance.isFinite, request.guidance >= 0, request.guidance <= 100 else {
            throw .invalidInput("guidance \(request.guidance) must lie in 0…100")
        }
        if let latents = request.initialLatents {
            let expected = n * model.latentChannels * (request.height / factor) * (request.width / factor)
            guard latents.count == expected else {
                throw .invalidInput("initial latents hold \(latents.count) values, the request needs \(expected)")
            }
            guard latents.allSatisfy(\.isFinite) else { throw .invalidInput("initial latents must be finite") }
        }
    }

    /// The text embeddings the UNet is conditioned on, in its input dtype: `[negative × N, prompts]`
    /// when guided, the prompts alone otherwise.
    public func encode(prompts: [String], negativePrompt: String, guided: Bool) throws(InferenceError) -> Tensor {
        let texts = guided ? Array(repeating: negativePrompt, count: prompts.count) + prompts : prompts
        let rows = texts.map { model.tokenizer.tokenize($0, padding: model.padTokenID) }
        let shape = [texts.count, CLIPTokenizer.contextLength]
        let ids: Tensor = model.tokenIDsType == .int32
            ? try Tensor(int32s: rows.flatMap { $0 }, shape: shape)
            : try Tensor(int64s: rows.flatMap { $0.map(Int64.init) }, shape: shape)
        guard let hidden = try model.textEncoder.run(["input_ids": ids], outputNames: [model.hiddenStatesOutput])[model.hiddenStatesOutput] else {
            throw .runtimeFailure(operation: "text encoder", ortCode: 1, message: "no hidden states")
        }
        let wanted = model.embeddingsType
        if hidden.elementType == wanted { return hidden }
        let values = try hidden.floats()
        return wanted == .float16 ? try Tensor(float16From: values, shape: hidden.shape) : try Tensor(floats: values, shape: hidden.shape)
    }

    /// The denoising loop: initial latents from the seeds (or the request's), then every step.
    /// Returns the final latents `[N, C, h, w]`, not yet scaled for the decoder.
    public func denoise(_ request: GenerationRequest, progress: Progress = { _, _ in true }) throws(InferenceError) -> (latents: [Float], timings: GenerationTimings) {
        try validate(request)
        var timings = GenerationTimings()
        let n = request.prompts.count
        let guided = request.isGuided
        let latentShape = [n, model.latentChannels, request.height / model.vaeScaleFactor, request.width / model.vaeScaleFactor]
        let perImage = latentShape.dropFirst().reduce(1, *)

        var clock = DispatchTime.now().uptimeNanoseconds
        let embeddings = try encode(prompts: request.prompts, negativePrompt: request.negativePrompt, guided: guided)
        timings.textEncoding = Self.seconds(since: clock)

        clock = DispatchTime.now().uptimeNanoseconds
        var scheduler = try request.scheduler.make(config: model.schedulerConfiguration, steps: request.steps)
        var streams = request.seeds.map(GaussianNoise.init(seed:))
        var latents: [Float]
        if let given = request.initialLatents {
            latents = given
        } else {
            latents = []
            latents.reserveCapacity(n * perImage)
            for i in 0..<n { latents += streams[i].gaussians(perImage) }
        }
        let sigma = scheduler.initNoiseSigma
        if sigma != 1 { latents = latents.map { $0 * sigma } }

        let binding = try model.unet.makeIOBinding()
        // Bound once: ONNX Runtime copies it to the provider's device here, not per step.
        try binding.bindInput("encoder_hidden_states", embeddings)
        try binding.bindOutput(model.unetOutput)
        let timestepInfo = model.timestepInput
        let modelBatch = guided ? 2 * n : n
        let sampleShape = [modelBatch] + latentShape.dropFirst()
        var unetTime: UInt64 = 0
        let loopStart = DispatchTime.now().uptimeNanoseconds
        timings.loopOverhead = Self.seconds(since: clock)

        // Buffers reused across steps: the loop's host work is a few passes over the latents.
        var input = [Float](repeating: 0, count: modelBatch * perImage)
        var prediction: [Float] = []
        var noise = [Float](repeating: 0, count: n * perImage)
        for (i, t) in scheduler.timesteps.enumerated() {
            // The scaled latents, twice when guided (unconditional rows first, as the embeddings).
            let scale = scheduler.modelInputScale(stepIndex: i)
            input.withUnsafeMutableBufferPointer { out in
                latents.withUnsafeBufferPointer { l in
                    for copy in 0..<(guided ? 2 : 1) {
                        let base = copy * l.count
                        for k in 0..<l.count { out[base + k] = l[k] * scale }
                    }
                }
            }
            try input.withUnsafeBufferPointer { (values) throws(InferenceError) in
                try binding.bindInput("sample", floats: values, shape: sampleShape)
            }
            try binding.bindInput("timestep", Self.timestep(t, info: timestepInfo, batch: modelBatch))
            let before = DispatchTime.now().uptimeNanoseconds
            let shape = try binding.run(readingFloats: model.unetOutput, into: &prediction)
            unetTime += DispatchTime.now().uptimeNanoseconds - before
            guard prediction.count == modelBatch * perImage else {
                throw .runtimeFailure(operation: "unet", ortCode: 1, message: "the UNet's output \(shape) does not match the latents' shape \(sampleShape)")
            }
            if guided {
                let g = Float(request.guidance)
                noise.withUnsafeMutableBufferPointer { out in
                    prediction.withUnsafeBufferPointer { p in
                        let half = out.count
                        for k in 0..<half { out[k] = p[k] + g * (p[half + k] - p[k]) }
                    }
                }
            } else {
                swap(&noise, &prediction)
            }
            scheduler.step(modelOutput: noise, stepIndex: i, sample: &latents) {
                var fresh: [Float] = []
                fresh.reserveCapacity(n * perImage)
                for j in 0..<n { fresh += streams[j].gaussians(perImage) }
                return fresh
            }
            timings.steps += 1
            if !progress(i + 1, scheduler.timesteps.count) { throw .cancelled }
        }
        timings.denoiser = Double(unetTime) / 1e9
        timings.loopOverhead += Self.seconds(since: loopStart) - timings.denoiser
        return (latents, timings)
    }

    /// Decodes final latents to pixels: `[N, H, W, 3]` floats in 0…1, as diffusers' `output_type="np"`.
    public func decode(latents: [Float], count: Int, width: Int, height: Int) throws(InferenceError) -> [Float] {
        let h = height / model.vaeScaleFactor, w = width / model.vaeScaleFactor
        let shape = [count, model.latentChannels, h, w]
        let scale = 1 / model.latentScalingFactor
        let scaled = latents.map { $0 * scale }
        let input = model.decoderInputType == .float16
            ? try Tensor(float16From: scaled, shape: shape) : try Tensor(floats: scaled, shape: shape)
        guard let output = try model.vaeDecoder.run(["latent_sample": input], outputNames: [model.imageOutput])[model.imageOutput] else {
            throw .runtimeFailure(operation: "vae decoder", ortCode: 1, message: "no image")
        }
        let values = try output.floats()
        guard output.shape == [count, 3, height, width] else {
            throw .runtimeFailure(operation: "vae decoder", ortCode: 1, message: "image shape \(output.shape), expected \([count, 3, height, width])")
        }
        // NCHW in −1…1 → NHWC in 0…1.
        let plane = height * width
        var pixels = [Float](repeating: 0, count: count * plane * 3)
        for b in 0..<count {
            for c in 0..<3 {
                let source = (b * 3 + c) * plane
                for p in 0..<plane {
                    // NaN (an fp16 VAE that overflowed) becomes black, as numpy's uint8 cast makes it,
                    // rather than trapping in the conversion to bytes.
                    let v = values[source + p] / 2 + 0.5
                    pixels[(b * plane + p) * 3 + c] = v.isNaN ? 0 : min(max(v, 0), 1)
                }
            }
        }
        return pixels
    }

    /// The timestep as the UNet takes it: its dtype, rank 0 or one value per batch row.
    static func timestep(_ t: Double, info: TensorInfo, batch: Int) throws(InferenceError) -> Tensor {
        let shape = info.rank == 0 ? [] : [batch]
        let count = info.rank == 0 ? 1 : batch
        switch info.elementType {
        case .int64: return try Tensor(int64s: Array(repeating: Int64(t), count: count), shape: shape)
        case .int32: return try Tensor(int32s: Array(repeating: Int32(t), count: count), shape: shape)
        case .float16: return try Tensor(float16From: Array(repeating: Float(t), count: count), shape: shape)
        case .double:
            let bytes = Array(repeating: t, count: count).withUnsafeBytes { Array($0) }
            return try Tensor(elementType: .double, shape: shape, bytes: bytes)
        default: return try Tensor(floats: Array(repeating: Float(t), count: count), shape: shape)
        }
    }

    private static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
