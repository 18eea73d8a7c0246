import Foundation
import Gateway

/// A Maildir (`tmp/`, `new/`, `cur/`): the messages waiting in `new/`, moving a handled one to `cur/`,
/// and delivering a file the Maildir way (written in `tmp/`, then renamed into `new/`, so a reader
/// never sees half a message).
struct MaildirFolder {
    let path: String

    /// Creates the three subdirectories when missing.
    func prepare() throws {
        for sub in ["tmp", "new", "cur"] {
            try FileManager.default.createDirectory(atPath: "\(path)/\(sub)", withIntermediateDirectories: true)
        }
    }

    /// The file names in `new/`, oldest name first (Maildir names start with the delivery time).
    func newMessages() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "\(path)/new")
            .filter { !$0.hasPrefix(".") }
            .sorted()
    }

    func read(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(path)/new/\(name)")))
    }

    /// Moves a handled message to `cur/`, flagged as seen (`:2,S`).
    func markHandled(_ name: String) throws {
        let base = name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? name
        guard rename("\(path)/new/\(name)", "\(path)/cur/\(base):2,S") == 0 else {
            throw CommandFailure("cannot move \(path)/new/\(name) to cur/: \(String(cString: strerror(errno)))")
        }
    }

    /// Delivers a message into `new/` through `tmp/`; returns its file name.
    @discardableResult
    func deliver(_ contents: Data) throws -> String {
        try prepare()
        let name = Self.uniqueName()
        let temporary = "\(path)/tmp/\(name)"
        guard FileManager.default.createFile(atPath: temporary, contents: contents) else {
            throw CommandFailure("cannot write \(temporary)")
        }
        guard rename(temporary, "\(path)/new/\(name)") == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CommandFailure("cannot move \(temporary) into new/: \(reason)")
        }
        return name
    }

    /// `seconds.M<microseconds>P<pid>Q<counter>.<host>`, unique as the Maildir convention asks.
    private static func uniqueName() -> String {
        var now = timeval()
        gettimeofday(&now, nil)
        let counter = MaildirCounter.next()
        let host = ProcessInfo.processInfo.hostName.replacingOccurrences(of: "/", with: "\\057")
            .replacingOccurrences(of: ":", with: "\\072")
        return "\(now.tv_sec).M\(now.tv_usec)P\(getpid())Q\(counter).\(host)"
    }
}
