/// A certificate or key that cannot serve: names the file and the problem in one line.
public struct TLSCertificateError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var problem: String

    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(self.file): \(self.problem)" }
}
