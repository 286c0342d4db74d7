#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XPasteImage

/// What happened to one planned paste.
public enum PasteOutcome: Sendable, Hashable, Codable {
    /// Pasted; it is the scene object with origin `.pasted(index:)` unless later pastes dropped it.
    case pasted
    /// Skipped by X-Paste's size rule (a side under the minimum, or not smaller than the image).
    case skippedSize
    /// Skipped because its cutout could not be used.
    case skippedCutout
    /// Its mask was empty after resizing (the cutout's alpha was all below the threshold).
    case emptyMask
}

/// One composed image before encoding: pixels and the visible objects.
public struct ComposedImage: Sendable {
    /// The RGB pixels.
    public var image: Image
    /// The objects still visible, with the ones that were dropped.
    public var scene: OcclusionScene
    /// Per planned paste, in plan order.
    public var outcomes: [PasteOutcome]
    /// Cutout problems met (instance id and message), for the run log.
    public var cutoutErrors: [CompositorError]
}

/// Pastes a plan onto one background: the core of X-Paste's `_cat_a_new_image`, one paste at a
/// time, each occluding what is under it. Synchronous and thread-safe: many images are composed
/// at once on the runner's threads.
public struct ImageComposer: Sendable {
    /// The parameters.
    public let parameters: CompositorParameters
    /// Where cutouts come from.
    public let cutouts: CutoutCache

    /// Creates a composer.
    public init(parameters: CompositorParameters, cutouts: CutoutCache) {
        self.parameters = parameters
        self.cutouts = cutouts
    }

    /// Composes `plan` over `background` (RGB), whose own annotations are `backgroundObjects`.
    public func compose(background: Image, backgroundObjects: [SceneObject], plan: PastePlan) throws(CompositorError) -> ComposedImage {
        let p = parameters
        var image = background
        var scene = OcclusionScene(width: image.width, height: image.height,
                                   boxThreshold: p.boxOccludedThreshold, maskThreshold: p.maskOccludedThreshold)
        for o in backgroundObjects { scene.addBackground(o) }
        var outcomes: [PasteOutcome] = []
        var errors: [CompositorError] = []
        outcomes.reserveCapacity(plan.pastes.count)
        for (k, paste) in plan.pastes.enumerated() {
            var cutout: CutoutPyramid
            do {
                cutout = try cutouts.cutout(
                    id: paste.instanceID,
                    target: { width, height in
                        paste.targetSize(cutoutWidth: width, cutoutHeight: height, imageWidth: image.width, imageHeight: image.height,
                                         minSide: p.minPatchSide)
                    },
                    working: { width, height in
                        // X-Paste's bit-exact `.linear` path resizes from the full cutout: asking
                        // for the cutout's own size keeps level 0.
                        p.resizeFilter == .linear
                            ? (width, height)
                            : PatchBuilder.largestPaste(cutoutWidth: width, cutoutHeight: height, imageWidth: image.width,
                                                        imageHeight: image.height, parameters: p)
                    })
            } catch {
                errors.append(error)
                outcomes.append(.skippedCutout)
                continue
            }
            let prepared: PreparedPatch?
            do {
                let levels = cutout.levels.count
                prepared = try PatchBuilder.prepare(paste, cutout: &cutout, imageWidth: image.width, imageHeight: image.height, parameters: p)
                if cutout.levels.count > levels { cutouts.remember(cutout, for: paste.instanceID) }
            } catch {
                errors.append(.invalidCutout(id: paste.instanceID, error.description))
                outcomes.append(.skippedCutout)
                continue
            }
            guard let patch = prepared else {
                outcomes.append(.skippedSize)
                continue
            }
            guard let object = SceneObject(origin: .pasted(index: k), category: paste.category, mask: patch.mask, at: patch.x, patch.y) else {
                outcomes.append(.emptyMask)
                continue
            }
            do {
                try blend(patch, into: &image)
            } catch {
                throw .image(context: "pasting instance \(paste.instanceID)", error)
            }
            scene.place(object)
            outcomes.append(.pasted)
        }
        scene.dropSmall(minArea: p.minArea)
        return ComposedImage(image: image, scene: scene, outcomes: outcomes, cutoutErrors: errors)
    }

    private func blend(_ patch: PreparedPatch, into image: inout Image) throws(ImageError) {
        switch parameters.blending {
        case .hard, .alpha:
            try image.composite(patch.image, atX: patch.x, y: patch.y)
        case .gaussian:
            // Feathered inwards: the blurred mask, kept inside the mask. Outside the mask the
            // cutout's colour is meaningless (transparent), so feathering outwards as X-Paste's
            // box blur does would blend a dark halo into the background.
            let r = Int(ceil(3 * parameters.featherSigma))
            let blurred = try patch.mask.soft().padded(top: r, left: r, bottom: r, right: r, value: 0)
                .gaussianBlurred(sigma: parameters.featherSigma)
                .cropped(to: PixelBox(x: r, y: r, width: patch.mask.width, height: patch.mask.height))
            try image.composite(Self.featheredAlpha(patch.image, blurred: blurred, mask: patch.mask), atX: patch.x, y: patch.y)
        }
    }

    /// `image` with alpha = the blurred mask inside the mask, 0 outside.
    static func featheredAlpha(_ image: Image, blurred: Mask, mask: BinaryMask) -> Image {
        var out = image.packed()
        out.pixels.withUnsafeMutableBufferPointer { px in
            blurred.values.withUnsafeBufferPointer { b in
                mask.bits.withUnsafeBufferPointer { m in
                    for i in 0..<m.count { px[i * 4 + 3] = m[i] != 0 ? max(b[i], 1) : 0 }
                }
            }
        }
        return out
    }
}
