import Foundation

/// The one hidden folder a run works in, `<out>/.xpaste-partial-<split>/`, and how its result is
/// published.
///
/// Everything a run writes before it succeeds lives there: the JPEGs, one record per finished
/// image (`done/<index>.json`, written after its JPEG, each by write-then-rename), the annotation
/// file and manifest with their writers' temporary files, and `run.json` (the inputs and
/// parameters the records belong to). So a killed run leaves nothing but this folder; the next
/// plain run removes it, and `resume` keeps every finished image and composes only the rest,
/// which gives a byte-identical result because each image depends only on (seed, index).
///
/// Publishing moves the images folder, the annotation file and the manifest into place (an
/// `overwrite` first removes the old split entirely) and removes the folder. Each move is
/// skipped when already done, so a run killed while publishing finishes on `resume`.
struct OutputStaging {
    let out: URL
    let split: String
    let root: URL

    init(out: URL, split: String) {
        self.out = out
        self.split = split
        self.root = out.appendingPathComponent(".xpaste-partial-\(split)", isDirectory: true)
    }

    var images: URL { root.appendingPathComponent("images", isDirectory: true) }
    var done: URL { root.appendingPathComponent("done", isDirectory: true) }
    var annotations: URL { root.appendingPathComponent("annotations.json") }
    var manifest: URL { root.appendingPathComponent("manifest.json") }
    var fingerprintFile: URL { root.appendingPathComponent("run.json") }
    var publishingMarker: URL { root.appendingPathComponent("publishing") }

    var finalImages: URL { out.appendingPathComponent(split, isDirectory: true) }
    var finalAnnotations: URL { out.appendingPathComponent("annotations/\(split).json") }
    var finalManifest: URL { out.appendingPathComponent("manifest.json") }

    private var fm: FileManager { .default }

    /// Whether a staging folder is there.
    var exists: Bool { fm.fileExists(atPath: root.path) }

    /// Whether the split is already published.
    var splitExists: Bool { fm.fileExists(atPath: finalImages.path) || fm.fileExists(atPath: finalAnnotations.path) }

    /// Removes the folder (leftovers of a killed or failed run).
    func remove() {
        try? fm.removeItem(at: root)
    }

    /// Creates the folder for a fresh run and records `fingerprint`.
    func create(fingerprint: Data) throws(CompositorError) {
        do {
            try fm.createDirectory(at: images, withIntermediateDirectories: true)
            try fm.createDirectory(at: done, withIntermediateDirectories: true)
            try Self.atomicWrite(fingerprint, to: fingerprintFile)
        } catch let e as CompositorError {
            throw e
        } catch {
            throw .io("cannot create \(root.path): \(error.localizedDescription)")
        }
    }

    /// The fingerprint an interrupted run recorded.
    func recordedFingerprint() -> Data? {
        fm.contents(atPath: fingerprintFile.path)
    }

    /// Where image `index`'s finished record goes.
    func record(_ index: Int) -> URL {
        done.appendingPathComponent("\(index).json")
    }

    /// Writes `data` to `url` through a temporary name in the same folder, so a reader (or a
    /// resumed run) sees either nothing or the whole file.
    static func atomicWrite(_ data: Data, to url: URL) throws(CompositorError) {
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp").path
        guard FileManager.default.createFile(atPath: tmp, contents: data) else { throw .io("cannot write \(tmp)") }
        guard rename(tmp, url.path) == 0 else { throw .io("cannot rename \(tmp) to \(url.path): errno \(errno)") }
    }

    /// Moves the result into place (see the type). `overwrite` removes the old split first.
    func publish(overwrite: Bool) throws(CompositorError) {
        do {
            if !fm.fileExists(atPath: publishingMarker.path) { try Self.atomicWrite(Data(), to: publishingMarker) }
            try fm.createDirectory(at: finalAnnotations.deletingLastPathComponent(), withIntermediateDirectories: true)
            if fm.fileExists(atPath: images.path) {
                // The old split goes entirely: no stale JPEG may sit beside the new listing.
                if overwrite, fm.fileExists(atPath: finalImages.path) { try fm.removeItem(at: finalImages) }
                try fm.moveItem(at: images, to: finalImages)
            }
            for (from, to) in [(annotations, finalAnnotations), (manifest, finalManifest)] where fm.fileExists(atPath: from.path) {
                guard rename(from.path, to.path) == 0 else { throw CompositorError.io("cannot rename \(from.path) to \(to.path): errno \(errno)") }
            }
            try fm.removeItem(at: root)
        } catch let e as CompositorError {
            throw e
        } catch {
            throw .io("publishing \(root.path): \(error.localizedDescription)")
        }
    }

    /// True when a run was killed while publishing: only the remaining moves are left to do.
    var isPublishing: Bool { fm.fileExists(atPath: publishingMarker.path) }
}
