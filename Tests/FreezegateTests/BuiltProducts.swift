import Foundation

/// The executables SwiftPM built next to this test bundle (the test target depends on them).
enum BuiltProducts {
    static var directory: String {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first ?? ""
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // macOS: …/debug/freezegatePackageTests.xctest/Contents/MacOS/freezegatePackageTests
        while url.path.contains(".xctest") {
            url.deleteLastPathComponent()
        }
        return url.path
    }

    static var freezegate: String { directory + "/freezegate" }
    static var demoCRM: String { directory + "/freezegate-demo-crm" }

    /// The repository checkout (for docker-compose.yml and scripts/).
    static var repository: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // FreezegateTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent().path
    }
}
