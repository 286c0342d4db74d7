/// What the denoiser predicts (`prediction_type` in `scheduler_config.json`): the noise for
/// SD 1.x, SD 2.x base and sd-turbo, the velocity for the 768-pixel SD 2.x models.
public enum PredictionType: String, Sendable, Hashable, Codable {
    /// ε-prediction.
    case epsilon
    /// v-prediction (Salimans & Ho): v = √ᾱ·ε − √(1−ᾱ)·x₀.
    case vPrediction = "v_prediction"
}
