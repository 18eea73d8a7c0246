import NIOCore
import Testing

@testable import Proxy

/// Pauses and log lines of a listener out of descriptors, without I/O.
@Suite struct AcceptExhaustionEpisodesTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    @Test func pausesDoubleUpToTheLongestWithinOneEpisode() {
        var episodes = AcceptExhaustionEpisodes()
        var pauses: [TimeAmount] = []
        for i in 0..<7 {
            pauses.append(episodes.acceptFailed(now: self.start + .milliseconds(Int64(i) * 10)).pause)
        }
        #expect(pauses.map(\.nanoseconds) == [50, 100, 200, 400, 800, 1000, 1000].map { $0 * 1_000_000 })
        #expect(episodes.isInEpisode)
    }

    @Test func oneEpisodeWarnsOnceAndSaysWhenAcceptingWorksAgain() {
        var episodes = AcceptExhaustionEpisodes()
        let first = episodes.acceptFailed(now: self.start).warning
        #expect(first == AcceptExhaustionEpisodes.Warning(quietEpisodes: 0, quietFailedAccepts: 0))
        #expect(episodes.acceptFailed(now: self.start + .milliseconds(50)).warning == nil)
        #expect(episodes.acceptFailed(now: self.start + .seconds(30)).warning == nil, "still the same episode")
        #expect(episodes.accepted() == AcceptExhaustionEpisodes.Recovery(failedAccepts: 3))
        #expect(!episodes.isInEpisode)
        #expect(episodes.accepted() == nil, "nothing to say while accepting works")
    }

    /// A storm: every closed connection lets one accept through, so episodes follow each other
    /// many times a second. One warning per 10 s, the quiet episodes summed up in the next.
    @Test func aStormOfShortEpisodesWarnsOncePerIntervalWithASummary() {
        var episodes = AcceptExhaustionEpisodes()
        var warnings: [(at: Int64, warning: AcceptExhaustionEpisodes.Warning)] = []
        var recoveries = 0
        // 25 s of episodes every 100 ms, each with two failed accepts.
        for tick in Int64(0)..<250 {
            let now = self.start + .milliseconds(tick * 100)
            for _ in 0..<2 {
                if let warning = episodes.acceptFailed(now: now).warning { warnings.append((tick, warning)) }
            }
            if episodes.accepted() != nil { recoveries += 1 }
        }
        #expect(warnings.map(\.at) == [0, 100, 200])
        #expect(warnings.map(\.warning.quietEpisodes) == [0, 99, 99])
        #expect(warnings.map(\.warning.quietFailedAccepts) == [0, 198, 198])
        #expect(recoveries == 3, "only the episodes that warned say they ended")
    }

    @Test func anEpisodeLongAfterTheLastWarnsAgain() {
        var episodes = AcceptExhaustionEpisodes()
        _ = episodes.acceptFailed(now: self.start)
        _ = episodes.accepted()
        #expect(episodes.acceptFailed(now: self.start + .seconds(3)).warning == nil)
        _ = episodes.accepted()
        let later = episodes.acceptFailed(now: self.start + .seconds(11))
        #expect(later.warning == AcceptExhaustionEpisodes.Warning(quietEpisodes: 1, quietFailedAccepts: 1))
        #expect(later.pause == AcceptExhaustionEpisodes.firstPause, "a new episode starts with the shortest pause")
    }
}
