import Foundation
import XPasteLVIS

/// Ready-to-paste registration of an emitted dataset for detectron2 and mmdetection 3.x, with
/// absolute paths; the run prints it and keeps it in the manifest (`registration`).
///
/// Why each piece is as it is (from the loaders' source):
/// - detectron2 `load_lvis_json` builds image paths as `os.path.join(image_root + split_folder,
///   file)` (plain string concatenation), so its image root must end with `/`; it labels an
///   annotation `category_id - 1` and names it from LVIS v1's built-in list when the dataset name
///   contains `v1`, so ids must be LVIS's 1…1203. Any other dense 1…N vocabulary registers through
///   `load_lvis_json` without a name and a `thing_classes` list in id order.
/// - detectron2 `load_coco_json` (COCO output) maps sorted category ids to contiguous labels
///   itself and reads images at `image_root/file_name`.
/// - mmdetection `LVISV1Dataset` labels by position in the file's category list
///   (`cat2label = {cat_id: i for i, cat_id in enumerate(lvis.get_cat_ids())}`) and names
///   positions from its built-in 1203 classes, unless `metainfo.classes` overrides them.
/// - mmdetection `CocoDataset` keeps the categories named in `metainfo.classes`, in the file's
///   order, and labels by position: `metainfo.classes` must be the file's names in file order,
///   and the model's `num_classes` its length.
public struct DatasetRegistration: Sendable, Hashable, Codable {
    /// detectron2 Python lines.
    public var detectron2: String
    /// mmdetection dataset config (Python dict).
    public var mmdetection: String
    /// mmdetection `metainfo.classes`, in the file's category order.
    public var classes: [String]
    /// The model's `num_classes`.
    public var numClasses: Int
    /// Whether `classes` must be given explicitly (COCO output, or a vocabulary other than LVIS v1's).
    public var classesRequired: Bool
    /// How to train on the set, when it matters (a set made with large-scale jitter must not be
    /// jittered again); also the first lines of both snippets, as Python comments.
    public var trainingNote: String?

    enum CodingKeys: String, CodingKey {
        case detectron2, mmdetection, classes
        case trainingNote = "training_note"
        case numClasses = "num_classes"
        case classesRequired = "classes_required"
    }

    /// The registration of split `split` written under `out` with `categories` (file order); `lsj`
    /// is the jitter the images were made with, if any.
    public init(format: DatasetFormat, out: URL, split: String, categories: [LVISCategory], lvisV1Count: Int = 1203,
                lsj: LargeScaleJitter? = nil) {
        let root = out.standardizedFileURL.path
        let rootSlash = root.hasSuffix("/") ? root : root + "/"
        let json = rootSlash + "annotations/\(split).json"
        let name = "xpaste_\(split.replacingOccurrences(of: "-", with: "_"))"
        let names = categories.map(\.name)
        let isLVISv1 = categories.count == lvisV1Count && categories.enumerated().allSatisfy { $0.offset + 1 == $0.element.id }
        let dense = categories.enumerated().allSatisfy { $0.offset + 1 == $0.element.id }
        classes = names
        numClasses = names.count
        let tuple = "(" + names.map(Self.pythonString).joined(separator: ", ") + (names.count == 1 ? ",)" : ")")
        switch format {
        case .lvis:
            classesRequired = !isLVISv1
            if isLVISv1 {
                detectron2 = """
                    from detectron2.data.datasets import register_lvis_instances
                    register_lvis_instances("\(name)_v1", {}, \(Self.pythonString(json)), \(Self.pythonString(rootSlash)))
                    """
            } else if dense {
                detectron2 = """
                    import json
                    from detectron2.data import DatasetCatalog, MetadataCatalog
                    from detectron2.data.datasets.lvis import load_lvis_json
                    DatasetCatalog.register("\(name)", lambda: load_lvis_json(\(Self.pythonString(json)), \(Self.pythonString(rootSlash))))
                    MetadataCatalog.get("\(name)").set(json_file=\(Self.pythonString(json)), image_root=\(Self.pythonString(rootSlash)), evaluator_type="lvis",
                        thing_classes=[c["name"] for c in sorted(json.load(open(\(Self.pythonString(json))))["categories"], key=lambda c: c["id"])])
                    """
            } else {
                // load_lvis_json would index classes by category_id - 1 past the list's end.
                detectron2 = """
                    from detectron2.data.datasets import register_coco_instances
                    register_coco_instances("\(name)", {}, \(Self.pythonString(json)), \(Self.pythonString(rootSlash)))
                    """
            }
            mmdetection = """
                dict(type="LVISV1Dataset", data_root=\(Self.pythonString(rootSlash)), ann_file="annotations/\(split).json", data_prefix=dict(img="")\
                \(isLVISv1 ? "" : ",\n     metainfo=dict(classes=\(tuple))"))
                """
        case .coco:
            classesRequired = true
            let imageRoot = rootSlash + split + "/"
            detectron2 = """
                from detectron2.data.datasets import register_coco_instances
                register_coco_instances("\(name)", {}, \(Self.pythonString(json)), \(Self.pythonString(imageRoot)))
                """
            mmdetection = """
                dict(type="CocoDataset", data_root=\(Self.pythonString(rootSlash)), ann_file="annotations/\(split).json", data_prefix=dict(img="\(split)/"),
                     metainfo=dict(classes=\(tuple)))
                """
        }
        if let lsj {
            let note = "Each image is already one large-scale-jitter sample (EfficientDetResizeCrop \(lsj.size), scale "
                + "\(lsj.minScale)…\(lsj.maxScale)) with its pastes: train WITHOUT further LSJ (no EfficientDetResizeCrop / "
                + "RandomResize-and-crop; pad or resize to \(lsj.size) only)."
            trainingNote = note
            detectron2 = "# " + note + "\n" + detectron2
            mmdetection = "# " + note + "\n" + mmdetection
        }
    }

    /// What the run prints: both snippets and the class count.
    public var text: String {
        """
        detectron2:
        \(detectron2.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        mmdetection (num_classes=\(numClasses)):
        \(mmdetection.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        """
    }

    /// A Python string literal (double quotes, backslashes and quotes escaped).
    static func pythonString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
