/// How inference timesteps are spread over the training timesteps (`timestep_spacing`), as in
/// "Common Diffusion Noise Schedules and Sample Steps are Flawed" (table 2), which diffusers follows.
public enum TimestepSpacing: String, Sendable, Hashable, Codable {
    /// Evenly from 0 to T − 1, both ends included.
    case linspace
    /// Multiples of T / N from 0, plus `steps_offset` (the SD 1.x default for DDIM and PNDM).
    case leading
    /// Multiples of T / N down from T, minus one (sd-turbo: the first step at T − 1).
    case trailing
}
