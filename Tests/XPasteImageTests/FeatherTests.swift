import Testing
@testable import XPasteImage

/// Gaussian and box feathering compared byte for byte with OpenCV.
@Suite struct FeatherTests {
    /// A hard-edged mask (a disk and a bar) plus a noisy one: edges and arbitrary values.
    static func masks() throws -> [(String, Mask)] {
        var hard = Mask(width: 53, height: 41)
        for y in 0..<41 {
            for x in 0..<53 where (x - 20) * (x - 20) + (y - 18) * (y - 18) < 150 || (x > 40 && y > 5 && y < 35) {
                hard[x, y] = 255
            }
        }
        return [("hard", hard), ("noise", try Mask(width: 37, height: 29, values: noiseBytes(37 * 29, seed: 21))),
                ("tiny", try Mask(width: 3, height: 2, values: [0, 255, 10, 200, 0, 90]))]
    }

    /// Runs `op` of feather_reference.py on every test mask for every parameter value and
    /// returns, per case, the label and whether `blur` gave the same bytes.
    private func compareWithOpenCV<P>(
        op: String, key: String, parameters: [P], _ blur: (Mask, P) throws -> Mask
    ) throws -> [(String, Bool)] {
        let ref = try RasterReference()
        var jobs: [[String: Any]] = []
        let masks = try Self.masks()
        for (name, mask) in masks {
            let input = try ref.write(mask.values, as: "\(name).raw")
            for (i, p) in parameters.enumerated() {
                jobs.append(["op": op, "in": input, "w": mask.width, "h": mask.height, key: p,
                             "out": ref.path("\(name)-\(i).raw")])
            }
        }
        try ref.run("feather_reference.py", jobs)
        var results: [(String, Bool)] = []
        for (name, mask) in masks {
            for (i, p) in parameters.enumerated() {
                results.append(("\(name) \(key)=\(p)", try blur(mask, p).values == ref.read("\(name)-\(i).raw")))
            }
        }
        return results
    }

    @Test func gaussianMatchesOpenCVExactly() throws {
        let sigmas = [0.5, 1.0, 1.5, 2.0, 2.7, 3.0, 6.0]
        for (label, same) in try compareWithOpenCV(op: "gaussian", key: "sigma", parameters: sigmas, { try $0.gaussianBlurred(sigma: $1) }) {
            #expect(same, "\(label)")
        }
    }

    @Test func boxBlurMatchesOpenCVExactly() throws {
        let radii = [1, 2, 5, 30, 40]  // 40: window 81² takes the Double rounding path
        for (label, same) in try compareWithOpenCV(op: "box", key: "radius", parameters: radii, { try $0.boxBlurred(radius: $1) }) {
            #expect(same, "\(label)")
        }
    }

    @Test func gaussianKernelIsOpenCVs() {
        // OpenCV's 8-bit kernel for σ = 1 is [1, 14, 62, 102, 62, 14, 1] / 256: blurring a single
        // 255 pixel in a row with cv2.GaussianBlur prints exactly these values.
        #expect(MaskFeathering.gaussianKernel(sigma: 1) == [1, 14, 62, 102, 62, 14, 1])
        for sigma in [0.3, 1.0, 2.5, 9.0] {
            #expect(MaskFeathering.gaussianKernel(sigma: sigma).reduce(0, +) == 256)
        }
    }

    @Test func reflect101Borders() {
        #expect((-3...7).map { MaskFeathering.reflect101($0, 5) } == [3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1])
        #expect(MaskFeathering.reflect101(-4, 2) == 0)
        #expect(MaskFeathering.reflect101(9, 1) == 0)
    }

    @Test func badParametersThrow() throws {
        let mask = Mask(width: 4, height: 4, value: 9)
        for sigma in [0.0, -1, .nan, .infinity] {
            #expect(throws: ImageError.self) { try mask.gaussianBlurred(sigma: sigma) }
        }
        do {
            _ = try mask.boxBlurred(radius: -1)
            Issue.record("negative radius accepted")
        } catch {
            #expect(error.code == "image.invalid_argument")
        }
        #expect(try mask.boxBlurred(radius: 0) == mask)
        #expect(try mask.boxBlurred(radius: 3) == mask)  // constant stays constant
    }
}
