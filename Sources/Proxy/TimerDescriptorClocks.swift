import Foundation

/// Which clocks a process holds timer descriptors (timerfd) for, read from `/proc/PID/fd` and
/// `/proc/PID/fdinfo` (`clockid:` 0 CLOCK_REALTIME, 1 CLOCK_MONOTONIC, 7 CLOCK_BOOTTIME).
public enum TimerDescriptorClocks {
    /// The clocks of `process`'s timer descriptors (`self`, or a process ID), or nil when `/proc`
    /// cannot be read (not Linux, or no permission).
    public static func clocks(ofProcess process: String = "self") -> Set<Int>? {
        let directory = "/proc/\(process)/fd"
        guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        var clocks: Set<Int> = []
        for descriptor in descriptors {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(descriptor)"),
                target.contains("timerfd"),
                let info = try? String(contentsOfFile: "/proc/\(process)/fdinfo/\(descriptor)", encoding: .utf8),
                let line = info.split(separator: "\n").first(where: { $0.hasPrefix("clockid:") }),
                let clock = Int(line.dropFirst("clockid:".count).trimmingCharacters(in: .whitespaces))
            else { continue }
            clocks.insert(clock)
        }
        return clocks
    }
}
