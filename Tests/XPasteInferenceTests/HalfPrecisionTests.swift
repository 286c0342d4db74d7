import Testing
import XPasteInference

@Suite("Half precision")
struct HalfPrecisionTests {
    // Golden bit patterns: numpy.array([...], dtype=numpy.float32).astype(numpy.float16).view(numpy.uint16)
    @Test(arguments: [
        (1, 0x3C00), (-2, 0xC000), (65504, 0x7BFF), (65520, 0x7C00), (1e6, 0x7C00),
        (5.9604645e-8, 0x0001), (2.9802322e-8, 0x0000), (4.4703484e-8, 0x0001), (6.097555e-5, 0x03FF),
        (0.1, 0x2E66), (1.0009766, 0x3C01), (1.00048828125, 0x3C00), (1.00146484375, 0x3C02), (0, 0), (-0.0, 0x8000),
        (Float.infinity, 0x7C00), (-Float.infinity, 0xFC00),
    ] as [(Float, UInt16)])
    func roundsToNearestEven(value: Float, bits: UInt16) {
        #expect(HalfPrecision.bits(from: value) == bits)
    }

    @Test func everyHalfRoundTripsThroughFloat() {
        for bits in UInt16.min...UInt16.max {
            let f = HalfPrecision.float(from: bits)
            if f.isNaN {
                #expect(HalfPrecision.bits(from: f) & 0x7C00 == 0x7C00 && HalfPrecision.bits(from: f) & 0x3FF != 0)
            } else {
                #expect(HalfPrecision.bits(from: f) == bits)
            }
        }
        #expect(HalfPrecision.float(from: 0x0001) == 5.9604645e-8)
        #expect(HalfPrecision.float(from: 0x3555) == 0.33325195)
    }

    @Test func float16TensorsConvertBothWays() throws {
        let t = try Tensor(float16From: [1, 0.5, -3.25], shape: [3])
        #expect(t.bytes.count == 6)
        #expect(try t.float16Bits() == [0x3C00, 0x3800, 0xC280])
        #expect(try t.floats() == [1, 0.5, -3.25])
        #expect(throws: InferenceError.self) { try t.int64s() }
    }

    @Test func batchesConcatenateAndSplit() throws {
        let a = try Tensor(floats: [1, 2, 3, 4], shape: [2, 2])
        let b = try Tensor(floats: [5, 6], shape: [1, 2])
        let joined = try Tensor.concatenated([a, b])
        #expect(joined.shape == [3, 2])
        #expect(try joined.floats() == [1, 2, 3, 4, 5, 6])
        #expect(try joined.batchItems().map { try $0.floats() } == [[1, 2], [3, 4], [5, 6]])
        #expect(throws: InferenceError.self) { try Tensor.concatenated([a, try Tensor(floats: [1, 2, 3], shape: [1, 3])]) }
    }
}
