import Foundation
import Testing
import XPasteImage
import XPasteTestSupport

/// The codecs keep all state per call, so decoding and encoding from many tasks at once must
/// give exactly the serial results (and must not crash: libjpeg/libpng errors longjmp inside
/// per-call state, which the broken inputs mixed in here exercise concurrently).
@Suite struct CodecConcurrencyTests {
    @Test func concurrentDecodesMatchSerialOnes() async throws {
        var inputs = try SharedData.imageNames.map { try CodecFixtures.shared($0) }
        inputs += try ["cmyk.jpg", "lossy_alpha.webp", "orientation_6.jpg", "interlaced_rgb.png"].map(CodecFixtures.bytes)
        let serial = try inputs.map { try ImageCodec.decode($0) }
        let truncated = Array(inputs[0].prefix(inputs[0].count / 2))
        let snapshot = inputs

        let matches = try await withThrowingTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var allMatch = true
                    for round in 0..<2 {
                        // Each task walks the inputs in its own order, so different codecs overlap.
                        for offset in 0..<snapshot.count {
                            let index = (offset + task * 3 + round) % snapshot.count
                            allMatch = PixelCompare.identical(try ImageCodec.decode(snapshot[index]), serial[index]) && allMatch
                            // A decode failing (by longjmp) on this thread must not disturb the others.
                            allMatch = allMatch && (try? ImageCodec.decode(truncated)) == nil
                        }
                    }
                    return allMatch
                }
            }
            var results: [Bool] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(matches == [Bool](repeating: true, count: 8))
    }

    @Test func concurrentEncodesMatchSerialOnes() async throws {
        let images = try ["chelsea.png", "horse.png", "coffee.png"].map { try ImageCodec.decode(contentsOf: SharedData.image($0).path) }
        let png = try images.map { try ImageCodec.encodePNG($0) }
        let jpeg = try images.filter { $0.format == .rgb8 }.map { try ImageCodec.encodeJPEG($0) }
        let ok = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    let p = try images.map { try ImageCodec.encodePNG($0) }
                    let j = try images.filter { $0.format == .rgb8 }.map { try ImageCodec.encodeJPEG($0) }
                    return p == png && j == jpeg
                }
            }
            var all = true
            for try await result in group { all = all && result }
            return all
        }
        #expect(ok)
    }
}
