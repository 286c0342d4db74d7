import Foundation

// `xpaste-bench NAME [args…]`: each benchmark group registers one entry here.
let groups: [String: ([String]) throws -> Void] = [
    "bank": BankBench.run,
    "bank-postgres": PostgresBankBench.run,
    "codecs": CodecBench.run,
    "extract": ExtractBench.run,
    "compositor": CompositorBench.run,
    "inference": InferenceBench.run,
    "maskgeom": MaskGeometryBench.run,
    "raster": RasterBench.run,
    "lvis": LVISBench.run,
]

let args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first, let group = groups[name] else {
    let known = groups.keys.sorted().joined(separator: ", ")
    FileHandle.standardError.write("usage: xpaste-bench GROUP [args…]; groups: \(known)\n".data(using: .utf8)!)
    exit(2)
}
try group(Array(args.dropFirst()))
