import Gateway

/// A failure reported to the operator as one line on stderr (`Error: …`) with a non-zero exit.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
