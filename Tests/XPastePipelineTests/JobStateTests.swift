import Testing
import XPastePipeline

/// The job state machine, every state against every action.
@Suite("Job state machine")
struct JobStateTests {
    /// The whole transition table: a pair missing here must be refused.
    static let allowed: [JobState: [JobState.Action: JobState]] = [
        .queued: [.start: .running, .requestCancel: .cancelled],
        .running: [.succeed: .succeeded, .fail: .failed, .requestCancel: .cancelling, .interrupt: .queued],
        .cancelling: [.stopped: .cancelled, .succeed: .cancelled, .fail: .cancelled, .interrupt: .cancelled, .requestCancel: .cancelling],
        .cancelled: [.retry: .queued],
        .succeeded: [.retry: .queued],
        .failed: [.retry: .queued],
    ]

    @Test(arguments: JobState.allCases)
    func everyActionFromState(_ state: JobState) {
        for action in JobState.Action.allCases {
            #expect(state.applying(action) == Self.allowed[state]?[action], "\(state) --\(action)-->")
        }
    }

    @Test func finishedStatesAreExactlyTheTerminalOnes() {
        #expect(JobState.allCases.filter(\.isFinished) == [.cancelled, .succeeded, .failed])
        // Only retry leaves a finished state, and it always goes back to the queue.
        for state in JobState.allCases where state.isFinished {
            let exits = JobState.Action.allCases.filter { state.applying($0) != nil }
            #expect(exits == [.retry])
        }
    }

    @Test func everyStateIsReachableFromQueued() {
        var seen: Set<JobState> = [.queued]
        var frontier: [JobState] = [.queued]
        while let s = frontier.popLast() {
            for a in JobState.Action.allCases {
                if let n = s.applying(a), seen.insert(n).inserted { frontier.append(n) }
            }
        }
        #expect(seen == Set(JobState.allCases))
    }
}
