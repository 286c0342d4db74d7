/// What the schedulers share about choosing inference timesteps.
enum SchedulerSteps {
    /// Refuses step counts a schedule cannot give.
    static func check(_ steps: Int, _ trainCount: Int) throws(InferenceError) {
        guard steps >= 1, steps <= trainCount else {
            throw .invalidInput("inference steps \(steps) must lie in 1…\(trainCount)")
        }
    }

    /// "trailing" spacing: round(arange(T, 0, −T/N)) − 1.
    static func trailing(_ trainCount: Int, _ steps: Int) -> [Double] {
        let ratio = Double(trainCount) / Double(steps)
        return (0..<steps).map { k in NoiseSchedule.roundHalfEven(Double(trainCount) - Double(k) * ratio) - 1 }
    }
}
