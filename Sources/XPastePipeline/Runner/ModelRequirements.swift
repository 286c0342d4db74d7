import XPasteInference
import XPasteStages

/// The models a planned pipeline needs, and which of them are missing from the models folder.
public enum ModelRequirements {
    /// A model a stage loads.
    public struct Requirement: Sendable, Hashable, Codable {
        /// The model folder's name.
        public var name: String
        /// The model family it must be.
        public var family: String
        /// The stage id that loads it.
        public var stage: String
    }

    /// Every model the enabled stages of `plans` load (classical segmentation needs none).
    public static func requirements(_ plans: [(id: String, plan: StagePlan)]) -> [Requirement] {
        var out: [Requirement] = []
        for (id, plan) in plans {
            switch plan {
            case .extract(let p):
                for s in p.segmenters where s != SegmenterLoader.classicalName {
                    out.append(Requirement(name: s, family: ModelManifest.Family.segmenter.rawValue, stage: id))
                }
                if let clip = p.effectiveCLIP { out.append(Requirement(name: clip, family: ModelManifest.Family.clip.rawValue, stage: id)) }
            case .filter(let p):
                out.append(Requirement(name: p.clip, family: ModelManifest.Family.clip.rawValue, stage: id))
            case .generate(let p) where !p.model.hasPrefix("/"):
                out.append(Requirement(name: p.model, family: ModelManifest.Family.stableDiffusion.rawValue, stage: id))
            case .ingest, .crawl, .generate, .composite:
                break
            }
        }
        return out
    }

    /// The requirements not installed in `directory`, each with how to get it.
    public static func missing(
        _ requirements: [Requirement], in directory: ModelsDirectory, catalog: [String: ModelCatalog.Entry] = ModelCatalog.entries
    ) -> [PipelineError.MissingModel] {
        var seen = Set<String>()
        var out: [PipelineError.MissingModel] = []
        for r in requirements where seen.insert(r.name).inserted {
            let family = ModelManifest.Family(rawValue: r.family) ?? .clip
            do throws(InferenceError) {
                _ = try directory.installedModel(named: r.name, family: family)
            } catch {
                let remedy = catalog[r.name] != nil
                    ? "run `xpaste models pull \(r.name)`, or submit with \"pull_missing\": true"
                    : "\(error.description)"
                out.append(.init(name: r.name, stage: r.stage, remedy: remedy))
            }
        }
        return out
    }
}
