import Foundation
import Proxy

/// Reads this process's `ProcessStatistics` from /proc (Linux); nil elsewhere or when /proc is
/// not mounted, and the process families are then left out of `/metrics`.
enum ProcessStatisticsReader {
    static func read() -> ProcessStatistics? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let systemStat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")
        else { return nil }
        return ProcessStatistics.parse(
            stat: stat,
            systemStat: systemStat,
            ticksPerSecond: sysconf(Int32(_SC_CLK_TCK)),
            pageSize: sysconf(Int32(_SC_PAGESIZE)),
            // The listing itself held one descriptor open while it ran.
            openFileDescriptors: max(descriptors.count - 1, 0),
            maxFileDescriptors: Int(clamping: DescriptorLimit.current().soft)
        )
    }
}
