import Foundation

/// Reads this process's `ProcessStatistics` from /proc (Linux); nil elsewhere or when /proc is
/// not mounted, and the process families are then left out of `/metrics`.
enum ProcessStatisticsReader {
    static func read() -> ProcessStatistics? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let systemStat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")
        else { return nil }
        var limit = rlimit()
        let maxDescriptors = getrlimit(openFilesResource, &limit) == 0 ? Int(clamping: limit.rlim_cur) : 0
        return ProcessStatistics.parse(
            stat: stat,
            systemStat: systemStat,
            ticksPerSecond: sysconf(Int32(_SC_CLK_TCK)),
            pageSize: sysconf(Int32(_SC_PAGESIZE)),
            // The listing itself held one descriptor open while it ran.
            openFileDescriptors: max(descriptors.count - 1, 0),
            maxFileDescriptors: maxDescriptors
        )
    }

    // Glibc imports the resource as an enum case; the function takes its raw value.
    #if canImport(Glibc)
    private static let openFilesResource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let openFilesResource = RLIMIT_NOFILE
    #endif
}
