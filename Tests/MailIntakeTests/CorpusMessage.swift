import Foundation
import MailIntake

/// A message of the corpus (Corpus/*.eml), read as the intake reads it.
enum CorpusMessage {
    static let authservID = "mx.freezegate.test"

    static func raw(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "eml", subdirectory: "Corpus") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name])
        }
        return [UInt8](try Data(contentsOf: url))
    }

    static func request(_ name: String) throws -> IncomingRequest {
        IncomingRequest(raw: try raw(name), authservID: authservID, baseDomains: ["s20.online"])
    }
}
