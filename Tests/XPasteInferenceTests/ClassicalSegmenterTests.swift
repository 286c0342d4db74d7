import Foundation
import Testing
import XPasteImage
import XPasteInference
import XPasteTestSupport

/// The classical segmenter, measured: intersection over union of its mask (> 128) with the ground
/// truth, on the horse silhouette and on objects composited onto plain and textured backgrounds.
///
/// Scenes (512×512 canvases unless noted):
/// - `horse.png` as it is (400×328): the black silhouette is the object, the white around it (and
///   the white gaps between legs and tail, which touch the outside) background; truth = luminance
///   < 128.
/// - "fur horse": a 300×246 crop of `chelsea.png` (cat fur) cut by the horse silhouette (scaled
///   nearest-neighbour); truth = the silhouette where it was pasted.
/// - "logo disk": `logo.png` (fully opaque: it has no real transparency) scaled to 300×300; the
///   object is its disk, found from the box of its non-white pixels; truth = that disk. The logo's
///   white S band runs into the disk's edge, so on a white background the band is background by
///   colour; the closing keeps the two halves one object, but the band itself is lost (0.944).
/// - Where the fur horse loses (grey, brick, gravel), the misses are its grey head, mane and tail
///   tips, whose colour is the background's: a colour model's limit, not a tuning one.
/// - backgrounds: plain white, grey 128, blue (60, 110, 170); textured `brick.png`, `gravel.png`.
///
/// Measured (default parameters; the assertions allow 0.02 below each):
///
/// | scene | IoU |
/// | --- | --- |
/// | horse.png | 0.9983 |
/// | fur horse on white | 0.9880 |
/// | fur horse on grey | 0.9551 |
/// | fur horse on blue | 0.9927 |
/// | fur horse on brick | 0.8614 |
/// | fur horse on gravel | 0.9221 |
/// | logo disk on white | 0.9443 |
/// | logo disk on grey | 0.9967 |
/// | logo disk on blue | 0.9974 |
/// | logo disk on brick | 0.9928 |
/// | logo disk on gravel | 0.9928 |
/// | fur horse, 2048×1536 on grey (analysed at 1024×768) | 0.9667 |
@Suite("Classical segmenter IoU")
struct ClassicalSegmenterTests {
    struct Scene {
        var name: String
        var image: Image
        var truth: BinaryMask
    }

    /// The horse silhouette: black = object.
    static func horse() throws -> Scene {
        let image = try ImageCodec.decode(contentsOf: SharedData.image("horse.png").path)
        var truth = BinaryMask(width: image.width, height: image.height)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let p = image.pixel(x: x, y: y)
                let luminance = (299 * Int(p[0]) + 587 * Int(p[1]) + 114 * Int(p[2])) / 1000
                truth[x, y] = luminance < 128
            }
        }
        return Scene(name: "horse.png", image: image, truth: truth)
    }

    /// Cat fur in the shape of the horse: the object and its exact alpha.
    static func furHorse() throws -> (Image, BinaryMask) {
        let shape = try horse().truth.resized(width: 300, height: 246)
        let fur = try ImageCodec.decode(contentsOf: SharedData.image("chelsea.png").path)
            .cropped(to: PixelBox(x: 75, y: 27, width: 300, height: 246))
        return (fur, shape)
    }

    /// The logo's disk: the logo scaled to 300×300 and the disk inside the box of its non-white
    /// pixels.
    static func logoDisk() throws -> (Image, BinaryMask) {
        let logo = try ImageCodec.decode(contentsOf: SharedData.image("logo.png").path).resized(width: 300, height: 300, filter: .bilinear)
        var minX = Int.max, minY = Int.max, maxX = -1, maxY = -1
        for y in 0..<logo.height {
            for x in 0..<logo.width where logo.pixel(x: x, y: y)[0..<3].min()! < 200 {
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            }
        }
        let cx = Double(minX + maxX + 1) / 2, cy = Double(minY + maxY + 1) / 2
        let r = Double(maxX - minX + maxY - minY + 2) / 4
        var disk = BinaryMask(width: 300, height: 300)
        for y in 0..<300 {
            for x in 0..<300 {
                let dx = Double(x) + 0.5 - cx, dy = Double(y) + 0.5 - cy
                disk[x, y] = dx * dx + dy * dy <= r * r
            }
        }
        return (logo, disk)
    }

    static func backgrounds() throws -> [(String, Image)] {
        [
            ("white", Image(width: 512, height: 512, format: .rgb8, filledWith: [255, 255, 255])),
            ("grey", Image(width: 512, height: 512, format: .rgb8, filledWith: [128, 128, 128])),
            ("blue", Image(width: 512, height: 512, format: .rgb8, filledWith: [60, 110, 170])),
            ("brick", try ImageCodec.decode(contentsOf: SharedData.image("brick.png").path)),
            ("gravel", try ImageCodec.decode(contentsOf: SharedData.image("gravel.png").path)),
        ]
    }

    /// Every composited scene.
    static func composites() throws -> [Scene] {
        var scenes: [Scene] = []
        for (objectName, (object, alpha)) in [("fur horse", try furHorse()), ("logo disk", try logoDisk())] {
            for (backgroundName, background) in try backgrounds() {
                var image = background
                let x = (512 - object.width) / 2, y = (512 - object.height) / 2
                try image.composite(object.withAlpha(alpha.soft()), atX: x, y: y)
                var truth = BinaryMask(width: 512, height: 512)
                truth.formUnion(alpha, atX: x, y: y)
                scenes.append(Scene(name: "\(objectName) on \(backgroundName)", image: image, truth: truth))
            }
        }
        return scenes
    }

    static func iou(_ scene: Scene, _ segmenter: ClassicalSegmenter = ClassicalSegmenter()) throws -> Double {
        let mask = try segmenter.segment(scene.image)
        #expect(mask.width == scene.image.width && mask.height == scene.image.height)
        return try mask.binarized(threshold: 129).iou(scene.truth)
    }

    /// IoU measured with the default parameters; each is asserted with a margin of 0.02.
    static let measured: [String: Double] = [
        "horse.png": 0.9983,
        "fur horse on white": 0.988,
        "fur horse on grey": 0.9551,
        "fur horse on blue": 0.9927,
        "fur horse on brick": 0.8614,
        "fur horse on gravel": 0.9221,
        "logo disk on white": 0.9443,
        "logo disk on grey": 0.9967,
        "logo disk on blue": 0.9974,
        "logo disk on brick": 0.9928,
        "logo disk on gravel": 0.9928,
    ]

    @Test func horseSilhouette() throws {
        let scene = try Self.horse()
        let iou = try Self.iou(scene)
        print("classical IoU \(scene.name): \(String(format: "%.4f", iou))")
        #expect(iou >= Self.measured[scene.name]! - 0.02)
    }

    @Test func compositedObjects() throws {
        for scene in try Self.composites() {
            let iou = try Self.iou(scene)
            print("classical IoU \(scene.name): \(String(format: "%.4f", iou))")
            let expected = try #require(Self.measured[scene.name])
            #expect(iou >= expected - 0.02, "\(scene.name)")
        }
    }

    @Test func anEmptySceneStaysEmpty() throws {
        let flat = Image(width: 200, height: 150, format: .rgb8, filledWith: [200, 190, 180])
        let mask = try ClassicalSegmenter().segment(flat)
        #expect(mask.values.allSatisfy { $0 == 0 })
    }

    @Test func largeImagesRunAtTheWorkingSizeAndComeBackFullSize() throws {
        // A 2048×1536 scene (4× the fur horse on grey): the analysis runs at 1024×768.
        let (object, alpha) = try Self.furHorse()
        var image = Image(width: 2048, height: 1536, format: .rgb8, filledWith: [128, 128, 128])
        let big = try object.resized(width: 1200, height: 984, filter: .bilinear)
        let bigAlpha = try alpha.resized(width: 1200, height: 984)
        try image.composite(big.withAlpha(bigAlpha.soft()), atX: 424, y: 276)
        var truth = BinaryMask(width: 2048, height: 1536)
        truth.formUnion(bigAlpha, atX: 424, y: 276)
        let iou = try Self.iou(Scene(name: "big", image: image, truth: truth))
        print("classical IoU fur horse 2048×1536 on grey: \(String(format: "%.4f", iou))")
        #expect(iou >= 0.9667 - 0.02)
    }
}
